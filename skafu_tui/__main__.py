"""`python -m skafu_tui`: the same as the `skafu-tui` command."""

import sys

from skafu_tui.cli import main

sys.exit(main())
