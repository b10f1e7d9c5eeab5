"""Checks: trusted references and assertions that run in the trusted test process, never in the worker.

A probe (gradekit.probes) runs where the student's objects live, inside the sandboxed worker in
``gradekit grade``, and returns plain data. A check never touches a student object: it computes
what the answer must be (a reference layer, held-out digits) or asserts on the plain data a probe or
a student function returned, in the pytest process that decides the grade. This package ships in
the student release, so a reference that is a task's answer itself lives beside the hidden tests
instead (solutions/qN/hidden/references.py; see gradekit.checks.recorded). Keeping them apart keeps the worker's surface small: the worker imports gradekit.probes
only, and a check is free to be slow, load data or use the trusted backbone.

Question-specific checks live in ``gradekit/checks/qN.py`` beside that question's probes in
``gradekit/probes/qN.py``. The import direction is one way: checks may import probes (a check
may call a probe, e.g. gradekit.checks.q10.checked_call), probes never import checks, so what the
worker loads never pulls trusted code in.
"""
