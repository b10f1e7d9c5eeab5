"""feature_maps registers its forward hooks and never removes them: every later forward pass
runs them again (and keeps a reference to their outputs)."""

MODULE = "feature_maps"
LOSES = ["q9.3"]


def feature_maps(model, image, layer_names):
    maps = {}

    def keep(name):
        def hook(module, inputs, output):
            maps[name] = output.detach().clone()

        return hook

    was_training = model.training
    for name in layer_names:
        model.get_submodule(name).register_forward_hook(keep(name))
    model.eval()
    with torch.no_grad():
        model(image)
    model.train(was_training)
    return {name: maps[name] for name in layer_names}
