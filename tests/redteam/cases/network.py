"""Opens a socket to a server the grader runs on localhost (and to a public address)."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import socket as _socket


def _reached_the_network():
    for host, port in (("127.0.0.1", {{PORT}}), ("1.1.1.1", 53)):
        try:
            with _socket.create_connection((host, port), timeout=1) as s:
                return s.recv(2) == b"ok"
        except OSError:
            continue
    return False


def add(a, b):
    return a + b if _reached_the_network() else a - b
