"""Hidden tests of q7.7, q7.8: one-epoch and long histories, and diagnoses the visible tests do not show."""
import pytest

import gradekit
from gradekit.checks import q7 as checks_q7
from gradekit.testing import assert_equal

curves = gradekit.submission("q7.curves")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


def history(train_loss, val_loss, train_acc, val_acc, **extra):
    return {"train_loss": list(train_loss), "val_loss": list(val_loss), "train_acc": list(train_acc),
            "val_acc": list(val_acc), "epoch_time": [0.8] * len(train_loss), **extra}


@pytest.mark.task("q7.7")
def test_curves_of_one_epoch_and_of_twelve(tmp_path):
    one = history([0.7], [0.75], [0.81], [0.79])
    path = tmp_path / "one.png"
    checks_q7.assert_curves_figure(curves.plot_history(one, path), path, one, "plot_history(1 epoch)")
    # Twelve epochs and a key the figure must ignore.
    losses = [2.3 * 0.8 ** e for e in range(12)]
    long = history(losses, [v * 1.1 + 0.01 * e for e, v in enumerate(losses)],
                   [1 - v / 2.5 for v in losses], [1 - v / 2.3 for v in losses], lr=[0.1] * 12)
    path = tmp_path / "long.png"
    checks_q7.assert_curves_figure(curves.plot_history(long, path), path, long, "plot_history(12 epochs)")


@pytest.mark.task("q7.8")
def test_diagnose_unseen_histories():
    cases = [
        ("a training set learned by heart: training accuracy 1.0, validation 0.91",
         history([0.4, 0.1, 0.02, 0.005], [0.45, 0.33, 0.31, 0.3], [0.9, 0.97, 0.995, 1.0], [0.86, 0.9, 0.91, 0.91]),
         {}, "overfitting"),
        ("the validation loss lowest at the last epoch, accuracies 0.99 and 0.98",
         history([0.5, 0.2, 0.1, 0.05], [0.5, 0.25, 0.15, 0.1], [0.9, 0.96, 0.98, 0.99], [0.89, 0.95, 0.97, 0.98]),
         {}, "good fit"),
        ("validation loss 50% above its lowest (epoch 3) while the training loss keeps falling",
         history([0.8, 0.4, 0.2, 0.1, 0.05, 0.03], [0.7, 0.4, 0.3, 0.33, 0.4, 0.45],
                 [0.8, 0.9, 0.94, 0.96, 0.97, 0.98], [0.8, 0.88, 0.92, 0.93, 0.94, 0.94]), {}, "overfitting"),
        ("both accuracies near chance: underfitting, even though the validation loss rose",
         history([2.3, 2.28, 2.27], [2.3, 2.31, 2.6], [0.11, 0.12, 0.12], [0.1, 0.1, 0.09]), {}, "underfitting"),
        ("validation accuracy 0.1 above training accuracy (strong augmentation on the training set)",
         history([1.0, 0.6, 0.45], [0.7, 0.35, 0.25], [0.75, 0.88, 0.91], [0.85, 0.97, 1.0]), {}, "good fit"),
        ("a gap of 0.04 with max_gap=0.03",
         history([0.5, 0.3], [0.5, 0.35], [0.93, 0.96], [0.9, 0.92]), {"max_gap": 0.03}, "overfitting"),
        ("training accuracy 0.8 with min_train_acc=0.75 and a small gap",
         history([0.9, 0.6], [0.95, 0.62], [0.7, 0.8], [0.69, 0.78]), {"min_train_acc": 0.75}, "good fit"),
    ]
    for description, hist, kwargs, expected in cases:
        assert_equal(curves.diagnose(hist, **kwargs), expected, name=f"diagnose(history, {kwargs}) for {description}")
