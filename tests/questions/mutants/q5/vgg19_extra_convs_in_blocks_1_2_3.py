"""VGG19 (E) adds its three extra convolutions to blocks 1, 2 and 3 instead of 3, 4 and 5 (the seed's kind of slip)."""

MODULE = "vgg"
LOSES = ["q5.3"]

_published_configs = vgg_configs


def vgg_configs():
    table = _published_configs()
    table["E"] = [64, 64, 64, "M", 128, 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"]
    return table
