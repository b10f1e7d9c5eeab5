"""q7.7, q7.8: the training-curves figure and the over/underfitting diagnosis.

The figure is read back through probes (axes, titles, labels, line data) and the PNG is opened;
the diagnosis is checked on histories built here, following the rule in the README."""
import pytest

import gradekit
from gradekit.checks import q7 as checks_q7
from gradekit.testing import assert_equal

curves = gradekit.submission("q7.curves")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


def history(train_loss, val_loss, train_acc, val_acc):
    return {"train_loss": list(train_loss), "val_loss": list(val_loss), "train_acc": list(train_acc),
            "val_acc": list(val_acc), "epoch_time": [1.5] * len(train_loss)}


@pytest.mark.task("q7.7")
def test_curves_show_loss_and_accuracy_per_epoch(tmp_path):
    hist = history([1.2, 0.7, 0.5, 0.4, 0.33], [1.25, 0.8, 0.62, 0.58, 0.6],
                   [0.6, 0.76, 0.84, 0.88, 0.9], [0.58, 0.73, 0.79, 0.8, 0.8])
    path = tmp_path / "curves.png"
    checks_q7.assert_curves_figure(curves.plot_history(hist, path), path, hist, "plot_history(5 epochs)")


# The rule with its default thresholds (min_train_acc 0.9, max_gap 0.05, max_val_rise 0.1).
DEFAULT_CASES = [
    ("both accuracies high and close, both losses falling",
     history([0.9, 0.4, 0.25, 0.2], [0.92, 0.45, 0.3, 0.26], [0.8, 0.9, 0.95, 0.97], [0.79, 0.89, 0.94, 0.955]),
     "good fit"),
    ("training accuracy 0.10 above validation, validation loss still falling",
     history([0.6, 0.3, 0.1, 0.04], [0.6, 0.45, 0.4, 0.38], [0.85, 0.95, 0.99, 1.0], [0.8, 0.86, 0.88, 0.9]),
     "overfitting"),
    ("validation loss 24% above its lowest while the training loss keeps falling, small gap",
     history([0.6, 0.3, 0.2, 0.1], [0.5, 0.3, 0.25, 0.31], [0.85, 0.93, 0.95, 0.97], [0.84, 0.92, 0.94, 0.94]),
     "overfitting"),
    ("both accuracies low",
     history([2.0, 1.7, 1.5, 1.4], [2.0, 1.7, 1.55, 1.45], [0.3, 0.45, 0.55, 0.6], [0.29, 0.44, 0.52, 0.58]),
     "underfitting"),
    ("training accuracy 0.85 with a large gap: it does not fit its own training data yet",
     history([1.0, 0.7, 0.55, 0.5], [1.1, 0.95, 0.9, 0.9], [0.7, 0.8, 0.83, 0.85], [0.55, 0.58, 0.6, 0.6]),
     "underfitting"),
    ("validation accuracy 0.06 above training accuracy (heavy dropout), losses falling",
     history([0.8, 0.5, 0.4, 0.35], [0.6, 0.3, 0.2, 0.15], [0.8, 0.88, 0.91, 0.93], [0.9, 0.95, 0.98, 0.99]),
     "good fit"),
]


@pytest.mark.task("q7.8")
def test_diagnose_with_default_thresholds():
    for description, hist, expected in DEFAULT_CASES:
        assert_equal(curves.diagnose(hist), expected, name=f"diagnose(history) when {description}")


@pytest.mark.task("q7.8")
def test_diagnose_follows_its_thresholds():
    gap_008 = history([0.5, 0.3, 0.2], [0.5, 0.4, 0.35], [0.9, 0.95, 0.97], [0.85, 0.88, 0.89])
    cases = [
        (gap_008, {}, "overfitting", "a gap of 0.08 with the default max_gap 0.05"),
        (gap_008, {"max_gap": 0.1}, "good fit", "a gap of 0.08 with max_gap=0.1"),
        (gap_008, {"min_train_acc": 0.98}, "underfitting", "training accuracy 0.97 with min_train_acc=0.98"),
        (history([0.6, 0.3, 0.25], [0.5, 0.3, 0.32], [0.9, 0.95, 0.96], [0.9, 0.94, 0.94]), {"max_val_rise": 0.05},
         "overfitting", "validation loss 6.7% above its lowest with max_val_rise=0.05"),
        (history([0.6, 0.3, 0.25], [0.5, 0.3, 0.32], [0.9, 0.95, 0.96], [0.9, 0.94, 0.94]), {},
         "good fit", "validation loss 6.7% above its lowest with the default max_val_rise 0.1"),
        (history([0.3], [0.5], [0.99], [0.9]), {}, "overfitting", "one epoch with a gap of 0.09"),
    ]
    for hist, kwargs, expected, description in cases:
        assert_equal(curves.diagnose(hist, **kwargs), expected, name=f"diagnose(history, {kwargs}) for {description}")
