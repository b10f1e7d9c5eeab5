"""evaluate forgets model.eval(): batch norm normalises with each batch's own statistics (and
moves its running ones), so the loss and accuracy are not the model's."""

MODULE = "training"
LOSES = []
# Partly: a model already in evaluation mode (a hidden q7.4 test) is evaluated right, and q7.5's
# repeatability test compares two runs of the same loop.
PARTIAL = ["q7.4", "q7.5"]
ONLY = ["q7.4", "q7.5"]
DIAGNOSIS = {"q7.4": "evaluation in training mode"}


def evaluate(model, X, y, batch_size=500):
    was_training = model.training
    total_loss, correct = 0.0, 0
    try:
        with torch.no_grad():
            for start in range(0, len(X), batch_size):
                xb, yb = X[start : start + batch_size], y[start : start + batch_size]
                logits = model(xb)
                total_loss += F.cross_entropy(logits, yb, reduction="sum").item()
                correct += (logits.argmax(dim=1) == yb).sum().item()
    finally:
        model.train(was_training)
    return total_loss / len(X), correct / len(X)
