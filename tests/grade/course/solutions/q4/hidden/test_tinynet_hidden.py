"""Hidden tests of q4 (grading fixture)."""
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import probes
from gradekit.testing import assert_close

net = gradekit.submission("q4.tinynet")


@pytest.mark.task("q4.2")
def test_forward_batch_one_called_directly():
    model = net.TinyNet()
    weights = probes.state_dict(model)
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(41))
    h = F.relu(F.conv2d(x, weights["conv.weight"], weights["conv.bias"]))
    expected = F.linear(h.flatten(1), weights["fc.weight"], weights["fc.bias"])
    with torch.no_grad():
        got = model(x)
    assert_close(got, expected, rtol=1e-5, atol=1e-6, name="TinyNet()(x) for one 8x8 image")
