"""Hidden tests of q7.6 and q7.9: LeNet-5 and the best CNN, scored on 1,000 digits held out of
the training split (a stratified draw the student never sees); they train on the other 3,000
training digits and the 1,000 test digits, as many as the visible tests give them."""
import pytest

import gradekit
from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins

lenet = gradekit.submission("q7.lenet")
best_cnn = gradekit.submission("q7.best_cnn")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)

HELD_OUT, SPLIT_SEED = 1000, 71
# Measured with the reference on this split (one thread, loaded two-core machine), training seeds
# 0-4: LeNet-5 0.947-0.956 in 11-28 s, the best CNN 0.981-0.982 in 22-28 s.
LENET_MIN_ACCURACY, LENET_MAX_SECONDS = 0.93, 90
TIERS, BEST_MAX_SECONDS = (0.92, 0.95, 0.97), 150
trained = checks_q7.Once()


@pytest.mark.task("q7.6")
def test_lenet5_on_held_out_digits():
    X_fit, y_fit, X_held, y_held = checks_q7.heldout_digits(HELD_OUT, SPLIT_SEED)
    what = "train_lenet5(4,000 digits, seed=3)"
    accuracy, seconds = checks_q7.train_and_score(lenet.train_lenet5, X_fit, y_fit, X_held, y_held, seed=3,
                                                  max_seconds=LENET_MAX_SECONDS, check=checks_q7.assert_is_lenet5,
                                                  what=what, twin=lambda m: twins.course_model(m, "q7.lenet", "LeNet5"))
    checks_q7.assert_accuracy(accuracy, LENET_MIN_ACCURACY, len(y_held), seconds, what)


def best_cnn_result():
    """(accuracy on the held-out digits, training seconds) of one run of train_best_cnn."""
    def run():
        X_fit, y_fit, X_held, y_held = checks_q7.heldout_digits(HELD_OUT, SPLIT_SEED)
        return checks_q7.train_and_score(best_cnn.train_best_cnn, X_fit, y_fit, X_held, y_held, seed=3,
                                         max_seconds=BEST_MAX_SECONDS, check=checks_q7.assert_is_cnn,
                                         what="train_best_cnn(4,000 digits, seed=3)")

    return trained("held-out digits", run)


@pytest.mark.task("q7.9")
@pytest.mark.parametrize("tier", TIERS)
def test_best_cnn_reaches_tier_on_held_out_digits(tier):
    accuracy, seconds = best_cnn_result()
    checks_q7.assert_accuracy(accuracy, tier, HELD_OUT, seconds, f"tier {tier:g}: train_best_cnn on held-out digits")
