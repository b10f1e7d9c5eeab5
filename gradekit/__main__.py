import sys

from gradekit.cli.main import main

sys.exit(main())
