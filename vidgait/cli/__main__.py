"""``python -m vidgait.cli``: the same as the ``vidgait`` command."""

import sys

from vidgait.cli import main

sys.exit(main())
