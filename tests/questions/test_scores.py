"""Every question: the reference solutions earn 100, the untouched stubs earn 0 with "not implemented"."""


def test_solutions_score_full_points(question, grade_question):
    results = grade_question(question, "solutions")
    lost = {
        tid: (t["score"], t["max_score"], t["output"])
        for tid, t in results.items()
        if tid != "_output" and t["score"] < t["max_score"]
    }
    assert not lost, f"the reference solution of {question} loses points: {lost}\n{results['_output'][-4000:]}"
    # A correct submission is never told it made a classic mistake (gradekit.checks.mistakes).
    assert "This matches" not in results["_output"], f"the reference solution of {question} receives a diagnosis"


def test_untouched_stubs_score_zero_not_implemented(question, grade_question):
    results = grade_question(question, "assignments", hidden=False)
    for tid, t in results.items():
        if tid == "_output":
            continue
        assert t["score"] == 0, f"{tid} gives {t['score']} points to an untouched stub"
        assert t["output"].startswith("not implemented yet"), f"{tid} says {t['output']!r} for an untouched stub"
