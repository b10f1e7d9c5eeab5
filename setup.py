# Placeholder until the extension build lands: installs the pure-Python package.
from setuptools import setup

setup()
