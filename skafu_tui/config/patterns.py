"""Shapes of values that both the schema and the command line check (no pydantic here)."""

from __future__ import annotations

import re

REGION_PATTERN = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
"""The shape of an AWS region name, e.g. us-east-1, us-gov-west-1, ap-southeast-3."""
