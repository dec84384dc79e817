"""Settings precedence, the client pool's long-lived clients, timestamps and the rate limiter."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from skafu_tui.aws.ratelimit import RateLimiter
from skafu_tui.aws.session import AwsSettings, ClientPool, utc_timestamp
from skafu_tui.config import Config


def test_settings_from_config_then_cli_overrides(cfg: Config) -> None:
    base = AwsSettings.from_config(cfg)
    assert base.regions == tuple(cfg.aws.regions)
    assert (base.retry_mode, base.max_attempts) == (cfg.aws.retry_mode, cfg.aws.max_attempts)
    assert (base.connect_timeout_s, base.read_timeout_s) == (cfg.aws.connect_timeout_s, cfg.aws.read_timeout_s)
    options = SimpleNamespace(
        profile="ops",
        regions=["eu-west-1", "us-east-1", "eu-west-1"],
        endpoint_url="http://127.0.0.1:5000",
        ca_bundle="/etc/ssl/corp.pem",
    )
    chosen = AwsSettings.from_options(cfg, options)
    assert chosen.profile == "ops"
    assert chosen.regions == ("eu-west-1", "us-east-1") and chosen.primary_region == "eu-west-1"
    assert chosen.endpoint_url == "http://127.0.0.1:5000" and chosen.ca_bundle == "/etc/ssl/corp.pem"
    assert chosen.max_attempts == cfg.aws.max_attempts


async def test_clients_are_long_lived_per_region_and_service() -> None:
    settings = AwsSettings(
        regions=("us-east-1", "eu-west-1"),
        retry_mode="adaptive",
        max_attempts=2,
        connect_timeout_s=1.5,
        read_timeout_s=7,
        credentials=("k", "s"),
    )
    async with ClientPool(settings) as pool:
        together = await asyncio.gather(*(pool.client("guardduty") for _ in range(5)))
        assert all(c is together[0] for c in together)
        other = await pool.client("guardduty", "eu-west-1")
        assert other is not together[0] and other.meta.region_name == "eu-west-1"
        config = together[0].meta.config
        assert config.retries == {"mode": "adaptive", "total_max_attempts": 2}
        assert (config.connect_timeout, config.read_timeout) == (1.5, 7)
    assert pool.meter.total_calls == 0


def test_timestamps_are_utc() -> None:
    assert utc_timestamp(1_700_000_000) == datetime.fromtimestamp(1_700_000_000, UTC)
    assert utc_timestamp("1700000000.5").tzinfo is UTC
    assert utc_timestamp("2026-01-02T03:04:05+01:00") == datetime(2026, 1, 2, 2, 4, 5, tzinfo=UTC)


async def test_rate_limiter_spaces_requests() -> None:
    limiter = RateLimiter(rate=50.0, burst=2.0)
    started = time.monotonic()
    for _ in range(6):
        await limiter.acquire()
    # Two at once (the burst), then one every 20 ms.
    assert time.monotonic() - started >= 4 / 50 * 0.95
