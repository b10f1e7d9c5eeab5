"""q9.3, q9.4: feature maps of the kit's backbone on a real photo, read with forward hooks, and their PNG.

The maps are compared with fingerprints recorded by the instructor from running the trusted
backbone's layers up to the named one (gradekit.checks.recorded: each map's shape, its means per
image and channel, and a few hundred fixed values); hooks left behind are counted with a probe.
"""
import pytest
import torch

import gradekit
from gradekit import backbone, probes
from gradekit.checks import q5 as checks_q5
from gradekit.checks import q9 as checks_q9
from gradekit.probes import q2 as probes_q2
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_close, assert_equal

feature_maps = gradekit.submission("q9.feature_maps")

@pytest.mark.task("q9.3")
def test_maps_of_the_camera_photo_and_no_hook_left():
    model = feature_maps.load_backbone()
    expected_state = backbone.load_pretrained().state_dict()
    state = probes.state_dict(model)
    assert_equal(sorted(state), sorted(expected_state), name="the state_dict keys of load_backbone()")
    for key, value in expected_state.items():
        assert_equal(state[key], value, name=f"load_backbone() {key} (the kit's pretrained weights)")
    assert not probes.is_training(model), "load_backbone() should return the model in eval mode"
    image, names = checks_q9.map_cases()["camera relu1-4"]  # the whole 512 x 512 photo: the features are convolutional
    maps = feature_maps.feature_maps(model, image, names)
    checks_q9.assert_recorded_maps(maps, "camera relu1-4", "feature_maps(backbone, camera photo, relu1-4)")
    assert_equal(tuple(maps["features.relu1"].shape), (1, 16, 512, 512), name="the shape of the relu1 maps")
    assert_equal(probes_q5.forward_hook_count(model), 0, name="forward hooks left on the model after feature_maps")


@pytest.mark.task("q9.3")
def test_maps_of_a_batch_in_any_order_and_the_mode_restored():
    model = feature_maps.load_backbone()
    model.train()  # feature_maps must still use eval mode (batch norm's running statistics), then restore this
    image, names = checks_q9.map_cases()["two images pool2/conv1/bn3"]  # the camera corner and its negative
    maps = feature_maps.feature_maps(model, image, names)
    checks_q9.assert_recorded_maps(maps, "two images pool2/conv1/bn3", "feature_maps(backbone, 2 images, pool2/conv1/bn3)")
    assert probes.is_training(model), "feature_maps should leave the model in the mode it found (training here)"
    assert_equal(probes_q5.forward_hook_count(model), 0, name="forward hooks left on the model after feature_maps")


@pytest.mark.task("q9.4")
def test_feature_map_png_has_a_panel_per_layer_and_channel(tmp_path):
    # Maps of the shapes relu1-3 give on a 128 x 128 image; the values need not be the backbone's.
    g = torch.Generator().manual_seed(4)
    maps = {name: torch.rand(1, channels, side, side, generator=g)
            for name, channels, side in (("features.relu1", 16, 128), ("features.relu2", 32, 64),
                                         ("features.relu3", 64, 32))}
    path = tmp_path / "feature_maps.png"
    fig = feature_maps.plot_feature_maps(maps, path, 6)
    checks_q5.assert_png_drawn(path, min_width=800, min_height=400, what="plot_feature_maps")
    shown = probes_q2.figure_summary(fig)
    assert_equal(shown["axes"], 18, name="number of axes for 3 layers x 6 channels")
    titles = [f"{name} #{c}" for name in maps for c in range(6)]
    assert_equal(shown["titles"], titles, name="the axes titles, row by row")
    for title, shown_image, (name, c) in zip(titles, shown["images"], [(n, c) for n in maps for c in range(6)]):
        assert shown_image is not None, f"the axes '{title}' shows no image"
        assert_close(shown_image, maps[name][0, c], rtol=1e-6, atol=1e-7, name=f"the image of the axes '{title}'")
