"""conv2d hands the work to torch.nn.functional.conv2d: right numbers, but the task says do it yourself."""

MODULE = "conv"
LOSES = ["q1.4", "q1.5", "q1.6", "q1.7"]


def conv2d(x, w, b=None, stride=1, padding=0):
    import torch
    import torch.nn.functional as F

    xp, _ = sizes.pad_input(x, w.shape[2], w.shape[3], stride, padding)
    bias = None if b is None else torch.from_numpy(b)
    return F.conv2d(torch.from_numpy(xp), torch.from_numpy(w), bias, stride=stride).numpy()
