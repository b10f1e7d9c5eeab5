"""``python -I -m gradekit.sandbox.worker zygote|echo ...``: see :mod:`gradekit.sandbox.worker.main`."""

from gradekit.sandbox.worker.main import main

main()
