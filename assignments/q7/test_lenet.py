"""q7.6: LeNet-5 learns the course's MNIST digits within a time limit.

The test trains with your train_lenet5 on the 4,000 training digits (one CPU thread), then loads
the trained weights into the given LeNet5 and computes the logits for the 1,000 test digits, and
their accuracy, itself. The time limit covers everything up to the weights being read back."""
import pytest

import gradekit
from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins

lenet = gradekit.submission("q7.lenet")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)

# Over 10 seeds the reference reaches 0.949 to 0.966 in 8 to 14 s (one thread, loaded machine).
MIN_ACCURACY = 0.93
MAX_SECONDS = 90


def given_lenet5(model):
    """The given LeNet5, built by the test itself, for the trained weights."""
    return twins.course_model(model, "q7.lenet", "LeNet5")


@pytest.mark.task("q7.6")
def test_lenet5_learns_the_digits_in_time():
    X, y = checks_q7.mnist_tensors("train")
    X_test, y_test = checks_q7.mnist_tensors("test")
    what = "train_lenet5(4,000 training digits, seed=0)"
    accuracy, seconds = checks_q7.train_and_score(lenet.train_lenet5, X, y, X_test, y_test, seed=0,
                                                  max_seconds=MAX_SECONDS, check=checks_q7.assert_is_lenet5, what=what,
                                                  twin=given_lenet5)
    checks_q7.assert_accuracy(accuracy, MIN_ACCURACY, len(y_test), seconds, what)
