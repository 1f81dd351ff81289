"""``python -m otmlops``: the same as the ``otmlops`` console script."""

import sys

from otmlops.cli import main

if __name__ == "__main__":
    sys.exit(main())
