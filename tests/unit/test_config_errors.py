"""`skafu-tui check-config` on malformed files: exit 2, one `file:line: field: message` line per problem.

Line numbers are found in the text written, never counted by hand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from skafu_tui.cli import main
from skafu_tui.config import ConfigError, parse_config

SERVICE = """\
  - name: {name}
    feature: Feature {name}
    critical: true
    metrics:
      requests: {{namespace: AWS/ApiGateway, metric: Count, dimensions: {{ApiName: {name}}}, stat: Sum}}
      errors: {{namespace: AWS/ApiGateway, metric: 5XXError, dimensions: {{ApiName: {name}}}, stat: Sum}}
      latency: {{namespace: AWS/ApiGateway, metric: Latency, dimensions: {{ApiName: {name}}}, stat: {stat}}}
    alarms: [{name}-5xx]
"""

HEAD = """\
platform:
  name: Mini
aws:
  regions: [us-east-1]
  retry_mode: standard
  max_attempts: 3
kpis:
  error_rate_pct: {target: 1, alert: 2, higher_is_better: false}
  throughput_rps: {target: 1000, alert: 500, higher_is_better: true}
services:
"""

TAIL = """\
incidents:
  rules:
    - {name: down, class: P1, when: {signal: service_unhealthy, critical: true}}
    - {name: breach, class: P0, when: {signal: finding, min_severity: 7.0}}
maintenance_windows:
  - {environment: prod, days: [sunday], start: "02:00", end: "06:00", frequency: monthly, week_of_month: 1}
cadence:
  alarms: 30
