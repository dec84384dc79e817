"""The `skafu-tui` command: parse the command line into `Options` and run the chosen command.

Commands other than check-config live in modules imported only when they run, so `--help`,
`--version` and `check-config` start fast and work without the UI or the demo extra. Nothing here
imports the config schema (pydantic) at import time: the dashboard validates its config after
its first paint (see :mod:`skafu_tui.launch`), every other command before it starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from skafu_tui.config.patterns import REGION_PATTERN
from skafu_tui.options import Command, Options, parse_duration

if TYPE_CHECKING:
    from skafu_tui.config import LoadedConfig

PROG = "skafu-tui"

# (module, function) of each command implemented elsewhere; each takes Options and returns an exit code.
APP_ENTRY = ("skafu_tui.launch", "run_dashboard")
REPORT_ENTRY = ("skafu_tui.report_cli", "run_report")
EXPORT_ENTRY = ("skafu_tui.ledger_cli", "export_incident")
HANDOVER_ENTRY = ("skafu_tui.ledger_cli", "handover")
DEMO_SERVER_ENTRY = ("skafu_tui.demo.server", "run_server")
#: Import names of the `demo` extra's packages.
DEMO_PACKAGES = ("moto", "werkzeug", "flask")

EXIT_OK = 0
EXIT_UNAVAILABLE = 1
EXIT_BAD_CONFIG = 2


def _region(text: str) -> str:
    if not REGION_PATTERN.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a region name like 'us-east-1'")
    return text


def _url(text: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise argparse.ArgumentTypeError(f"{text!r} is not an http(s) URL")
    return text


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535)")
    return value


def _duration(text: str) -> Any:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _VersionAction(argparse.Action):
    """`--version`: the distribution's version, looked up only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from skafu_tui import __version__

        parser._print_message(f"{PROG} {__version__}\n", sys.stdout)
        parser.exit()


def _add_global_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    parser.add_argument("--config", metavar="PATH", type=Path, dest="config_path",
                        help="config file (default: $SKAFU_TUI_CONFIG, then the user config dir, "
                             "then the packaged default)")
    parser.add_argument("--profile", metavar="NAME", help="AWS named profile")
    parser.add_argument("--region", metavar="REGION", type=_region, action="append", dest="regions",
                        help="AWS region to read (repeatable; default: the config's aws.regions)")
    parser.add_argument("--endpoint-url", metavar="URL", type=_url,
                        help="send every AWS call to this endpoint (an emulator or proxy)")
    parser.add_argument("--demo", action="store_true",
                        help="start the embedded demo AWS and point everything at it")
    parser.add_argument("--speed", metavar="N", type=_speed, default=1.0,
                        help="demo scenario speed, 2 = twice real time (default: 1)")
    parser.add_argument("--state-dir", metavar="DIR", type=Path,
                        help="where the ledger (acks, notes, history) lives (default: the user state dir)")


