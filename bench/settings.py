"""newsportal's settings for the load benchmark (bench/load.py): unchanged but for STATIC_ROOT.

The settings fix STATIC_ROOT to staticfiles/ in the work tree. The benchmark collects the static
files into a temporary directory of its own instead, and puts the article page there as a static
file, so it never touches a deployment's static files.
"""

import os
from pathlib import Path

from newsportal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
