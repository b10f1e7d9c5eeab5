"""to_rgb_float keeps the alpha channel of an RGBA image: four channels reach the network."""

MODULE = "preprocess"
LOSES = ["q8.1", "q8.2"]
ONLY = ["q8.1", "q8.2", "q8.3"]  # the tasks of preprocess.py; the transfer tasks cannot see this module

_published_to_rgb_float = to_rgb_float


def to_rgb_float(image):
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[2] == 4:
        scale = np.float32(255) if a.dtype == np.uint8 else np.float32(1)
        return torch.from_numpy(np.ascontiguousarray(a.astype(np.float32).transpose(2, 0, 1) / scale))
    return _published_to_rgb_float(image)
