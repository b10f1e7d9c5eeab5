"""Redraw the figures of ANSWERS.md and print the history table of the README's q7.w1.

Run from the repository root: python solutions/q7/figures/make_figures.py
The runs use one torch thread and fixed seeds, as the tests do; epoch times vary with the machine.
"""
from pathlib import Path

import torch

import gradekit
from gradekit.checks import q7 as checks_q7
from gradekit.harness.importer import set_under_test

set_under_test("solutions")
pipeline = gradekit.submission("q7.pipeline")
training = gradekit.submission("q7.training")
lenet = gradekit.submission("q7.lenet")
curves = gradekit.submission("q7.curves")
HERE = Path(__file__).resolve().parent
KEYS = ("train_loss", "val_loss", "train_acc", "val_acc", "epoch_time")


def overfitting_run(X, y):
    """q7.w1: SmallCNN without dropout on 300 training digits, validated on 1,000 others, 10 epochs."""
    train_idx, val_idx = pipeline.stratified_split(y, 0.25, 0)
    few = train_idx[torch.randperm(len(train_idx), generator=torch.Generator().manual_seed(0))[:300]]
    mean, std = pipeline.channel_stats(X[few])
    torch.manual_seed(0)
    model = training.SmallCNN(dropout=0.0)
    return training.train(model, pipeline.normalize(X[few], mean, std), y[few],
                          pipeline.normalize(X[val_idx], mean, std), y[val_idx], epochs=10, lr=0.05, batch_size=32, seed=0)


def lenet5_run(X, y):
    """LeNet-5 as train_lenet5 trains it (90% of the digits, 10% validation), for 10 epochs."""
    train_idx, val_idx = pipeline.stratified_split(y, 0.1, 0)
    torch.manual_seed(0)
    model = lenet.LeNet5()
    model.set_input_statistics(*pipeline.channel_stats(X[train_idx]))
    return training.train(model, X[train_idx], y[train_idx], X[val_idx], y[val_idx],
                          epochs=10, lr=0.05, batch_size=32, seed=0)


def main():
    torch.set_num_threads(1)
    X, y = checks_q7.mnist_tensors("train")
    history = overfitting_run(X, y)
    curves.plot_history(history, HERE / "overfitting_curves.png")
    print("| epoch | train loss | val loss | train acc | val acc | epoch time (s) |")
    for epoch, row in enumerate(zip(*(history[k] for k in KEYS)), 1):
        print(f"| {epoch} | " + " | ".join(f"{v:.3f}" for v in row[:4]) + f" | {row[4]:.2f} |")
    print("diagnose:", curves.diagnose(history))
    history = lenet5_run(X, y)
    curves.plot_history(history, HERE / "lenet5_curves.png")
    print("LeNet-5 diagnose:", curves.diagnose(history), "val_acc", [round(v, 3) for v in history["val_acc"]],
          "seconds", round(sum(history["epoch_time"]), 1))


if __name__ == "__main__":
    main()
