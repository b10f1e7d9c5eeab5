"""The shapes ``gradekit bench`` times, and the goal each row is held to (issue #14's goals).

Shapes: AlexNet at 227x227 (the 2012 paper's layers and channel counts 96-256-384-384-256, as
one tower, i.e. groups=1), batch 16 on CPU and 128 on GPU; VGG16's 3x3 convolutions at 224x224,
batch 4 on CPU and 32 on GPU; LeNet-5 at 32x32, batch 128. The per-call rows time a tiny input
(one image, one channel), where the fixed cost of a call (Python wrapper, dispatcher, autograd,
threads) is all there is.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Case:
    op: str
    layer: str
    shape: tuple  # input (N, C, H, W)
    args: dict  # hyper-parameters, as the public gradekit.ops function takes them
    goal_fwd: float | None = None  # ratio the kernel should reach, None where none is set
    goal_fwdbwd: float | None = None
    channels_last: bool = False
    quick: bool = False  # part of the --quick smoke run
    weight: tuple | None = None  # conv2d: (C_out, C_in, kH, kW)
    calls: int = 1  # > 1: a per-call row, each timed sample is this many calls


def _conv_cases(batch_alexnet: int, batch_vgg: int) -> list[Case]:
    cases = []
    alexnet = [  # name, C_in, size, C_out, kernel, stride, padding
        ("conv1", 3, 227, 96, 11, 4, 0),
        ("conv2", 96, 27, 256, 5, 1, 2),
        ("conv3", 256, 13, 384, 3, 1, 1),
        ("conv4", 384, 13, 384, 3, 1, 1),
        ("conv5", 384, 13, 256, 3, 1, 1),
    ]
    for name, c, size, o, k, s, p in alexnet:
        first = name == "conv1"
        cases.append(
            Case(
                "conv2d",
                f"alexnet.{name}",
                (batch_alexnet, c, size, size),
                {"stride": s, "padding": p},
                goal_fwd=1.0 if first else 0.8,
                goal_fwdbwd=None if first else 0.5,
                weight=(o, c, k, k),
            )
        )
    vgg = [
        ("conv1_1", 3, 224, 64),
        ("conv1_2", 64, 224, 64),
        ("conv2_1", 64, 112, 128),
        ("conv2_2", 128, 112, 128),
        ("conv3_1", 128, 56, 256),
        ("conv3_2", 256, 56, 256),
        ("conv4_1", 256, 28, 512),
        ("conv4_2", 512, 28, 512),
        ("conv5_1", 512, 14, 512),
    ]
    for name, c, size, o in vgg:
        cases.append(
            Case(
                "conv2d",
                f"vgg16.{name}",
                (batch_vgg, c, size, size),
                {"stride": 1, "padding": 1},
                goal_fwd=0.8,
                weight=(o, c, 3, 3),
            )
        )
    lenet = [("conv1", 1, 32, 6), ("conv2", 6, 14, 16), ("conv3", 16, 5, 120)]
    for name, c, size, o in lenet:
        cases.append(
            Case(
                "conv2d",
                f"lenet5.{name}",
                (128, c, size, size),
                {},
                goal_fwd=1.0,
                weight=(o, c, 5, 5),
                quick=name == "conv2",
            )
        )
    return cases


def _pool_cases(batch: int) -> list[Case]:
    alexnet = [("pool1", (batch, 96, 55, 55)), ("pool2", (batch, 256, 27, 27)), ("pool5", (batch, 256, 13, 13))]
    cases = []
    for op in ("max_pool2d", "avg_pool2d", "min_pool2d"):
        for name, shape in alexnet:
            first = name == "pool1"
            cases.append(
                Case(
                    op,
                    f"alexnet.{name}",
                    shape,
                    {"kernel_size": 3, "stride": 2},
                    goal_fwd=FWD_GOALS[op] if first else None,
                    goal_fwdbwd=1.5,
                    quick=name == "pool5",
                )
            )
            if op != "min_pool2d" and first:  # torch has no min pool, and so no channels_last one
                cases.append(
                    Case(
                        op, f"alexnet.{name}", shape, {"kernel_size": 3, "stride": 2}, goal_fwd=1.2, channels_last=True
                    )
                )
    for name, shape in [("pool1", (128, 6, 28, 28)), ("pool2", (128, 16, 10, 10))]:
        cases.append(Case("avg_pool2d", f"lenet5.{name}", shape, {"kernel_size": 2, "stride": 2}, goal_fwdbwd=1.5))
    return cases


# NCHW forward on AlexNet pool1 against torch (min pool: against -max_pool2d(-x)).
FWD_GOALS = {"max_pool2d": 10.0, "avg_pool2d": 5.0, "min_pool2d": 15.0}


def _per_call_cases() -> list[Case]:
    """The fixed cost of one call: gradekit's op should cost no more than torch's on a tiny input."""
    tiny, window = (1, 1, 4, 4), {"kernel_size": 2, "stride": 2}
    lrn = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0, "convention": "torch"}
    calls = 200
    return [
        Case("max_pool2d", "per-call", tiny, window, goal_fwd=1.0, goal_fwdbwd=1.0, calls=calls),
        Case("avg_pool2d", "per-call", tiny, window, goal_fwd=1.0, goal_fwdbwd=1.0, calls=calls),
        Case("lrn", "per-call", tiny, lrn, goal_fwd=1.0, goal_fwdbwd=1.0, calls=calls),
        Case("conv2d", "per-call", (1, 1, 5, 5), {}, goal_fwd=1.0, goal_fwdbwd=1.0, weight=(1, 1, 3, 3), calls=calls),
    ]


def _lrn_cases(batch: int) -> list[Case]:
    # Caffe/torch's convention so that both sides compute the same numbers; the 'alexnet'
    # convention differs only in alpha's scale, not in the work.
    args = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0, "convention": "torch"}
    return [
        Case("lrn", "alexnet.norm1", (batch, 96, 55, 55), args, goal_fwd=30.0, goal_fwdbwd=30.0),
        Case("lrn", "alexnet.norm2", (batch, 256, 27, 27), args, goal_fwd=30.0, goal_fwdbwd=30.0, quick=True),
        # beta outside the sqrt fast paths (0.5, 0.75, 1) takes std::pow: shown for honesty.
        Case("lrn", "alexnet.norm1 beta=0.7", (batch, 96, 55, 55), {**args, "beta": 0.7}),
    ]


def cases_for(device: str) -> list[Case]:
    gpu = device == "cuda"
    return (
        _conv_cases(128 if gpu else 16, 32 if gpu else 4)
        + _pool_cases(128 if gpu else 16)
        + _lrn_cases(128 if gpu else 16)
        + _per_call_cases()
    )
