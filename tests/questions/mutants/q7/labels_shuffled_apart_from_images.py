"""make_loader shuffles the images and the labels with two different orders: pairs fall apart."""

MODULE = "pipeline"
LOSES = ["q7.3"]
ONLY = ["q7.1", "q7.2", "q7.3"]  # train and the models that use the loader lose too; those runs are long


class _ZippedLoaders:
    """Batches of images from one loader and labels from another, re-shuffled every pass."""

    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __iter__(self):
        return zip(self.images, self.labels)

    def __len__(self):
        return len(self.images)


def make_loader(X, y, batch_size=64, shuffle=True, seed=0):
    images = DataLoader(X, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
    labels = DataLoader(y, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed + 1))
    return _ZippedLoaders(images, labels)
