"""``python -m netdata``: the same as the ``netdata`` command."""

import sys

from netdata.cli import main

sys.exit(main())
