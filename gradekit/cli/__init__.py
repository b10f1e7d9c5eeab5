"""The ``gradekit`` command: the parser (:mod:`gradekit.cli.main`), and the verbs that live here
because they only report on the others (``doctor``, ``demo``). Every other verb's work is in the
package named for it."""

from gradekit.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
