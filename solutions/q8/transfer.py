"""Transfer learning with the kit's pretrained backbone: a new head, a frozen or fine-tuned body.

`gradekit.backbone.load_pretrained()` is a small CNN trained on six Fashion-MNIST classes
(T-shirt/top ... Sandal). Its `features` turn a 1x28x28 image into 128 numbers; its `classifier`
maps them to those six classes. The new task is the four classes it never saw (Shirt, Sneaker,
Bag, Ankle boot) with one or two labelled images each. We keep the features, give the model a new
`classifier` with four outputs, and either freeze the features (only the head's 516 parameters
learn; the 97,648 frozen ones are only run forward) or fine-tune everything from the pretrained
start. Either way the network starts from features learned on related images instead of noise.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from gradekit import backbone


def build_transfer_model(num_classes):
    """The kit's pretrained backbone, frozen, with a new linear head for `num_classes` classes.

    Inputs:
    - num_classes: int, number of classes of the new task

    Returns:
    - model: a gradekit.backbone.SmallCNN built by gradekit.backbone.load_pretrained(), in which
      every parameter of model.features has requires_grad False (its weights and batch-norm
      statistics stay those of the checkpoint) and model.classifier is a new, randomly
      initialized nn.Linear(gradekit.backbone.FEATURE_DIM, num_classes) whose weight and bias
      have requires_grad True. Forward: (N, 1, H, W) float32 in [0, 1] -> logits (N, num_classes).
    """
    ### BEGIN SOLUTION
    model = backbone.load_pretrained()
    model.features.requires_grad_(False)
    model.classifier = nn.Linear(backbone.FEATURE_DIM, num_classes)
    return model
    ### END SOLUTION


def head_optimizer(model, lr):
    """An optimizer that updates the trainable parameters only (for a transfer model: the head).

    Inputs:
    - model: an nn.Module, e.g. from build_transfer_model
    - lr: float, learning rate

    Returns:
    - optimizer: a torch.optim optimizer (AdamW here) whose parameter groups hold exactly the
      parameters of the model with requires_grad True, and no frozen one
    """
    ### BEGIN SOLUTION
    return torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr)
    ### END SOLUTION


def train_step(model, optimizer, x, y):
    """One optimizer step on one batch, minimizing the mean cross-entropy.

    The model goes to training mode, except every module whose parameters are all frozen: that
    one stays in eval mode, so that a frozen BatchNorm normalizes with its running statistics and
    does not update them (a frozen layer must not change at all, buffers included).

    Inputs:
    - model: an nn.Module giving logits, e.g. from build_transfer_model
    - optimizer: the optimizer of its trainable parameters
    - x: images, torch tensor of shape (N, 1, H, W), float32
    - y: labels, torch tensor of shape (N,), int64

    Returns:
    - loss: float, the batch's mean cross-entropy computed before the step
    """
    ### BEGIN SOLUTION
    model.train()
    for module in model.modules():
        own = list(module.parameters(recurse=False))
        if own and not any(p.requires_grad for p in own):
            module.eval()
    loss = F.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
    ### END SOLUTION


def one_cycle_training(model, x, y, steps, lr):
    """Train every parameter of `model` with requires_grad on the whole (x, y), `steps` times (given).

    AdamW (weight decay 5e-4) with a one-cycle learning rate: it warms up to `lr`, then anneals to
    almost zero, which lets a short run use a high peak rate without diverging at the start.
    Runs on one CPU thread: a batch of a few 28x28 images is too little work to share, and on a
    busy machine several threads mostly wait for each other (measured: 2 threads took 4 to 14
    times longer than 1 on a loaded two-core machine).
    """
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(steps):
            train_step(model, optimizer, x, y)
            schedule.step()
    finally:
        torch.set_num_threads(threads)
    model.eval()
    return model


def fit_finetune(x, y, num_classes, steps=100, seed=0):
    """Transfer learning by fine-tuning: start from the pretrained backbone and a new head, train all of it.

    Inputs:
    - x: images, torch tensor of shape (N, 1, 28, 28), float32 in [0, 1] (a few per class)
    - y: labels, torch tensor of shape (N,), int64 in 0 ... num_classes - 1
    - num_classes: int
    - steps: number of optimizer steps, each on the whole (x, y)
    - seed: int; torch.manual_seed(seed) first, so the new head starts the same every time

    Returns:
    - model: from build_transfer_model(num_classes) with every parameter unfrozen, trained with
      `one_cycle_training(model, x, y, steps, lr=3e-3)` (batch norm in training mode, so its
      statistics adapt to the new images), in eval mode
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    model = build_transfer_model(num_classes)
    model.requires_grad_(True)
    return one_cycle_training(model, x, y, steps, lr=3e-3)
    ### END SOLUTION


def fit_scratch(x, y, num_classes, steps=100, seed=0):
    """The baseline: the same architecture from random weights, trained the same way on (x, y).

    Inputs:
    - x, y, num_classes, steps, seed: as for fit_finetune

    Returns:
    - model: a new gradekit.backbone.SmallCNN(num_classes) built after torch.manual_seed(seed),
      trained with `one_cycle_training(model, x, y, steps, lr=3e-3)`, in eval mode
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    return one_cycle_training(backbone.SmallCNN(num_classes), x, y, steps, lr=3e-3)
    ### END SOLUTION


def decode_topk(logits, k, class_names):
    """The k most probable classes of each row of logits, by name, with their probabilities.

    Inputs:
    - logits: torch tensor or numpy array of shape (N, C), or (C,) for one item
    - k: int, 1 <= k <= C
    - class_names: list of C str, the name of each class index

    Returns:
    - list of N lists (one list for a 1-D input), each of k tuples (name, probability):
      probability = softmax over all C classes of that row (a float), in decreasing order of
      probability; equal probabilities keep the lower class index first

    Raises ValueError when k is not in 1 ... C or class_names does not have C names.
    """
    ### BEGIN SOLUTION
    scores = torch.as_tensor(np.asarray(logits), dtype=torch.float64)
    if scores.ndim == 1:
        scores = scores[None]
    n_classes = scores.shape[1]
    if len(class_names) != n_classes:
        raise ValueError(f"{len(class_names)} class names for {n_classes} classes")
    if not 1 <= k <= n_classes:
        raise ValueError(f"k must be between 1 and {n_classes}, got {k}")
    probs = scores.softmax(dim=1)
    order = probs.sort(dim=1, descending=True, stable=True).indices[:, :k]
    return [[(class_names[c], float(row[c])) for c in ranks.tolist()] for row, ranks in zip(probs, order)]
    ### END SOLUTION
