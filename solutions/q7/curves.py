"""Training curves, and a rule that reads them: overfitting, underfitting or a good fit.

The rule, in the order it is applied (the README explains the thresholds):
1. 'underfitting' when the final training accuracy is below min_train_acc: the model does not
   even fit the data it trains on (high bias). Fix this first: a bigger model, more epochs, a
   better learning rate. Whether it also generalizes badly cannot be judged yet.
2. 'overfitting' when the final training accuracy exceeds the final validation accuracy by more
   than max_gap, or when the validation loss has risen by more than max_val_rise (relative) above
   its lowest value while the training loss kept falling after that epoch (high variance).
3. 'good fit' otherwise.
"""
import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a server
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator


def plot_history(history, path):
    """Loss and accuracy curves of a training run, training and validation side by side.

    Inputs:
    - history: dict with lists 'train_loss', 'val_loss', 'train_acc', 'val_acc' (one float per
      epoch, as training.train returns; other keys are ignored)
    - path: pathlib.Path of the PNG to write

    Returns:
    - fig: the matplotlib Figure, with two axes side by side:
      left: the losses, title containing 'loss'; right: the accuracies, title containing 'accuracy';
      in each, a line labelled 'train' and a line labelled 'validation' with x = 1, 2, ..., epochs
      and y = the history's values, the x label 'epoch', a y label, and a legend
    """
    ### BEGIN SOLUTION
    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (loss_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 4), dpi=100)
    for ax, key, title, ylabel in ((loss_ax, "loss", "Cross-entropy loss", "mean loss"),
                                   (acc_ax, "acc", "Classification accuracy", "accuracy")):
        ax.plot(epochs, history[f"train_{key}"], marker="o", markersize=3, label="train")
        ax.plot(epochs, history[f"val_{key}"], marker="o", markersize=3, label="validation")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION


def diagnose(history, min_train_acc=0.9, max_gap=0.05, max_val_rise=0.1):
    """Label a training run by the rule in this module's docstring.

    Inputs:
    - history: dict with lists 'train_loss', 'val_loss', 'train_acc', 'val_acc' (one float per
      epoch, at least one epoch; accuracies as fractions in [0, 1])
    - min_train_acc: below this final training accuracy the run is underfitting
    - max_gap: largest allowed final (training accuracy - validation accuracy)
    - max_val_rise: largest allowed rise of the final validation loss above its minimum, relative
      to that minimum ((final - lowest) / lowest)

    Returns:
    - 'underfitting', 'overfitting' or 'good fit'
    """
    ### BEGIN SOLUTION
    train_loss, val_loss = history["train_loss"], history["val_loss"]
    if history["train_acc"][-1] < min_train_acc:
        return "underfitting"
    gap = history["train_acc"][-1] - history["val_acc"][-1]
    best = min(range(len(val_loss)), key=val_loss.__getitem__)  # first epoch of the lowest validation loss
    risen = val_loss[-1] - val_loss[best] > max_val_rise * val_loss[best]  # no division: a loss may be 0
    if gap > max_gap or (risen and train_loss[-1] < train_loss[best]):
        return "overfitting"
    return "good fit"
    ### END SOLUTION
