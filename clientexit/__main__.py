"""``python -m clientexit``: the same as the ``clientexit`` command."""

import sys

from clientexit.cli import main

if __name__ == "__main__":
    sys.exit(main())
