"""The `gradekit` command: one small function per subcommand, the work lives in the modules."""

from __future__ import annotations

import argparse
import sys


def comma_list(text: str) -> list[str] | None:
    """'q1,q3' -> ['q1', 'q3']; an empty value means all of them (None)."""
    return [q.strip() for q in text.split(",") if q.strip()] or None


def add_questions_option(parser: argparse.ArgumentParser, default: str = "all") -> None:
    """The one ``--questions`` option every subcommand that takes a subset of questions shares."""
    parser.add_argument(
        "--questions",
        metavar="Q",
        type=comma_list,
        default=None,
        help=f"comma-separated, e.g. q1,q3 (default: {default})",
    )


def cmd_doctor(args: argparse.Namespace) -> int:
    from gradekit.cli import doctor

    return doctor.main()


def cmd_bench(args: argparse.Namespace) -> int:
    from gradekit.ops import bench

    return bench.main(device=args.device, json_path=args.json, quick=args.quick, ops=args.ops, layers=args.layers)


def cmd_stubs(args: argparse.Namespace) -> int:
    from gradekit.release import stubs

    return stubs.main(questions=args.questions, check=args.check)


def cmd_check(args: argparse.Namespace) -> int:
    from gradekit.course import check

    return check.main()


def cmd_release(args: argparse.Namespace) -> int:
    from gradekit.release import repo

    return repo.main(args.out, force=args.force)


def cmd_demo(args: argparse.Namespace) -> int:
    from gradekit.cli import demo

    return demo.main(out=args.out, questions=args.questions)


def cmd_nbgrader(args: argparse.Namespace) -> int:
    from gradekit.nbgrader import course as nbgrader_course

    return nbgrader_course.main(args.course, questions=args.questions)


def cmd_nbgrader_export(args: argparse.Namespace) -> int:
    from gradekit.nbgrader import course as nbgrader_course

    return nbgrader_course.export(args.course, out=args.out)


def cmd_grade(args: argparse.Namespace) -> int:
    from gradekit.grade import grade as grading

    return grading.main(
        args.submission, out=args.out, questions=args.questions, timeout=args.timeout, budget=args.budget
    )


def cmd_grade_all(args: argparse.Namespace) -> int:
    from gradekit.grade import grade_all

    return grade_all.main(
        args.root,
        out=args.out,
        jobs=args.jobs,
        force=args.force,
        questions=args.questions,
        timeout=args.timeout,
        scheduler=args.scheduler,
    )


def cmd_similarity(args: argparse.Namespace) -> int:
    from gradekit.grade import similarity

    return similarity.main(args.root, args.out, questions=args.questions, threshold=args.threshold)


