"""The worker's request server (gradekit.sandbox.worker.server), driven without a sandbox.

End-to-end grading tests (tests/grade) run it inside bubblewrap; these call ``Server.handle``
directly with requests encoded as the parent encodes them, to pin down each operation's reply.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gradekit.harness import importer
from gradekit.sandbox import wire
from gradekit.sandbox.worker import server as server_module
from gradekit.sandbox.worker.server import Server

STUDENT = """
import numpy as np


def add(a, b):
    return np.asarray(a) + b


def broken():
    return 1 / 0


def save(folder, text):
    (folder / "note.txt").write_text(text)
    return folder / "note.txt"


class Box:
    def __init__(self, items):
        self.items = list(items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]
"""


@pytest.fixture
def server(tmp_path, monkeypatch):
    (tmp_path / "sub" / "q1").mkdir(parents=True)
    (tmp_path / "sub" / "q1" / "tools.py").write_text(STUDENT)
    monkeypatch.setattr(importer, "STATE", importer.new_state())
    monkeypatch.setattr(server_module, "EXCHANGE", tmp_path / "exchange")
    importer.set_under_test(tmp_path / "sub")
    return Server(sock=None, task_id="q1.1", forbid=(), submission=tmp_path / "sub")


class Ref:
    """The parent's stand-in for an object the worker holds."""

    def __init__(self, node: dict):
        self.id = node["id"]
        self.type = node["type"]


def request(server, op, *args, paths=()):
    """Encode ``args`` as the parent does (refs by handle, path arguments as path nodes) and handle it."""

    def on_object(value):
        return {"~": "ref", "id": value.id}

    enc = wire.Encoder(on_object, None)
    enc.on_path = lambda p: paths[0] if paths else pytest.fail("unexpected path argument")
    tree = enc.encode(list(args))
    reply, blobs = server.handle({"op": op, "args": tree}, enc.blobs)
    return reply, blobs


def value_of(reply, blobs):
    assert reply["ok"], reply
    return wire.decode(reply["value"], blobs, on_ref=Ref)


def test_import_getattr_and_call_return_plain_values(server):
    module = value_of(*request(server, "import", "q1.tools"))
    add = value_of(*request(server, "getattr", module, "add"))
    assert add.type == "builtins.function"
    out = value_of(*request(server, "call", add, [np.arange(3.0)], {"b": 1.0}))
    assert isinstance(out, np.ndarray) and out.tolist() == [1.0, 2.0, 3.0]


def test_objects_stay_in_the_worker_and_answer_len_and_indexing(server):
    module = value_of(*request(server, "import", "q1.tools"))
    box_class = value_of(*request(server, "getattr", module, "Box"))
    box = value_of(*request(server, "call", box_class, [[4, 5, 6]], {}))
    assert box.type.endswith(".Box")
    assert value_of(*request(server, "len", box)) == 3
    assert value_of(*request(server, "getitem", box, 1)) == 5


def test_an_exception_names_its_type_message_and_the_students_line(server):
    module = value_of(*request(server, "import", "q1.tools"))
    broken = value_of(*request(server, "getattr", module, "broken"))
    reply, _ = request(server, "call", broken, [], {})
    assert not reply["ok"]
    error = reply["error"]
    assert error["type"] == "ZeroDivisionError" and error["kind"] == "exception"
    assert error["where"] == " (tools.py, line 10)"  # STUDENT starts with a blank line


def test_a_missing_name_and_a_missing_module_are_submission_errors(server):
    module = value_of(*request(server, "import", "q1.tools"))
    reply, _ = request(server, "getattr", module, "absent")
    assert reply["error"]["kind"] == "missing" and "q1/tools.py has no `absent`" in reply["error"]["message"]
    reply, _ = request(server, "import", "q1.nothere")
    assert reply["error"]["kind"] == "missing" and "q1/nothere.py is missing" in reply["error"]["message"]


def test_unknown_operations_and_unknown_handles_are_refused(server):
    reply, _ = request(server, "exec", "print(1)")
    assert reply["error"]["type"] == "WireError" and "unknown operation 'exec'" in reply["error"]["message"]
    reply, _ = request(server, "len", Ref({"id": 999, "type": "?"}))
    assert reply["error"]["type"] == "WireError" and "no object with handle 999" in reply["error"]["message"]


def test_a_path_argument_comes_back_with_what_the_student_wrote(server):
    module = value_of(*request(server, "import", "q1.tools"))
    save = value_of(*request(server, "getattr", module, "save"))
    folder = {"~": "path", "name": "figures", "kind": "dir", "files": []}
    reply, blobs = request(server, "call", save, [Path("figures"), "hello"], {}, paths=[folder])
    assert reply["ok"], reply
    assert reply["value"] == {"~": "path-out", "slot": 0, "rel": "note.txt"}
    [[slot, rel, index]] = reply["files"]
    assert (slot, rel, blobs[index]) == (0, "note.txt", b"hello")


def test_a_path_argument_may_not_place_files_outside_its_folder(server):
    module = value_of(*request(server, "import", "q1.tools"))
    save = value_of(*request(server, "getattr", module, "save"))
    folder = {"~": "path", "name": "figures", "kind": "dir", "files": [["../../escape.txt", 0]]}
    reply, _ = request(server, "call", save, [Path("figures"), "x"], {}, paths=[folder])
    assert not reply["ok"] and "bad relative path" in reply["error"]["message"]
    assert not list((server_module.EXCHANGE).glob("*")), "the refused request left its files behind"


def test_printed_output_is_returned_with_the_reply(server, tmp_path):
    (tmp_path / "sub" / "q1" / "talk.py").write_text("def hi():\n    print('hello from q1')\n    return 1\n")
    module = value_of(*request(server, "import", "q1.talk"))
    hi = value_of(*request(server, "getattr", module, "hi"))
    reply, blobs = request(server, "call", hi, [], {})
    assert value_of(reply, blobs) == 1
    assert "hello from q1" in str(reply)
