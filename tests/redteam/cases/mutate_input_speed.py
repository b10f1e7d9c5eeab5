"""Fast and right, but writes into its input arrays during the timed runs."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
REASON = "modified its input arrays"  # in the attacked task's message: it failed for this reason
TIMEOUT = 60

_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above


def pairwise_sq_dists(a, b):
    out = _honest(a, b)
    if len(a) > 2:
        a[0, 0] += 1.0
    return out
