"""AlexNet and GoogLeNet at ImageNet size on CIFAR-10-shaped data: shapes, one SGD step, a falling loss.

Training either network on all of CIFAR-10 takes hours on a CPU (see the README for the GPU
recipe). What can be checked in seconds is everything that would break such a run: the input
size, the output shape, a loss that handles GoogLeNet's auxiliary outputs, an update that really
moves the weights, and a loss that falls when the network fits one small batch.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from gradekit import ops

AUX_WEIGHT = 0.3  # GoogLeNet's paper: each auxiliary loss is added with weight 0.3 during training


def resize_images(x, size=224):
    """Resize a batch of images for a network that expects a larger input (CIFAR-10's 32 -> 224).

    Inputs:
    - x: float32 (N, C, H, W)
    - size: output height and width

    Returns:
    - float32 (N, C, size, size): bilinear interpolation, align_corners=False, no antialiasing
    """
    ### BEGIN SOLUTION
    return F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    ### END SOLUTION


class AlexNet224(nn.Module):
    """The paper's AlexNet (one device) for 224x224 inputs, with gradekit's LRN.

    As q5's AlexNet, except that conv1 pads its input by 2 pixels so that a 224x224 image gives
    the 55x55 maps of the paper ((224 + 4 - 11) // 4 + 1 = 55), as torchvision's AlexNet does:
    - features: Conv2d(3, 96, 11, stride 4, padding 2), ReLU, ops.LocalResponseNorm(5, 1e-4, 0.75,
      2.0, 'alexnet'), MaxPool2d(3, 2); Conv2d(96, 256, 5, padding 2), ReLU, LRN, MaxPool2d(3, 2);
      Conv2d(256, 384, 3, padding 1), ReLU; Conv2d(384, 384, 3, padding 1), ReLU;
      Conv2d(384, 256, 3, padding 1), ReLU, MaxPool2d(3, 2)          -> (N, 256, 6, 6)
    - classifier: Flatten, Linear(9216, 4096), ReLU, Dropout(0.5), Linear(4096, 4096), ReLU,
      Dropout(0.5), Linear(4096, num_classes)

    Inputs of forward: x, float32 (N, 3, 224, 224). Returns: logits, float32 (N, num_classes).
    """

    def __init__(self, num_classes=10):
        super().__init__()
        ### BEGIN SOLUTION
        def lrn():
            return ops.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet")

        self.features = nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True), lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(96, 256, kernel_size=5, padding=2), nn.ReLU(inplace=True), lrn(),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(256, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, 4096), nn.ReLU(inplace=True), nn.Dropout(0.5),
            nn.Linear(4096, num_classes),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.features(x))
        ### END SOLUTION


def build_googlenet(num_classes=10):
    """torchvision's GoogLeNet, untrained, with its two auxiliary classifiers.

    Build it with torchvision.models.googlenet: no weights (nothing is downloaded), auxiliary
    classifiers on, torchvision's weight initialization on (init_weights=True), num_classes outputs.
    In training mode it returns a GoogLeNetOutputs(logits, aux_logits2, aux_logits1) named tuple;
    in evaluation mode the logits alone, float32 (N, num_classes).
    """
    ### BEGIN SOLUTION
    return torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=True, num_classes=num_classes)
    ### END SOLUTION


def classification_loss(outputs, y):
    """Cross-entropy of a network's outputs, counting GoogLeNet's auxiliary classifiers as the paper did.

    Inputs:
    - outputs: logits, float32 (N, num_classes); or a tuple (or named tuple) whose first element is
      the main logits and whose other elements are auxiliary logits, each (N, num_classes)
    - y: labels, int64 (N,)

    Returns:
    - a scalar tensor: CE(main) + AUX_WEIGHT * (sum of CE(aux) over the auxiliary outputs), each CE
      the mean over the batch (just CE(logits) for a single tensor)
    """
    ### BEGIN SOLUTION
    if isinstance(outputs, torch.Tensor):
        return F.cross_entropy(outputs, y)
    main, *aux = outputs
    return F.cross_entropy(main, y) + AUX_WEIGHT * sum(F.cross_entropy(a, y) for a in aux)
    ### END SOLUTION


def train_step(model, x, y, lr=0.01):
    """One step of plain SGD on one batch.

    Puts the model in training mode, computes classification_loss(model(x), y), clears old
    gradients, backpropagates, and updates every parameter that has a gradient: p <- p - lr * p.grad
    (torch.optim.SGD(model.parameters(), lr=lr) without momentum or weight decay does exactly this).

    Inputs:
    - model: an nn.Module; x: float32 (N, C, H, W); y: int64 (N,); lr: learning rate

    Returns:
    - the loss before the update, a Python float
    """
    ### BEGIN SOLUTION
    model.train()
    loss = classification_loss(model(x), y)
    model.zero_grad(set_to_none=True)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.add_(p.grad, alpha=-lr)
    return loss.item()
    ### END SOLUTION


def fit_batch(model, x, y, steps=5, lr=0.01, seed=0):
    """Fit one small batch with `steps` calls of train_step: a quick check that a network can learn.

    torch.manual_seed(seed) first (dropout's masks come from the global generator).

    Returns:
    - list of `steps` floats: the loss train_step returned at each step
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    return [train_step(model, x, y, lr) for _ in range(steps)]
    ### END SOLUTION
