"""``python -m qcrystal.cli``: the same as the ``qcrystal`` command."""

import sys

from qcrystal.cli import main

sys.exit(main())
