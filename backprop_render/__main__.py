"""`python -m backprop_render ...`: what `render.sh` runs once the machine is ready."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a slide job's process imports the main module
    sys.exit(main())