def _add_subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Add every subcommand; returns the leaf parsers, whose usage lines the main help lists."""
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    check = commands.add_parser("check-config", help="validate a config file and summarise it")
    check.add_argument("check_path", metavar="PATH", nargs="?", type=Path,
                       help="file to check (default: --config or the search order)")

    server = commands.add_parser("demo-server", help="serve the embedded demo AWS (needs skafu-tui[demo])")
    server.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    server.add_argument("--port", type=_port, default=0, help="port to listen on; 0 picks a free one")
    server.add_argument("--scenario", choices=("skafu", "empty"), default="skafu",
                        help="scenario to seed (default: skafu)")
    # SUPPRESS keeps a global `--speed` given before the subcommand.
    server.add_argument("--speed", metavar="N", type=_speed, default=argparse.SUPPRESS,
                        help="scenario speed (default: 1)")
    server.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")

    report = commands.add_parser("report", help="poll once and print the daily monitoring report")
    report.add_argument("--format", dest="output_format", choices=("json", "markdown"), default="json",
                        help="output format (default: json)")
    report.add_argument("--output", metavar="FILE", type=Path, help="write to FILE instead of stdout")
    report.add_argument("--fail-on", choices=("degraded", "unhealthy"),
                        help="exit 3 when the overall status is this bad or worse")

    incidents = commands.add_parser("incidents", help="incident history (see: incidents export)")
    incident_commands = incidents.add_subparsers(dest="incidents_command", metavar="ACTION", required=True)
    export = incident_commands.add_parser("export", help="export one incident with its timeline and notes")
    export.add_argument("incident_id", metavar="ID", help="incident id")
    export.add_argument("--output", metavar="FILE", type=Path, help="write to FILE instead of stdout")

    handover = commands.add_parser("handover", help="shift handover: incidents, changes and notes")
    handover.add_argument("--since", type=_duration, default=parse_duration("8h"), metavar="DURATION",
                          help="how far back to look, e.g. 8h, 90m, 1d (default: 8h)")
    handover.add_argument("--format", dest="output_format", choices=("markdown", "json"), default="markdown",
                          help="output format (default: markdown)")
    handover.add_argument("--output", metavar="FILE", type=Path, help="write to FILE instead of stdout")
    return [check, server, report, export, handover]


class _Parser(argparse.ArgumentParser):
    """The main parser: its help ends with every subcommand's usage line, formatted only when
    help is printed (formatting them costs the dashboard's start ~10 ms otherwise)."""

    leaves: list[argparse.ArgumentParser]

    def format_help(self) -> str:
        if self.epilog is None:
            usages = [leaf.format_usage().removeprefix("usage: ").replace(" [-h]", "") for leaf in self.leaves]
            self.epilog = "command usage:\n" + "\n".join(f"  {' '.join(usage.split())}" for usage in usages)
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; its help lists every subcommand and every flag."""
    parser = _Parser(
        prog=PROG,
        description="Terminal operations dashboard for the Skafu platform on AWS (read-only).\n"
                    "Without a command it opens the dashboard.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global_flags(parser)
    parser.leaves = _add_subcommands(parser)
    return parser


def parse_options(argv: Sequence[str] | None = None) -> Options:
    """Parse the command line; argparse exits (status 2) on a usage error."""
    parser = build_parser()
    namespace = parser.parse_args(argv)
    if namespace.demo and namespace.endpoint_url:
        parser.error("--demo and --endpoint-url cannot be combined: --demo runs its own endpoint")
    values = {key: value for key, value in vars(namespace).items() if key != "incidents_command"}
    command = values.pop("command") or "app"
    if command == "incidents":
        command = f"incidents-{namespace.incidents_command}"
    values["regions"] = tuple(values.get("regions") or ())
    return Options(command=cast(Command, command), **values)


def _one_line(text: str) -> str:
    """Control characters from a file's text must not reach the terminal raw."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _error(message: str) -> None:
    print(f"{PROG}: {_one_line(message)}", file=sys.stderr)


def _load(options: Options, path: Path | None) -> LoadedConfig | None:
    from skafu_tui.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as error:
        for problem in error.problems:
            print(_one_line(str(problem)), file=sys.stderr)
        return None


def _count(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def check_config(options: Options) -> int:
    """`check-config [PATH]`: one summary line and exit 0, or one line per problem and exit 2."""
    from skafu_tui.config.locate import ConfigOrigin

    loaded = _load(options, options.check_path or options.config_path)
    if loaded is None:
        return EXIT_BAD_CONFIG
    config = loaded.config
    where = str(loaded.path)
    if loaded.origin not in (ConfigOrigin.EXPLICIT, ConfigOrigin.ENVIRONMENT):
        where += f" ({loaded.origin.value})"
    summary = ", ".join(
        [
            config.platform.name,
            _count(len(config.services), "service"),
            _count(len(config.incidents.classes), "incident class", "incident classes"),
            _count(len(config.incidents.rules), "rule"),
            _count(len(config.maintenance_windows), "maintenance window"),
        ]
    )
    print(_one_line(f"{where}: OK — {summary}"))
    return EXIT_OK


def _entry(module: str, function: str) -> Callable[[Options], int] | str:
    """The command's function, or why it cannot run."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        missing = getattr(error, "name", None)
        if missing is not None and (module == missing or module.startswith(missing + ".")):
            return f"{module} is not available yet in this build"
        return f"{module} cannot be imported: {error}"
    found = getattr(loaded, function, None)
    if not callable(found):
        return f"{module}.{function} is not available yet in this build"
    return cast(Callable[[Options], int], found)


def _missing_demo_packages() -> list[str]:
    import importlib.util

    return [name for name in DEMO_PACKAGES if importlib.util.find_spec(name) is None]


def _demo_ready() -> bool:
    missing = _missing_demo_packages()
    if missing:
        _error(f"the demo needs {', '.join(missing)}: install skafu-tui[demo] "
               "(pip install 'skafu-tui[demo]')")
    return not missing


def _run_entry(entry: tuple[str, str], options: Options) -> int:
    function = _entry(*entry)
    if isinstance(function, str):
        _error(function)
        return EXIT_UNAVAILABLE
    return function(options)


def _run_demo_server(options: Options) -> int:
    if not _demo_ready():
        return EXIT_UNAVAILABLE
    function = _entry(*DEMO_SERVER_ENTRY)
    if isinstance(function, str):
        _error(function)
        return EXIT_UNAVAILABLE
    # run_server takes plain arguments: the demo process must not depend on Options.
    serve = cast(Callable[..., int], function)
    return serve(options.host, options.port, options.scenario, options.speed, options.allow_remote)


def run(options: Options) -> int:
    """Run the command `options` names; returns the exit code."""
    if options.command == "check-config":
        return check_config(options)
    if options.command == "demo-server":
        return _run_demo_server(options)
    if options.command in ("incidents-export", "handover"):
        return _run_entry(EXPORT_ENTRY if options.command == "incidents-export" else HANDOVER_ENTRY, options)
    if options.command == "report":
        # The report needs a valid config: say what is wrong before anything starts.
        if _load(options, options.config_path) is None:
            return EXIT_BAD_CONFIG
        return _run_entry(REPORT_ENTRY, options)
    if options.demo and not _demo_ready():
        return EXIT_UNAVAILABLE
    return _dashboard(options)


def _dashboard(options: Options) -> int:
    """The dashboard validates its config after its first paint (the schema costs ~0.2 s to
    import); a file that cannot even be read is refused here, before anything starts."""
    from skafu_tui.config.locate import peek_config

    if peek_config(options.config_path) is None and _load(options, options.config_path) is None:
        return EXIT_BAD_CONFIG
    return _run_entry(APP_ENTRY, options)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `skafu-tui` and `python -m skafu_tui`; returns the exit status."""
    try:
        options = parse_options(argv)
    except SystemExit as exit_request:  # --help, --version and usage errors
        code = exit_request.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_UNAVAILABLE)
    try:
        return run(options)
    except KeyboardInterrupt:
        return 130
