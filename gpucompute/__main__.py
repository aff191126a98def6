"""``python -m gpucompute`` runs the command-line interface."""

import sys

from gpucompute.cli import main

sys.exit(main())
