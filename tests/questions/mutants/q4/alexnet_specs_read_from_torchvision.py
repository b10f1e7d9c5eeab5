"""alexnet_specs reads its layers off torchvision's AlexNet, which q4.5 forbids (the paper variant is patched from it)."""

MODULE = "architectures"
LOSES = ["q4.5"]

import torch  # noqa: E402
import torchvision  # noqa: E402


def alexnet_specs(variant="torchvision", num_classes=1000):
    with torch.device("meta"):
        model = torchvision.models.alexnet(num_classes=num_classes)
    layers = []
    for module in list(model.features) + [torch.nn.Flatten()] + list(model.classifier):
        if isinstance(module, torch.nn.Conv2d):
            layers.append(
                {
                    "kind": "conv",
                    "filters": module.out_channels,
                    "kernel": module.kernel_size[0],
                    "stride": module.stride[0],
                    "padding": module.padding[0],
                }
            )
        elif isinstance(module, torch.nn.MaxPool2d):
            layers.append({"kind": "max_pool", "kernel": module.kernel_size, "stride": module.stride})
        elif isinstance(module, torch.nn.Flatten):
            layers.append({"kind": "flatten"})
        elif isinstance(module, torch.nn.Linear):
            layers.append({"kind": "linear", "units": module.out_features})
    if variant == "paper":
        convs = [layer for layer in layers if layer["kind"] == "conv"]
        for layer, filters, groups in zip(convs, (96, 256, 384, 384, 256), (1, 2, 1, 2, 2)):
            layer.update(filters=filters, groups=groups)
        convs[0]["padding"] = 0
    return layers
