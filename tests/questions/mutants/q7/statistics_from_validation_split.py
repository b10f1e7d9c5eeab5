"""prepare_data normalizes with the mean and std of the validation images instead of the training images."""

MODULE = "pipeline"
LOSES = ["q7.2"]
ONLY = ["q7.1", "q7.2", "q7.3"]  # lenet and best_cnn compute their own statistics; only the pipeline is touched

_published_prepare_data = prepare_data


def prepare_data(X, y, val_fraction=0.1, seed=0):
    out = _published_prepare_data(X, y, val_fraction, seed)
    mean, std = channel_stats(X[out["val_idx"]])
    out.update(
        mean=mean,
        std=std,
        X_train=normalize(X[out["train_idx"]], mean, std),
        X_val=normalize(X[out["val_idx"]], mean, std),
    )
    return out
