"""The classic mistakes of the course, each as the words a failure adds when a submission makes it.

A test computes what a mistake would output, from a trusted reference (gradekit.ops with the
kernel flipped, torch with the wrong convention, ...), and passes ``{MISTAKE: that output}`` as
``mistakes=`` to ``gradekit.testing.assert_close``; when the submission's output matches it and
not the expected one, the failure ends with "This matches <MISTAKE>." The diagnosis comes from
outputs only, never from reading the code, so it works the same in grade mode's sandbox.

Each text names the mistake, then says what to do instead, so it reads as one sentence.
"""

FLIPPED_KERNEL = (
    "a flipped kernel (a true convolution, not cross-correlation): slide w over the input as it is, unflipped"
)
SAME_ODD_ZERO_BEFORE = (
    "SAME's odd zero on the wrong side: an odd total puts the extra zero after the input (bottom/right)"
)
PADDING_TWICE = "padding applied twice: pad the input once and slide the kernel over it without padding it again"
BIASED_RUNNING_VAR = (
    "biased variance in the running statistics: running_var takes the unbiased batch variance (divide by m - 1)"
)
BATCH_STATISTICS_IN_EVAL = (
    "train-mode statistics used in eval mode: eval mode normalises with running_mean and running_var, not the batch's"
)
LRN_ALPHA_OVER_N_IN_ALEXNET = (
    "LRN's alpha divided by n in AlexNet's convention: only torch's convention divides alpha by the window size"
)
LRN_ALPHA_NOT_OVER_N_IN_TORCH = (
    "LRN's alpha not divided by n in torch's convention: torch's LocalResponseNorm scales the sum by alpha / n"
)
MAX_TIE_TO_EVERY_MAXIMUM = (
    "a max-pool gradient sent to every maximum of a tie: give it to one maximum, the first in row-major order"
)
AVERAGE_EXCLUDES_PADDING = (
    "average pooling that excludes padding: divide each window's sum by the full kernel area, padded zeros included"
)
EVALUATED_IN_TRAINING_MODE = (
    "evaluation in training mode: call model.eval() before the forward passes (batch norm then uses its "
    "running statistics, dropout is off), run them under torch.no_grad(), and put the model's mode back after"
)
SOFTMAX_INTO_CROSS_ENTROPY = (
    "softmax fed to CrossEntropyLoss: the loss applies log-softmax itself, so give it the raw scores (logits)"
)
# A backbone left unfrozen and a frozen one put in train mode give the same loss: both normalise
# with the batch's statistics, so the words cover both.
FROZEN_BATCH_NORM_MOVES = (
    "a backbone whose batch norm still trains: freeze its weights and keep its BatchNorm layers in eval mode "
    "while the head trains, so their running statistics do not move"
)
