"""Where the ledger lives, and ``skafu-tui incidents export ID [--output FILE]``.

The ledger is ``<state dir>/ledger.sqlite3``; the state dir is ``--state-dir`` if given, else the
user state dir (``platformdirs.user_state_path("skafu-tui")``). The dashboard in ``--demo`` mode
uses a fresh temporary dir instead, so demo incidents never mix with real ones.

Exit codes of ``incidents export``: 0 written; 2 no such incident, no ledger, a bad id or a bad
config; 1 the ledger or the output could not be used.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skafu_tui.options import Options

PROG = "skafu-tui incidents export"
LEDGER_FILE = "ledger.sqlite3"
EXIT_OK, EXIT_FAILED, EXIT_NOT_FOUND = 0, 1, 2

_ID = re.compile(r"^(?:#|inc-?)?(\d{1,18})$", re.IGNORECASE)


def user_state_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_state_path("skafu-tui"))


def ledger_path(state_dir: Path | None) -> Path:
    """The ledger file in `state_dir` (``None``: the user state dir)."""
    return (state_dir if state_dir is not None else user_state_dir()).expanduser() / LEDGER_FILE


def parse_incident_id(text: str) -> int | None:
    """``7``, ``#7`` or ``INC-7`` → 7; anything else → ``None``."""
    found = _ID.match(text.strip())
    return int(found.group(1)) if found else None


def _say(message: str) -> None:
    from skafu_tui.sanitize import inert_line

    print(f"{PROG}: {inert_line(message, 2000)}", file=sys.stderr)


def export_incident(options: Options, *, now: datetime | None = None) -> int:
    """Write incident ``options.incident_id``'s review Markdown to stdout or ``options.output``."""
    from skafu_tui.config import ConfigError, load_config
    from skafu_tui.incidents import export_review
    from skafu_tui.ledger import Ledger, LedgerError
    from skafu_tui.output import emit

    incident_id = parse_incident_id(options.incident_id or "")
    if incident_id is None:
        _say(f"{options.incident_id!r} is not an incident id (a number such as 7, #7 or INC-7)")
        return EXIT_NOT_FOUND
    try:
        cfg = load_config(options.config_path).config
    except ConfigError as error:
        for problem in error.problems:
            _say(str(problem))
        return EXIT_NOT_FOUND
    path = ledger_path(options.state_dir)
    if not path.exists():
        # Opening would create an empty ledger: say where we looked instead.
        _say(f"there is no ledger at {path} (no incident has been recorded there; use --state-dir DIR)")
        return EXIT_NOT_FOUND
    try:
        with Ledger.open(path, actor=cfg.platform.operator) as ledger:
            if ledger.problem is not None:
                _say(ledger.problem.message)
            text = export_review(ledger, incident_id, cfg.incidents, now=now or datetime.now(UTC))
    except LookupError:
        _say(f"there is no incident #{incident_id} in the ledger {path}")
        return EXIT_NOT_FOUND
    except LedgerError as error:
        _say(str(error))
        return EXIT_FAILED
    if not emit(text, options.output, _say):
        return EXIT_FAILED
    return EXIT_OK


def handover(options: Options) -> int:
    """``skafu-tui handover``: see :func:`skafu_tui.handover.run_handover` (owned by the changes work)."""
    from skafu_tui.handover import run_handover

    return run_handover(options)
