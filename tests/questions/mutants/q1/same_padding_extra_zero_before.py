"""same_padding puts the odd zero before the input (top/left) instead of after it (bottom/right)."""

MODULE = "sizes"
LOSES = ["q1.2", "q1.3", "q1.4", "q1.6"]
DIAGNOSIS = {
    "q1.2": "SAME's odd zero on the wrong side",
    "q1.3": "SAME's odd zero on the wrong side",
    "q1.4": "SAME's odd zero on the wrong side",
    "q1.6": "SAME's odd zero on the wrong side",
}


def same_padding(n, k, stride=1):
    total = max((-(-n // stride) - 1) * stride + k - n, 0)
    return total - total // 2, total // 2
