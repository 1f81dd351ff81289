"""Entry point of a worker process: ``python -m otmlops.runner ROLE FD STORE SNAPSHOTS``."""

import sys

from otmlops.runner.worker import main

sys.exit(main(sys.argv[1:]))