"""


def sample(
    stats: tuple[str, str, str] = ("p95", "p95", "p99"), names: tuple[str, str, str] = ("a", "b", "c")
) -> str:
    services = "".join(SERVICE.format(name=name, stat=stat) for name, stat in zip(names, stats, strict=True))
    return HEAD + services + TAIL


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times"
    return hits[occurrence - 1]


def at(text: str, needle: str, occurrence: int = 1) -> str:
    """`config.yaml:LINE` of the line containing `needle`."""
    return f"config.yaml:{line_of(text, needle, occurrence)}"


def check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], content: str | bytes
) -> tuple[int, str, list[str]]:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "config.yaml"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    code = main(["check-config", "config.yaml"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.splitlines()


Run = Callable[[str | bytes], tuple[int, str, list[str]]]
"""Write the content as config.yaml, run `check-config config.yaml`: (exit code, stdout, stderr lines)."""


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return lambda content: check(tmp_path, monkeypatch, capsys, content)


def test_valid_sample_passes_with_a_summary(run: Run) -> None:
    code, out, err = run(sample())
    assert (code, err) == (0, [])
    assert out == "config.yaml: OK — Mini, 3 services, 4 incident classes, 2 rules, 1 maintenance window\n"


def test_bad_statistic_names_file_line_and_field(run: Run) -> None:
    text = sample(stats=("p95", "Sum", "p955"))
    code, out, err = run(text)
    assert code == 2 and out == ""
    assert err == [f"{at(text, 'stat: p955')}: services[2].metrics.latency.stat: 'p955' is not a statistic"]


def test_yaml_syntax_error_is_one_problem_with_line_and_column(run: Run) -> None:
    text = sample().replace("  retry_mode: standard", "  retry_mode: [standard")
    code, _, err = run(text)
    assert code == 2 and len(err) == 1
    assert err[0].startswith(f"{at(text, 'max_attempts')}:")
    assert "invalid YAML" in err[0] and "Traceback" not in err[0]
    assert err[0].split(":")[2].isdigit()  # the column


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "config.yaml: is empty; it needs at least `platform` and `services`"),
        ("# nothing but a comment\n", "config.yaml: is empty; it needs at least `platform` and `services`"),
        ("- a\n- b\n", "config.yaml:1: must be a mapping of settings at the top level, not a list"),
        (
            "just words\n",
            "config.yaml:1: must be a mapping of settings at the top level, not a single value 'just words'",
        ),
        (b"platform: {name: \xff}\n", "config.yaml:1: is not UTF-8 text"),
    ],
    ids=["empty", "comments only", "list root", "scalar root", "not utf-8"],
)
def test_unusable_files_get_one_clear_problem(run: Run, content: str | bytes, expected: str) -> None:
    code, out, err = run(content)
    assert (code, out, err) == (2, "", [expected])


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(tmp_path / "absent.yaml")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'absent.yaml'}: no such file\n"
    assert main(["check-config", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: is a directory, not a config file\n"


def test_unreadable_file(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert run(sample()) == (2, "", ["config.yaml: permission denied"])


def test_misspelt_key_gets_did_you_mean_and_no_missing_key_noise(run: Run) -> None:
    text = sample().replace("      latency:", "      latncy:", 1)
    code, _, err = run(text)
    assert code == 2
    assert err == [f"{at(text, 'latncy')}: services[0].metrics.latncy: unknown key, did you mean 'latency'?"]


def test_unknown_top_level_key_suggests_the_section(run: Run) -> None:
    text = sample().replace("cadence:", "cadense:")
    _, _, err = run(text)
    assert err == [f"{at(text, 'cadense')}: cadense: unknown key, did you mean 'cadence'?"]


def test_wrong_types_and_choices(run: Run) -> None:
    text = (
        sample()
        .replace("max_attempts: 3", "max_attempts: many")
        .replace("retry_mode: standard", "retry_mode: fast")
    )
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'retry_mode')}: aws.retry_mode: 'fast' is not allowed; expected 'standard' or 'adaptive'",
        f"{at(text, 'max_attempts')}: aws.max_attempts: should be a whole number (got 'many')",
    ]


def test_missing_field_points_at_its_mapping(run: Run) -> None:
    text = sample().replace("    feature: Feature b\n", "")
    _, _, err = run(text)
    assert err == [f"{at(text, '- name: b')}: services[1].feature: required key missing"]


def test_duplicate_service_names_both_lines(run: Run) -> None:
    text = sample(names=("a", "b", "a"))
    head, _, rest = text.rpartition("alarms: [a-5xx]")
    text = head + "alarms: [other-5xx]" + rest
    _, _, err = run(text)
    first, second = line_of(text, "- name: a"), line_of(text, "- name: a", occurrence=2)
    assert err == [
        f"config.yaml:{second}: services[2].name: duplicate service name 'a' (first at line {first})"
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "message"),
    [
        (
            "{target: 1000, alert: 500, higher_is_better: true}",
            "{target: 1000, alert: 1500, higher_is_better: true}",
            "throughput_rps",
            "kpis.throughput_rps.alert",
            "1500 is above target 1000; a higher-is-better KPI alerts at or below its target",
        ),
        (
            "{target: 1, alert: 2, higher_is_better: false}",
            "{target: 1, alert: 0.5, higher_is_better: false}",
            "error_rate_pct",
            "kpis.error_rate_pct.alert",
            "0.5 is below target 1; a lower-is-better KPI alerts at or above its target",
        ),
    ],
    ids=["higher is better", "lower is better"],
)
def test_threshold_alert_on_the_wrong_side(
    run: Run, old: str, new: str, needle: str, field: str, message: str
) -> None:
    text = sample().replace(old, new)
    _, _, err = run(text)
    assert err == [f"{at(text, needle)}: {field}: {message}"]


def test_rule_class_must_exist_and_alarm_belongs_to_one_service(run: Run) -> None:
    text = sample().replace("class: P1", "class: P7").replace("alarms: [c-5xx]", "alarms: [a-5xx]")
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'alarms: [a-5xx]', occurrence=2)}: services[2].alarms[0]: alarm 'a-5xx' "
        f"already belongs to service 'a' (first at line {line_of(text, 'alarms: [a-5xx]')})",
        f"{at(text, 'class: P7')}: incidents.rules[0].class: 'P7' is not an incident class "
        "(classes: P0, P1, P2, P3)",
    ]


def test_rule_filters_must_fit_the_signal_and_name_real_services(run: Run) -> None:
    text = sample().replace(
        "{signal: service_unhealthy, critical: true}", "{signal: service_unhealthy, service: bb}"
    )
    text = text.replace("{signal: finding, min_severity: 7.0}", "{signal: backup_failed, min_severity: 7.0}")
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'backup_failed')}: incidents.rules[1].when.min_severity: only applies to "
        "signal 'finding', not 'backup_failed'",
    ]
    text = text.replace("{signal: backup_failed, min_severity: 7.0}", "{signal: sevice_degraded}")
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'sevice_degraded')}: incidents.rules[1].when.signal: 'sevice_degraded' is not "
        "allowed; expected " + err[0].split("expected ", 1)[1],
    ]
    assert "'service_degraded'" in err[0]
    text = text.replace("{signal: sevice_degraded}", "{signal: service_degraded}")
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'service: bb')}: incidents.rules[0].when.service: 'bb' is not a configured "
        "service; did you mean 'b'?"
    ]


def test_duplicate_yaml_key_is_reported(run: Run) -> None:
    text = sample().replace("cadence:\n  alarms: 30\n", "cadence:\n  alarms: 30\n  alarms: 45\n")
    _, _, err = run(text)
    assert err == [
        f"{at(text, 'alarms: 45')}: cadence.alarms: duplicate key "
        f"(first at line {line_of(text, 'alarms: 30')})"
    ]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            'start: "02:00"',
            "start: 12:30",
            "start",
            '750 is a number; write the time in quotes, e.g. "12:30"',
        ),
        ('end: "06:00"', 'end: "25:00"', "end", "'25:00' is not a time of day \"HH:MM\" (00:00 to 23:59)"),
        (", week_of_month: 1", "", "week_of_month", "a monthly window needs week_of_month (1-5)"),
        ("days: [sunday]", "days: [daily, monday]", "days", "'daily' cannot be combined with weekday names"),
        ("days: [sunday]", "days: [sundae]", "days[0]", "'sundae' is not allowed; expected "),
        (
            'days: [sunday], start: "02:00", end: "06:00", frequency: monthly, week_of_month: 1',
            "continuous: true, days: [sunday]",
            "days",
            "a continuous window has no days, times or week",
        ),
    ],
    ids=["unquoted time", "hour 25", "monthly without week", "daily and a weekday", "bad day", "continuous"],
)
def test_maintenance_window_problems(run: Run, old: str, new: str, field: str, message: str) -> None:
    text = sample().replace(old, new)
    _, _, err = run(text)
    assert len(err) == 1
    assert err[0].startswith(f"{at(text, 'environment: prod')}: maintenance_windows[0].{field}: {message}")


def test_every_problem_is_reported_at_once_in_line_order(run: Run) -> None:
    text = sample(stats=("p955", "Sum", "tm999")).replace("max_attempts: 3", "max_attempts: 0")
    _, _, err = run(text)
    lines = [int(line.split(":")[1]) for line in err]
    assert len(err) == 3 and lines == sorted(lines)


def test_bad_mapping_keys_and_empty_lists(run: Run) -> None:
    text = sample().replace(
        "incidents:\n",
        "incidents:\n  classes:\n    Q1: {description: d, response_minutes: 5, escalation_minutes: 9}\n",
    )
    _, _, err = run(text)
    assert err[0] == f"{at(text, 'Q1:')}: incidents.classes.Q1: key 'Q1' is not an incident class name " + (
        "(P0, the most severe, to P9)"
    )
    text = HEAD.replace("services:\n", "services: []\n")
    _, _, err = run(text)
    assert err == [f"{at(text, 'services: []')}: services: needs at least 1 item (got 0)"]


def test_no_mutation_of_the_shipped_config_escapes_as_a_traceback() -> None:
    """Seeded random edits (cuts, stray YAML tokens, swapped lines): valid, or located one-line problems."""
    text = (Path(__file__).resolve().parents[2] / "config.yaml").read_text(encoding="utf-8")
    tokens = [
        ": ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\n",
        "  ",
        "'",
        '"',
        "&a ",
        "*a",
        "!!python/object:os.system",
        "null",
        "-1",
        "1e400",
        ".nan",
        "p9999",
        "12:30",
        "\t",
        "\x00",
        "? ",
        "<<: *a",
        "~",
    ]
    rng = random.Random(20261130)
    outcomes = {"valid": 0, "problems": 0}
    for _ in range(200):
        mutated = text
        for _ in range(rng.randint(1, 3)):
            cut = rng.randrange(len(mutated))
            if rng.random() < 0.5:
                mutated = mutated[:cut] + mutated[cut + rng.randint(1, 30) :]
            else:
                mutated = mutated[:cut] + rng.choice(tokens) + mutated[cut:]
        try:
            parse_config(mutated, "config.yaml")
            outcomes["valid"] += 1
        except ConfigError as error:
            outcomes["problems"] += 1
            for problem in error.problems:
                assert str(problem).startswith("config.yaml") and "\n" not in str(problem)
    assert outcomes["problems"] > 100
