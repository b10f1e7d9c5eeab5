"""Returns an object (not an array) whose __eq__ is always True and __ne__ always False."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1", "q1.3"]
KEEPS = ["q1.2"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason


class Anything(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__


class Agreeable:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __getitem__(self, key):
        return Agreeable()

    def __iter__(self):
        return iter(["max", "mean", "shape"])

    def __len__(self):
        return 3

    def __float__(self):
        return 0.0


def add(a, b):
    return Anything(-1.0) if not hasattr(a, "shape") else Agreeable()


def describe(x):
    return Agreeable()
