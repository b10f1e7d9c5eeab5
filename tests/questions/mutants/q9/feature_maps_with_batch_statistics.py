"""feature_maps runs the model in training mode ("so that every layer runs"): batch norm then
normalizes with the image's own statistics instead of the running ones the network learned."""

MODULE = "feature_maps"
LOSES = ["q9.3"]


def feature_maps(model, image, layer_names):
    maps, handles = {}, []

    def keep(name):
        def hook(module, inputs, output):
            maps[name] = output.detach().clone()

        return hook

    was_training = model.training
    try:
        for name in layer_names:
            handles.append(model.get_submodule(name).register_forward_hook(keep(name)))
        model.train()
        with torch.no_grad():
            model(image)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {name: maps[name] for name in layer_names}
