"""classification_loss feeds softmax probabilities to the cross-entropy, which applies log-softmax
itself: the loss is squashed and its gradients nearly vanish."""

MODULE = "big_nets"
LOSES = ["q7.11"]
ONLY = ["q7.11"]
DIAGNOSIS = {"q7.11": "softmax fed to CrossEntropyLoss"}


def classification_loss(outputs, y):
    if isinstance(outputs, torch.Tensor):
        return F.cross_entropy(F.softmax(outputs, dim=1), y)
    main, *aux = outputs
    return F.cross_entropy(F.softmax(main, dim=1), y) + AUX_WEIGHT * sum(
        F.cross_entropy(F.softmax(a, dim=1), y) for a in aux
    )
