"""``python -m wandb_typed.cli``: the ``wandb-typed`` command."""

import sys

from . import main

sys.exit(main())
