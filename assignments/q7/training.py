"""A training loop that records its own history, and the evaluation it relies on.

Every number in the history is measured the same way: after the epoch, in evaluation mode, over
the whole set. Accuracies read off the mini-batches during an epoch mix many different models (the
weights change after every batch) and training-mode behaviour (dropout, batch statistics), so a
train/validation gap computed from them is partly an artefact. The seed homework did exactly that.
"""
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import pipeline


class SmallCNN(nn.Module):
    """A small CNN for 1x28x28 images (given: the tests train it with your `train`).

    conv 3x3 (8) - BN - ReLU - 2x2 max pool - conv 3x3 (16) - BN - ReLU - 2x2 max pool - dropout -
    linear (16*7*7 -> num_classes). Batch norm and dropout behave differently in training and
    evaluation mode, which is what `evaluate` must take care of.

    Inputs of forward: x, float32 (N, 1, 28, 28). Returns: logits, float32 (N, num_classes).
    """

    def __init__(self, num_classes=10, dropout=0.25):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU(),
                                      nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(16 * 7 * 7, num_classes))

    def forward(self, images):
        return self.classifier(self.features(images))


def evaluate(model, X, y, batch_size=500):
    """Mean cross-entropy loss and accuracy of a classifier on a whole data set.

    Runs the model in evaluation mode (model.eval(): dropout off, batch norm with its running
    statistics) without tracking gradients, batch by batch, and puts the model back in the mode it
    was in. The model's parameters and buffers must not change.

    Inputs:
    - model: an nn.Module mapping X[i:j] to logits (j - i, num_classes)
    - X: inputs, float32 tensor (N, ...); y: labels, int64 tensor (N,)
    - batch_size: items per forward pass (memory only: the result does not depend on it)

    Returns:
    - (loss, accuracy): Python floats; loss is the mean over all N items of the cross-entropy of
      the logits, accuracy the fraction of items whose largest logit is at the true label
    """
    raise NotImplementedError("q7.4 not implemented yet: evaluate")


def train(model, X_train, y_train, X_val, y_val, epochs=3, lr=0.05, batch_size=64, seed=0):
    """Train a classifier with mini-batch SGD and record what happened after every epoch.

    - torch.manual_seed(seed) first (dropout draws from the global generator); the batches come
      from pipeline.make_loader(X_train, y_train, batch_size, shuffle=True, seed=seed)
    - optimizer: torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9), cross-entropy loss,
      model in training mode; per batch: zero the gradients, forward, loss, backward, step
    - after each epoch: evaluate(model, X_train, y_train) and evaluate(model, X_val, y_val)
    - batches are moved to the device of the model's parameters, so the same code runs on a GPU

    Inputs:
    - model: an nn.Module (trained in place)
    - X_train, y_train, X_val, y_val: float32 (N, ...) inputs and int64 (N,) labels
    - epochs, lr, batch_size, seed: as above

    Returns: history, a dict of lists with one float per epoch:
    - 'train_loss', 'train_acc': evaluate on the training set after the epoch
    - 'val_loss', 'val_acc': evaluate on the validation set after the epoch
    - 'epoch_time': seconds the epoch's optimization took (time.perf_counter; evaluation excluded)
    """
    raise NotImplementedError("q7.5 not implemented yet: train")
