"""``python -m ilp``: the ``ilp`` command."""

import sys

from ilp.cli import main

sys.exit(main())
