"""``python -m bot.staff``: see ``bot.staff.cli``."""

import sys

from bot.staff.cli import main

sys.exit(main())
