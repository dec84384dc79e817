"""Turn every failure of a source into a source state with words an operator can act on.

:func:`classify` never raises: whatever went wrong (an AWS error code, a botocore credential
error, a dropped connection, a response that did not fit the model) comes back as a
:class:`Failure` carrying a :class:`~skafu_tui.snapshot.SourceStatus`, a one-line message and,
for access denials, the IAM action to grant.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from skafu_tui.sanitize import inert_line
from skafu_tui.snapshot import SourceStatus

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "AuthorizationError",
        "AuthorizationErrorException",
    }
)
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "LimitExceededException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
    }
)
EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"})
NOT_SUBSCRIBED_CODES = frozenset({"SubscriptionRequiredException", "OptInRequired"})
NOT_ENABLED_CODES = frozenset(
    {
        "NoSuchConfigurationRecorderException",
        "NoAvailableConfigurationRecorderException",
        "NoRunningConfigurationRecorderException",
        "DataUnavailableException",
    }
)

# IAM's action prefix where it differs from botocore's client name.
_IAM_PREFIX = {"elbv2": "elasticloadbalancing", "monitoring": "cloudwatch"}
# Operations whose IAM action is named differently from the API.
_IAM_ACTION = {
    ("s3", "ListBuckets"): "s3:ListAllMyBuckets",
    ("s3", "GetBucketEncryption"): "s3:GetEncryptionConfiguration",
    ("budgets", "DescribeBudgets"): "budgets:ViewBudget",
    ("budgets", "DescribeBudget"): "budgets:ViewBudget",
}
_PRODUCT = {
    "guardduty": "GuardDuty",
    "config": "AWS Config",
    "ce": "Cost Explorer",
    "health": "AWS Health",
    "cloudwatch": "CloudWatch",
    "logs": "CloudWatch Logs",
    "cloudtrail": "CloudTrail",
    "acm": "ACM",
    "elbv2": "Elastic Load Balancing",
    "rds": "RDS",
    "lambda": "Lambda",
    "s3": "S3",
    "cloudfront": "CloudFront",
    "backup": "AWS Backup",
    "budgets": "AWS Budgets",
    "sts": "STS",
}
SERVICE_KEY = "SkafuService"
"""Key the pool's after-call hook adds to an error response's metadata: the client's service."""


@dataclass(frozen=True)
class Failure:
    """What went wrong with one poll, as a source state would show it."""

    status: SourceStatus
    message: str
    action: str = ""
    """The IAM action to grant when ``status`` is ``denied`` (``guardduty:ListFindings``)."""

    @property
    def transient(self) -> bool:
        """A cause that usually clears by itself, so the poller backs off and retries."""
        return self.status in (SourceStatus.THROTTLED, SourceStatus.UNREACHABLE)

    def in_region(self, region: str) -> Failure:
        return Failure(self.status, f"{region}: {self.message}", self.action)


