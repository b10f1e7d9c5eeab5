"""The best CNN you can build for the course's MNIST digits, within a CPU time limit.

4,000 training digits are few, and the time limit is counted on one CPU thread, so the best
network is not the biggest one. Ideas that pay off here: batch normalization (a high learning
rate works from the first step), data augmentation that keeps a digit a digit (small shifts),
and a learning-rate schedule that ends with small steps. Measure, on a validation split, before
you believe an idea helps.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import pipeline


class BestCNN(nn.Module):
    """Your CNN for 1x28x28 digits with pixels in [0, 1].

    Design it as you like from torch.nn layers (nothing pretrained, no other data). It must
    normalize its own input (keep the training statistics in buffers, as LeNet5 in lenet.py does),
    because the tests feed it raw pixels.

    Inputs of forward: x, float32 (N, 1, 28, 28) in [0, 1]. Returns: logits, float32 (N, 10).
    """

    def __init__(self, num_classes=10):
        super().__init__()
        ### BEGIN SOLUTION
        # Three conv 3x3 - batch norm - ReLU stages (12, 24, 48 maps), each followed by 2x2 average
        # pooling: small enough to train for several epochs within the limit (about 12 s on one
        # thread for 4,000 digits), and batch norm lets Adam take large steps from the start.
        self.register_buffer("pixel_mean", torch.zeros(1))  # set from the training digits by train_best_cnn
        self.register_buffer("pixel_std", torch.ones(1))

        def stage(c_in, c_out):
            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(),
                    nn.AvgPool2d(2)]

        # 28 -> 14 -> 7 -> 3 (the last pooling drops the 7th row and column)
        self.features = nn.Sequential(*stage(1, 12), *stage(12, 24), *stage(24, 48))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(48 * 3 * 3, num_classes))
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.features(pipeline.normalize(x, self.pixel_mean, self.pixel_std)))
        ### END SOLUTION


def random_shift(x, max_shift, generator):
    """Move each image by its own random offset of up to max_shift pixels in each direction.

    Inputs:
    - x: float32 (N, 1, H, W); max_shift: int; generator: a seeded torch.Generator

    Returns:
    - float32 (N, 1, H, W): image n moved by (dy_n, dx_n), each in [-max_shift, max_shift], with
      background (0) filling in
    """
    ### BEGIN SOLUTION
    n, _, h, w = x.shape
    padded = F.pad(x, (max_shift,) * 4)
    dy = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    dx = torch.randint(0, 2 * max_shift + 1, (n,), generator=generator)
    rows = (torch.arange(h)[None, :] + dy[:, None])[:, :, None]  # (N, H, 1)
    cols = (torch.arange(w)[None, :] + dx[:, None])[:, None, :]  # (N, 1, W)
    return padded[torch.arange(n)[:, None, None], 0, rows, cols].unsqueeze(1)
    ### END SOLUTION


def train_best_cnn(X, y, seed=0):
    """Build a BestCNN, train it on the digits, and return it in evaluation mode.

    The tests train it on 4,000 digits with one CPU thread and give it the time limit stated in
    the README; they compute its accuracy on digits it never saw. Train on the X and y given: while
    this task is graded, gradekit.data cannot read the course's datasets.

    Inputs:
    - X: digits, float32 (N, 1, 28, 28), pixels in [0, 1]; y: labels, int64 (N,)
    - seed: every random choice follows from it (the same seed gives the same model): call
      torch.manual_seed(seed) before building the model, and seed your loader and augmentation

    Returns:
    - the trained BestCNN
    """
    ### BEGIN SOLUTION
    # Shifts of up to 2 pixels teach position tolerance instead of memorized pixels; the one-cycle
    # schedule warms up, then anneals to almost 0, so the last epoch does not undo progress.
    epochs, batch_size, max_lr = 6, 64, 3e-3
    torch.manual_seed(seed)
    model = BestCNN()
    mean, std = pipeline.channel_stats(X)
    model.pixel_mean.copy_(mean)
    model.pixel_std.copy_(std)
    loader = pipeline.make_loader(X, y, batch_size, shuffle=True, seed=seed)
    shifts = torch.Generator().manual_seed(seed + 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=max_lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, total_steps=epochs * len(loader))
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            loss = F.cross_entropy(model(random_shift(xb, 2, shifts)), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    return model.eval()
    ### END SOLUTION
