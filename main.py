"""Double-click / ``python main.py`` entry: starts the GUI, nothing else."""

import multiprocessing
import sys

from explorer.qt.app import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # training runs in child processes, also in a frozen bundle
    sys.exit(main())
