"""Framework tests. pytester runs real pytest sessions (in subprocesses) on small courses."""

pytest_plugins = ["pytester"]
