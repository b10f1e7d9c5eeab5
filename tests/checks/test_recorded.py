"""The fingerprints q8's and q9's visible tests compare with are those of the hidden references today.

A changed reference, checkpoint or visible input without a new recording would make the visible
tests fail correct work (or pass wrong work); regenerate with `python solutions/qN/hidden/references.py`.
"""

from pathlib import Path

import pytest

from gradekit.checks import recorded
from gradekit.harness.importer import load_beside
from gradekit.testing import assert_close, assert_equal

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("question", ["q8", "q9"])
def test_recorded_fingerprints_are_current(question):
    references = load_beside(str(REPO / "solutions" / question / "hidden" / "test_any.py"), "references")
    fresh, kept = references.record(), recorded.load(question)
    assert_equal(sorted(kept), sorted(fresh), name=f"the outputs recorded for {question}")
    for case, now in fresh.items():
        assert_equal((kept[case]["shape"], kept[case]["seed"]), (now["shape"], now["seed"]), name=case)
        for part in ("means", "samples"):
            assert_close(kept[case][part], now[part], rtol=1e-5, atol=1e-6, name=f"{case}: recorded {part}")


def test_a_wrong_output_misses_its_fingerprint():
    import torch

    print_ = recorded.fingerprint(torch.arange(2 * 16 * 16, dtype=torch.float32).reshape(2, 16, 16))
    recorded.assert_fingerprint(torch.arange(512.0).reshape(2, 16, 16), print_, atol=1e-6, name="same")
    with pytest.raises(AssertionError, match="at 256 fixed positions"):
        shifted = torch.arange(512.0).reshape(2, 16, 16).roll(1, -1)
        recorded.assert_fingerprint(shifted, print_, atol=1e-6, name="shifted")
