"""``python -m explorer …``: the command line (same core as the GUI, no window)."""

import sys

from explorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