def cmd_export(args: argparse.Namespace) -> int:
    out = args.out or args.out_option
    if out is None:
        print("gradekit export: say where to write it (OUT or --out OUT)", file=sys.stderr)
        return 2
    if args.platform == "canvas":
        from gradekit.grade import canvas

        if not (args.scores and args.roster):
            print("gradekit export canvas: needs --scores DIR/scores.csv and --roster ROSTER.csv", file=sys.stderr)
            return 2
        return canvas.main(
            args.scores, args.roster, out, args.match, args.assignment, args.per_question, args.allow_missing
        )
    from gradekit.grade import exports

    return exports.main(
        args.platform, out, questions=args.questions, measure=not args.no_measure, timeout_minutes=args.timeout_minutes
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gradekit",
        description="An auto-graded course unit on convolutional neural networks. "
        "Students run `pytest assignments/qN`; these commands are for setup, instructors and CI.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    s = sub.add_parser("doctor", help="report torch, the gradekit._C build (CPU/CUDA), GPUs and offline data")
    s.set_defaults(func=cmd_doctor)

    s = sub.add_parser("bench", help="time gradekit's kernels against torch in the same run and print ratios")
    s.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    s.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    s.add_argument("--quick", action="store_true", help="fewer repeats and shapes (a smoke run)")
    s.add_argument(
        "--ops",
        metavar="OPS",
        type=comma_list,
        help="comma-separated subset: conv2d,max_pool2d,avg_pool2d,min_pool2d,lrn",
    )
    s.add_argument(
        "--layers",
        metavar="WORDS",
        type=comma_list,
        help="comma-separated words; only the layers whose name holds one (e.g. per-call,pool5)",
    )
    s.set_defaults(func=cmd_bench)

    s = sub.add_parser("stubs", help="regenerate assignments/qN code stubs from solutions/qN")
    add_questions_option(s)
    s.add_argument("--check", action="store_true", help="only report stubs that differ; exit 1 if any")
    s.set_defaults(func=cmd_stubs)

    s = sub.add_parser(
        "check", help="list where READMEs, stubs, tests and forbidden names disagree with the task tables"
    )
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("release", help="write a student repository (no solutions, no hidden tests) to OUT")
    s.add_argument("out", metavar="OUT")
    s.add_argument("--force", action="store_true", help="replace OUT if it exists")
    s.set_defaults(func=cmd_release)

    s = sub.add_parser("demo", help="grade the solutions and the untouched stubs, show both scoreboards")
    s.add_argument(
        "--out", metavar="DIR", default="gradekit-reports", help="where the reports go (default: %(default)s)"
    )
    add_questions_option(s)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("nbgrader", help="create or update an nbgrader course (source/ and release/) in COURSE")
    s.add_argument("course", metavar="COURSE")
    add_questions_option(s)
    s.set_defaults(func=cmd_nbgrader)

    s = sub.add_parser("nbgrader-export", help="write the nbgrader gradebook of COURSE as CSV")
    s.add_argument("course", metavar="COURSE")
    s.add_argument("--out", metavar="FILE", default="grades.csv")
    s.set_defaults(func=cmd_nbgrader_export)

    s = sub.add_parser("grade", help="grade one submission in a sandbox: results.json, junit.xml, score.csv")
    s.add_argument(
        "submission", metavar="SUBMISSION", help="a folder like assignments/, a repo root, or a .zip/.tar.gz"
    )
    s.add_argument("--out", metavar="DIR", required=True)
    add_questions_option(s, default="those submitted")
    s.add_argument("--timeout", metavar="S", type=float, default=None, help="wall-clock seconds per task")
    s.add_argument(
        "--budget",
        metavar="SECONDS",
        type=float,
        default=None,
        help="wall-clock seconds for the whole submission (env GRADEKIT_BUDGET when absent): divided among "
        "the questions by their time limits; tests left when a question's share runs out are reported "
        "'not graded', and the reports are written within the budget plus 15 s",
    )
    s.set_defaults(func=cmd_grade)

    s = sub.add_parser("grade-all", help="grade every submission under ROOT in parallel")
    s.add_argument("root", metavar="ROOT")
    s.add_argument("--out", metavar="DIR", required=True)
    s.add_argument("--jobs", metavar="N", type=int, default=1, help="submissions graded at once on this machine")
    s.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="grade on a Dask distributed cluster instead (e.g. tcp://head:8786): one task per submission, "
        "no shared filesystem needed; every worker needs gradekit and the course",
    )
    s.add_argument("--force", action="store_true", help="re-grade submissions already graded")
    add_questions_option(s)
    s.add_argument("--timeout", metavar="S", type=float, default=None, help="wall-clock seconds per task")
    s.set_defaults(func=cmd_grade_all)

    s = sub.add_parser("similarity", help="score how much code every pair of submissions shares, per question")
    s.add_argument("root", metavar="ROOT", help="a folder of submissions, as for grade-all")
    s.add_argument("--out", metavar="DIR", required=True, help="DIR/similarity.csv and DIR/similarity/*.html")
    add_questions_option(s)
    s.add_argument(
        "--threshold", metavar="F", type=float, default=0.5, help="flag pairs at or over this similarity (0-1)"
    )
    s.set_defaults(func=cmd_similarity)

    s = sub.add_parser("export", help="write an autograder bundle for a platform, or grades for a gradebook")
    s.add_argument("platform", choices=["gradescope", "github-classroom", "canvas"])
    s.add_argument(
        "out", metavar="OUT", nargs="?", help="OUT.zip for gradescope, a folder for github-classroom, a .csv for canvas"
    )
    s.add_argument("--out", dest="out_option", metavar="OUT", default=None, help="the same as OUT")
    add_questions_option(s)
    scope = s.add_argument_group("gradescope")
    scope.add_argument(
        "--timeout-minutes",
        metavar="M",
        type=int,
        default=10,
        help="the assignment's autograder timeout on Gradescope (default 10); grading is budgeted M-1 minutes",
    )
    scope.add_argument(
        "--no-measure",
        action="store_true",
        help="skip grading the bundle's reference solutions to measure memory and time per question",
    )
    canvas = s.add_argument_group("canvas (the CSV Canvas's gradebook import takes)")
    canvas.add_argument("--scores", metavar="CSV", help="grade-all's DIR/scores.csv")
    canvas.add_argument("--roster", metavar="CSV", help="the course's gradebook exported from Canvas")
    canvas.add_argument(
        "--match",
        metavar="COLUMN",
        default="SIS Login ID",
        help="roster column holding the submission folder names (default: SIS Login ID)",
    )
    canvas.add_argument(
        "--assignment", metavar="NAME", default="gradekit", help="the Canvas assignment's name (default: gradekit)"
    )
    canvas.add_argument(
        "--per-question",
        action="store_true",
        help="one assignment column per question ('NAME qN') instead of the total",
    )
    canvas.add_argument(
        "--allow-missing", action="store_true", help="leave empty the cells of roster students without a score"
    )
    s.set_defaults(func=cmd_export)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
