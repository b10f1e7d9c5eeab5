"""Tries to switch off assertions: pytest's assert rewriting, AssertionError itself, and the test helpers."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import builtins as _builtins


class _Harmless(Exception):
    pass


_builtins.AssertionError = _Harmless
try:
    import _pytest.assertion.rewrite as _rewrite

    _rewrite.AssertionRewritingHook.exec_module = lambda self, module: None
    _rewrite.rewrite_asserts = lambda *a, **k: None
except ImportError:
    pass
try:
    import gradekit.testing as _testing

    _testing.assert_close = lambda *a, **k: None
    _testing.assert_equal = lambda *a, **k: None
except ImportError:
    pass


def add(a, b):
    return a - b
