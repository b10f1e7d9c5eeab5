"""build_transfer_model freezes the backbone but keeps the checkpoint's six-class head."""

MODULE = "transfer"
LOSES = ["q8.5", "q8.7"]
ONLY = ["q8.5", "q8.6", "q8.7", "q8.8"]  # the tasks of transfer.py


def build_transfer_model(num_classes):
    model = backbone.load_pretrained()
    model.features.requires_grad_(False)
    return model
