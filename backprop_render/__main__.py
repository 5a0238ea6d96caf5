"""`python -m backprop_render ...`: what `render.sh` runs once the machine is ready."""

import sys

from .cli import main

sys.exit(main())
