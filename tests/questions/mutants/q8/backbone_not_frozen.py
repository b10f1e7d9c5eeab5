"""build_transfer_model replaces the head but never freezes the backbone: every weight trains."""

MODULE = "transfer"
LOSES = ["q8.5", "q8.6"]  # fine-tuning (q8.7) unfreezes the backbone on purpose, so it is unaffected
ONLY = ["q8.5", "q8.6", "q8.7", "q8.8"]
DIAGNOSIS = {"q8.6": "a backbone whose batch norm still trains"}


def build_transfer_model(num_classes):
    model = backbone.load_pretrained()
    model.classifier = nn.Linear(backbone.FEATURE_DIM, num_classes)
    return model
