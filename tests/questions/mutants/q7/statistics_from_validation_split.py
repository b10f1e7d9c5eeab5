"""prepare_data normalizes with the mean and std of the validation images instead of the training images."""
MODULE = "pipeline"
LOSES = ["q7.2"]
ONLY = ["q7.1", "q7.2", "q7.3"]  # lenet and best_cnn compute their own statistics; only the pipeline is touched


def prepare_data(X, y, val_fraction=0.1, seed=0):
    train_idx, val_idx = stratified_split(y, val_fraction, seed)
    mean, std = channel_stats(X[val_idx])
    return {
        "train_idx": train_idx, "val_idx": val_idx, "mean": mean, "std": std,
        "X_train": normalize(X[train_idx], mean, std), "y_train": y[train_idx],
        "X_val": normalize(X[val_idx], mean, std), "y_val": y[val_idx],
    }
