import sys

from otmlops.cli import main

sys.exit(main())
