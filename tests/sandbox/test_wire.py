"""What crosses between the grading parent and a worker: plain data survives, nothing else gets through."""

import pickle
import socket

import numpy as np
import pytest
import torch

from gradekit.sandbox import wire


def roundtrip(value):
    tree, blobs = wire.encode(value, on_object=lambda v: {"~": "ref", "id": 7, "type": type(v).__name__})
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, {"value": tree}, blobs)
        msg, got = wire.recv(b, deadline=None)
    return wire.decode(msg["value"], got, on_ref=lambda node: ("ref", node["id"]))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**70),
        2.5,
        float("inf"),
        "text",
        b"\x00bytes",
        (1, (2, [3])),
        {"a": 1, (1, 2): [None]},
        {1, 2},
        frozenset({"x"}),
        slice(1, None, 2),
        Ellipsis,
        1 + 2j,
        [np.float32(1.5), np.int64(-3)],
    ],
)
def test_plain_values_come_back_equal_and_of_the_same_type(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_nan_survives():
    assert np.isnan(roundtrip(float("nan")))


def test_arrays_and_tensors_keep_dtype_shape_and_grad_flag():
    arr = np.arange(12, dtype=np.float32).reshape(3, 4)[:, ::2]
    got = roundtrip(arr)
    assert type(got) is np.ndarray and got.dtype == np.float32 and np.array_equal(got, arr)
    t = torch.linspace(0, 1, 6, dtype=torch.float64).reshape(2, 3).requires_grad_()
    back = roundtrip(t)
    assert type(back) is torch.Tensor and back.dtype == torch.float64 and back.requires_grad
    assert torch.equal(back.detach(), t.detach())
    bf = roundtrip(torch.tensor([1.5, -2.0], dtype=torch.bfloat16))
    assert bf.dtype == torch.bfloat16 and bf.tolist() == [1.5, -2.0]
    assert roundtrip(torch.float16) is torch.float16 and roundtrip(np.dtype("<f8")) == np.float64


def test_subclasses_are_stripped_to_their_plain_base():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return np.ones(np.shape(self), dtype=bool)

    class LyingInt(int):
        def __eq__(self, other):
            return True

    got = roundtrip([np.zeros(3).view(Liar), LyingInt(4)])
    assert type(got[0]) is np.ndarray and type(got[1]) is int
    assert not (got[0] == np.ones(3)).all() and got[1] != 5


def test_objects_become_references():
    assert roundtrip([object()])[0] == ("ref", 7)


def test_object_arrays_and_pickles_are_refused():
    tree, blobs = wire.encode(np.zeros(2), on_object=None)
    with pytest.raises(wire.WireError):  # an .npy holding a pickled object array
        import io

        buf = io.BytesIO()
        np.save(buf, np.array([object()], dtype=object), allow_pickle=True)
        wire.decode(tree, [buf.getvalue()])
    with pytest.raises(wire.WireError):
        wire.decode(tree, [pickle.dumps(np.zeros(2))])


def test_unknown_tags_and_oversized_messages_are_refused():
    with pytest.raises(wire.WireError):
        wire.decode({"~": "pickle", "v": "..."}, [])
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, {"x": 1}, [b"x" * 1000])
        with pytest.raises(wire.WireError, match="over the"):
            wire.recv(b, limit=100)


def test_a_missing_reply_hits_the_deadline():
    import time

    a, b = socket.socketpair()
    with a, b, pytest.raises(wire.Deadline):
        wire.recv(b, deadline=time.monotonic() + 0.05)


def _raw_frame(body: bytes) -> bytes:
    return wire._HEAD.pack(wire.MAGIC, len(body), 0) + body


def test_a_json_part_over_its_cap_is_refused_from_the_header_alone():
    a, b = socket.socketpair()
    with a, b:
        # Claims 100 MiB of JSON and sends none of it: refused without reading or waiting.
        a.sendall(wire._HEAD.pack(wire.MAGIC, 100 * 2**20, 0))
        with pytest.raises(wire.WireError, match="JSON part of 100 MiB is over"):
            wire.recv(b)


@pytest.mark.parametrize("bomb", [b"[" + b"[]," * 2_000_000 + b"[]]", b'{"a":[' + b"0," * 3_000_000 + b"0]}"])
def test_a_message_of_too_many_values_is_refused_before_it_is_parsed(bomb):
    import threading
    import tracemalloc

    assert len(bomb) < wire.MAX_JSON
    a, b = socket.socketpair()
    with a, b:
        sender = threading.Thread(target=a.sendall, args=(_raw_frame(bomb),))
        sender.start()
        tracemalloc.start()
        try:
            with pytest.raises(wire.WireError, match="more than 1000000 values"):
                wire.recv(b)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        sender.join()
    # The frame's bytes, a copy or two; parsing it would have built millions of Python objects.
    assert peak < 4 * len(bomb), f"receiving a {len(bomb) >> 20} MiB frame peaked at {peak >> 20} MiB"
