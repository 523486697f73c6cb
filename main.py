"""Double-click / ``python main.py`` entry: starts the GUI, nothing else."""

import sys

from explorer.qt.app import main

if __name__ == "__main__":
    sys.exit(main())
