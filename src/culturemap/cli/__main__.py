"""``python -m culturemap.cli``: the ``culturemap`` command (every command, see :mod:`culturemap.cli`)."""

import sys

from culturemap.cli import main

sys.exit(main())