class SourceProblem(Exception):
    """Raised by a source for a condition it detects itself (no detector, budget missing)."""

    def __init__(self, status: SourceStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def iam_action(service: str, operation: str) -> str:
    """The IAM action that authorises ``service``'s ``operation`` (``elbv2`` → ``elasticloadbalancing``)."""
    if not service:
        return operation
    return _IAM_ACTION.get((service, operation)) or f"{_IAM_PREFIX.get(service, service)}:{operation}"


def _line(text: object, limit: int = 200) -> str:
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return inert_line(first, limit)


def classify(exc: BaseException, service: str = "", profile: str = "") -> Failure:
    """The :class:`Failure` ``exc`` amounts to. ``service`` is a hint used when the error lacks one."""
    try:
        return _classify(exc, service, profile)
    except Exception as inner:  # a classifier bug must still end as state, never as a crash
        return Failure(
            SourceStatus.ERROR, _line(f"{type(exc).__name__} ({type(inner).__name__} classifying it)")
        )


def _classify(exc: BaseException, service: str, profile: str) -> Failure:
    if isinstance(exc, SourceProblem):
        return Failure(exc.status, _line(exc.message))
    from skafu_tui.aws.readonly import MutationRefused

    if isinstance(exc, MutationRefused):
        return Failure(SourceStatus.ERROR, _line(exc), f"{exc.service}:{exc.operation}")
    response = getattr(exc, "response", None)
    if isinstance(response, dict) and "Error" in response:
        return _client_error(exc, response, service)
    return _other(exc, profile)


def _client_error(exc: BaseException, response: dict[str, Any], hint: str) -> Failure:
    error = response.get("Error") or {}
    code = str(error.get("Code") or "")
    text = _line(error.get("Message") or "")
    meta = response.get("ResponseMetadata") or {}
    service = str(meta.get(SERVICE_KEY) or hint)
    operation = str(getattr(exc, "operation_name", "") or "")
    action = iam_action(service, operation)
    product = _PRODUCT.get(service, service or "the service")
    status_code = int(meta.get("HTTPStatusCode") or 0)

    if code in EXPIRED_CODES:
        return Failure(
            SourceStatus.CREDENTIALS_EXPIRED,
            f"AWS credentials expired ({code}): refresh them (aws sso login, or a new MFA session)",
        )
    if code in THROTTLED_CODES:
        return Failure(SourceStatus.THROTTLED, f"throttled by AWS ({action}); backing off")
    if code in NOT_SUBSCRIBED_CODES:
        if service == "health":
            words = "AWS Health needs a Business, Enterprise On-Ramp or Enterprise support plan"
        else:
            words = f"{product} is not subscribed for this account"
        return Failure(SourceStatus.NOT_SUBSCRIBED, f"{words} ({code})")
    if code in NOT_ENABLED_CODES:
        what = "no configuration recorder" if service == "config" else code
        return Failure(SourceStatus.NOT_ENABLED, f"{product} is not enabled ({what})")
    if code == "BadRequestException" and "detector" in text.lower():
        return Failure(SourceStatus.NOT_ENABLED, f"GuardDuty is not enabled: {text}")
    if code in DENIED_CODES:
        if service == "ce" and "not enabled for cost explorer" in text.lower():
            return Failure(SourceStatus.NOT_ENABLED, "Cost Explorer is not enabled for this account")
        return Failure(SourceStatus.DENIED, f"access denied ({action})", action)
    detail = f": {text}" if text else ""
    if status_code >= 500:
        return Failure(
            SourceStatus.ERROR, _line(f"{product} failed ({action}): HTTP {status_code} {code}{detail}")
        )
    return Failure(SourceStatus.ERROR, _line(f"{code or 'error'} ({action}){detail}"))


def _other(exc: BaseException, profile: str) -> Failure:
    import botocore.exceptions as bx

    login = f"aws sso login --profile {profile}" if profile else "aws sso login"
    if isinstance(exc, bx.TokenRetrievalError | bx.UnauthorizedSSOTokenError | bx.SSOTokenLoadError):
        return Failure(SourceStatus.CREDENTIALS_EXPIRED, f"SSO token expired: run {login}")
    if isinstance(exc, bx.RefreshWithMFAUnsupportedError):
        return Failure(SourceStatus.CREDENTIALS_EXPIRED, "MFA session ended: start a new one to continue")
    if isinstance(exc, bx.NoCredentialsError):
        return Failure(
            SourceStatus.CREDENTIALS_EXPIRED, "no AWS credentials found (use --profile or aws configure)"
        )
    if isinstance(exc, bx.ProfileNotFound):
        return Failure(SourceStatus.CREDENTIALS_EXPIRED, _line(exc))
    if isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return Failure(
            SourceStatus.UNREACHABLE,
            _line(f"timed out: {getattr(exc, 'kwargs', {}).get('endpoint_url', exc)}"),
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError | bx.HTTPClientError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url", "")
        return Failure(SourceStatus.UNREACHABLE, _line(f"cannot reach {url or 'AWS'}: {type(exc).__name__}"))
    if _is_connection_error(exc):
        return Failure(SourceStatus.UNREACHABLE, _line(f"cannot reach AWS: {type(exc).__name__}: {exc}"))
    if isinstance(exc, bx.ParamValidationError):
        return Failure(SourceStatus.ERROR, _line(f"bad request: {exc}"))
    return Failure(SourceStatus.ERROR, _line(f"{type(exc).__name__}: {exc}"))


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, asyncio.TimeoutError | ConnectionError | TimeoutError):
        return True
    import aiohttp

    return isinstance(exc, aiohttp.ClientConnectionError)
