"""train_step puts the whole model in training mode: frozen batch norm normalizes with batch
statistics and overwrites its running statistics, although its parameters are frozen."""

MODULE = "transfer"
LOSES = ["q8.6"]
ONLY = ["q8.5", "q8.6", "q8.7", "q8.8"]
DIAGNOSIS = {"q8.6": "a backbone whose batch norm still trains"}


def train_step(model, optimizer, x, y):
    model.train()
    loss = F.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
