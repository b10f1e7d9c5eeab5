"""The points book of a run: which tests belong to which task, what each earned, and why.

A task's points are shared equally by its tests; a passing test earns its share (times the
speed fraction for speed targets), anything else earns nothing. Tests that never ran (an
interrupted run, ``-x``) earn nothing either, so a crashed run never reports more than passed.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field

from gradekit.course.questions import Question, Task
from gradekit.harness.guard import ForbiddenCallError
from gradekit.harness.importer import SubmissionError
from gradekit.harness.speed import SpeedResult
from gradekit.harness.timeouts import TaskTimeout
from gradekit.testing import DIAGNOSIS_PREFIX

STUB_RE = re.compile(r"^(q\d+\.\d+) not implemented yet(?:: (.*))?$")
MESSAGE_WIDTH = 200
DETAIL_WIDTH = 4000  # a report page shows the whole message, up to this


@dataclass
class Verdict:
    status: str  # passed | failed | skipped | not run
    # ok | not-implemented | missing | import-error | forbidden | timeout | not-graded | wrong | error | skipped | not-run
    kind: str
    message: str = ""
    fraction: float = 0.0
    speed: SpeedResult | None = None
    hidden: str = ""  # the test's name when it is a hidden test, whose details students never see
    detail: str = ""  # the whole message (every line, up to DETAIL_WIDTH), when it says more than ``message``

    @property
    def public_message(self) -> str:
        """The message a student may read: nothing of a hidden test but its name and the kind of failure.

        Every kind is redacted, not only wrong answers: in grade mode the submission's own process
        chooses what it raises, and the text of a "not implemented" or "missing name" error it
        raised could carry the hidden inputs it was called with.
        """
        if not self.hidden:
            return self.message
        why = HIDDEN_FAILURES.get(self.kind)
        if self.kind == "not-implemented":
            return f"not implemented yet (hidden test {self.hidden})"
        if self.kind == "not-graded":
            return f"not graded: the submission's time budget ran out (hidden test {self.hidden})"
        if why:
            return f"hidden test {self.hidden} failed: {why} (its details are not shown)"
        return f"hidden test {self.hidden} failed (its details are not shown)"

    @property
    def public_detail(self) -> str:
        """The whole message a student may read (a report page shows it; the scoreboard cuts it)."""
        return self.public_message if self.hidden else (self.detail or self.message)


# What a hidden test's failure may say, by kind: fixed texts, so that no text from the test or the
# submission reaches the student.
HIDDEN_FAILURES = {
    "missing": "a name it uses is missing from the submission",
    "import-error": "a module it uses could not be imported",
    "forbidden": "the code called a routine this task forbids",
    "timeout": "the task's time limit ran out",
}


NOT_RUN = Verdict("not run", "not-run", "did not run", 0.0)


@dataclass
class TaskResult:
    task: Task
    verdicts: list[Verdict]

    @property
    def earned(self) -> float:
        if not self.verdicts:
            return 0.0
        return self.task.points * sum(v.fraction for v in self.verdicts) / len(self.verdicts)

    @property
    def status(self) -> str:
        if not self.verdicts or all(v.kind == "not-run" for v in self.verdicts):
            return "not run"
        if all(v.kind == "not-implemented" for v in self.verdicts):
            return "not implemented"
        if all(v.kind == "not-graded" for v in self.verdicts):
            return "not graded"  # the submission's time budget ran out before any of its tests finished
        if all(v.status == "passed" and v.fraction >= 1.0 for v in self.verdicts):
            return "passed"
        if self.earned > 0:
            return "partial"
        return "failed"

    @property
    def first_problem(self) -> str:
        """The first failure, a visible test's before a hidden one's (it says more)."""
        failed = sorted((v for v in self.verdicts if v.status != "passed"), key=lambda v: bool(v.hidden))
        return failed[0].public_message if failed else ""

    @property
    def first_detail(self) -> str:
        """The whole message of the failure ``first_problem`` names."""
        failed = sorted((v for v in self.verdicts if v.status != "passed"), key=lambda v: bool(v.hidden))
        return failed[0].public_detail if failed else ""

    @property
    def speed(self) -> SpeedResult | None:
        return next((v.speed for v in self.verdicts if v.speed is not None), None)

    @property
    def note(self) -> str:
        """The one line the scoreboard shows: the first failure, else the speed ratio."""
        problem = self.first_problem
        if problem:
            return problem
        return self.speed.note() if self.speed else ""


@dataclass
class QuestionResult:
    question: Question
    tasks: list[TaskResult]

    @property
    def earned(self) -> float:
        return sum(t.earned for t in self.tasks)

    @property
    def possible(self) -> float:
        return self.question.points

    @property
    def complete(self) -> bool:
        """Did every task of the question have tests in this run?"""
        return all(t.verdicts for t in self.tasks)


@dataclass
class Ledger:
    """Filled by the plugin: the tests collected per task, then one verdict per test."""

    questions: dict[str, Question] = field(default_factory=dict)
    tests: dict[str, Task] = field(default_factory=dict)  # nodeid -> task
    verdicts: dict[str, Verdict] = field(default_factory=dict)

    def expect(self, nodeid: str, question: Question, task: Task) -> None:
        self.questions.setdefault(question.id, question)
        self.tests[nodeid] = task

    def record(self, nodeid: str, verdict: Verdict) -> None:
        # A later failure (teardown) overrides an earlier pass, never the other way round.
        old = self.verdicts.get(nodeid)
        if old is not None and old.status != "passed" and verdict.status == "passed":
            return
        self.verdicts[nodeid] = verdict

    def results(self) -> list[QuestionResult]:
        out = []
        for qid in sorted(self.questions, key=lambda q: int(q[1:])):
            question = self.questions[qid]
            tasks = []
            for task in question.tasks:
                nodeids = [n for n, t in self.tests.items() if t.id == task.id]
                tasks.append(TaskResult(task, [self.verdicts.get(n, NOT_RUN) for n in nodeids]))
            out.append(QuestionResult(question, tasks))
        return out


def one_line(text: str, width: int = MESSAGE_WIDTH) -> str:
    """The first line of a message, cut at ``width``, then a diagnosis line below it, if any.

    A diagnosis ("This matches a flipped kernel ...", gradekit.testing) is what teaches, and the
    numbers before it say where and what: each keeps its own width, so neither hides the other.
    """
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    first = _cut(lines[0] if lines else "", width)
    why = next((ln for ln in lines[1:] if ln.startswith(DIAGNOSIS_PREFIX)), "")
    if not why:
        return first
    return f"{first}{' ' if first.endswith('.') else '. '}{_cut(why, width)}"


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _location(exc: BaseException, files: set[str]) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
    if not frames:
        return ""
    f = frames[-1]
    return f" ({f.filename.rsplit('/', 1)[-1]}, line {f.lineno})"


def classify(exc: BaseException, submission_files: set[str]) -> Verdict:
    """Turn the exception that failed a test into the verdict a student reads."""
    for e in _chain(exc):
        if isinstance(e, ForbiddenCallError):
            return Verdict("failed", "forbidden", one_line(str(e)))
    for e in _chain(exc):
        if isinstance(e, TaskTimeout):  # a timeout of the submission's budget is "not-graded"
            return Verdict("failed", getattr(e, "kind", "timeout"), one_line(str(e)))
    for e in _chain(exc):
        if isinstance(e, SubmissionError):
            return Verdict("failed", getattr(e, "kind", "error"), one_line(str(e)))
    for e in _chain(exc):
        if isinstance(e, NotImplementedError):
            m = STUB_RE.match(str(e).strip())
            detail = f" ({m.group(2)})" if m and m.group(2) else ""
            return Verdict("failed", "not-implemented", f"not implemented yet{detail}")
    if isinstance(exc, AssertionError) or type(exc).__name__ == "Failed":  # pytest.fail() is a Failed
        text = str(exc).strip() or "assertion failed"
        return Verdict("failed", "wrong", one_line(text), detail=_whole(text))
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    where = _location(exc, submission_files)
    return Verdict("failed", "error", one_line(text) + where, detail=_whole(text) + where)


def _whole(text: str) -> str:
    """A message with all its lines, without pytest's rewritten-assert explanation below it."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    lines = lines[: next((i for i, ln in enumerate(lines) if ln.startswith("assert ")), len(lines))]
    whole = "\n".join(ln for ln in lines).strip()
    return whole if len(whole) <= DETAIL_WIDTH else whole[: DETAIL_WIDTH - 3] + "..."
