"""Double-click / ``python main.py`` entry: the window; ``--self-test`` and ``--cli …`` too.

The same file is the bundle's entry point, so the bundle gets the same options.
"""

import multiprocessing
import sys

from explorer.launch import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # training runs in child processes, also in a frozen bundle
    sys.exit(main())
