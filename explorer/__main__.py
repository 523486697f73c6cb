"""``python -m explorer …``: the command line (same core as the GUI, no window).

Ctrl+C while the command line is still being imported (torch takes seconds)
ends like Ctrl+C later on: one ``error: interrupted`` line and exit code 130,
no traceback.
"""

import sys

if __name__ == "__main__":
    try:
        from explorer.cli import main

        code = main()
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr, flush=True)
        code = 130
    sys.exit(code)
