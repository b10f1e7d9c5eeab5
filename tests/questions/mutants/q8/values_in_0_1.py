"""inception_preprocess stops at [0, 1]: it never rescales to Inception's [-1, 1]."""

MODULE = "preprocess"
LOSES = ["q8.2"]
ONLY = ["q8.1", "q8.2", "q8.3"]

_published_inception_preprocess = inception_preprocess


def inception_preprocess(image, size=299):
    return (_published_inception_preprocess(image, size) + 1) / 2
