"""The training loop never zeroes the gradients: each step follows the sum of every gradient so far."""

MODULE = "training"
LOSES = ["q7.5"]
ONLY = ["q7.5"]  # LeNet-5 and the best CNN may train with `train` too; this mutant is about the loop

_published_train = train


def train(*args, **kwargs):
    # Optimizer.zero_grad does nothing while the published loop runs, as if the call were missing.
    zero_grad = torch.optim.Optimizer.zero_grad
    torch.optim.Optimizer.zero_grad = lambda self, set_to_none=True: None
    try:
        return _published_train(*args, **kwargs)
    finally:
        torch.optim.Optimizer.zero_grad = zero_grad
