"""Every kind of failure is classified into a source state with words, without raising."""

from __future__ import annotations

import aiohttp
import botocore.exceptions as bx
import pytest
from botocore.exceptions import ClientError

from skafu_tui.aws.errors import SERVICE_KEY, Failure, SourceProblem, classify, iam_action
from skafu_tui.aws.readonly import MutationRefused
from skafu_tui.snapshot import SourceStatus as S


def client_error(code: str, operation: str, service: str, message: str = "msg", status: int = 400) -> ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, SERVICE_KEY: service},
    }
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "service", "operation", "status", "words", "action"),
    [
        (
            "AccessDeniedException",
            "guardduty",
            "ListFindings",
            S.DENIED,
            "access denied (guardduty:ListFindings)",
            "guardduty:ListFindings",
        ),
        (
            "AccessDenied",
            "s3",
            "GetBucketEncryption",
            S.DENIED,
            "access denied (s3:GetEncryptionConfiguration)",
            "s3:GetEncryptionConfiguration",
        ),
        (
            "UnauthorizedOperation",
            "elbv2",
            "DescribeTargetHealth",
            S.DENIED,
            "access denied (elasticloadbalancing:DescribeTargetHealth)",
            "elasticloadbalancing:DescribeTargetHealth",
        ),
        (
            "UnrecognizedClientException",
            "logs",
            "DescribeLogGroups",
            S.DENIED,
            "access denied (logs:DescribeLogGroups)",
            "logs:DescribeLogGroups",
        ),
        ("Throttling", "cloudwatch", "GetMetricData", S.THROTTLED, "throttled by AWS (cloudwatch:GetMetricData)", ""),
        ("ThrottlingException", "cloudtrail", "LookupEvents", S.THROTTLED, "throttled", ""),
        ("LimitExceededException", "ce", "GetCostAndUsage", S.THROTTLED, "throttled by AWS (ce:GetCostAndUsage)", ""),
        ("TooManyRequestsException", "lambda", "ListFunctions", S.THROTTLED, "throttled", ""),
        ("RequestLimitExceeded", "rds", "DescribeDBInstances", S.THROTTLED, "throttled", ""),
        (
            "SubscriptionRequiredException",
            "health",
            "DescribeEvents",
            S.NOT_SUBSCRIBED,
            "AWS Health needs a Business, Enterprise On-Ramp or Enterprise support plan",
            "",
        ),
        ("BadRequestException", "guardduty", "ListFindings", S.NOT_ENABLED, "GuardDuty is not enabled", ""),
        (
            "NoSuchConfigurationRecorderException",
            "config",
            "DescribeComplianceByConfigRule",
            S.NOT_ENABLED,
            "AWS Config is not enabled (no configuration recorder)",
            "",
        ),
        ("ExpiredToken", "sts", "GetCallerIdentity", S.CREDENTIALS_EXPIRED, "AWS credentials expired", ""),
        ("ExpiredTokenException", "guardduty", "ListFindings", S.CREDENTIALS_EXPIRED, "aws sso login", ""),
        ("RequestExpired", "rds", "DescribeDBInstances", S.CREDENTIALS_EXPIRED, "expired", ""),
        ("ValidationException", "ce", "GetAnomalies", S.ERROR, "ValidationException (ce:GetAnomalies): msg", ""),
    ],
)
def test_client_errors(code: str, service: str, operation: str, status: S, words: str, action: str) -> None:
    message = "The detector ID is not valid" if code == "BadRequestException" else "msg"
    failure = classify(client_error(code, operation, service, message))
    assert failure.status is status
    assert words in failure.message
    assert failure.action == action


def test_cost_explorer_not_enabled_is_not_a_denial() -> None:
    exc = client_error("AccessDeniedException", "GetCostAndUsage", "ce", "User not enabled for cost explorer access")
    assert classify(exc) == Failure(S.NOT_ENABLED, "Cost Explorer is not enabled for this account")


def test_server_errors_name_the_call() -> None:
    failure = classify(client_error("InternalFailure", "DescribeAlarms", "cloudwatch", "boom", 500))
    assert failure == Failure(S.ERROR, "CloudWatch failed (cloudwatch:DescribeAlarms): HTTP 500 InternalFailure: boom")


@pytest.mark.parametrize(
    ("exc", "status", "words"),
    [
        (
            bx.TokenRetrievalError(provider="sso", error_msg="expired"),
            S.CREDENTIALS_EXPIRED,
            "SSO token expired: run aws sso login --profile ops",
        ),
        (bx.UnauthorizedSSOTokenError(), S.CREDENTIALS_EXPIRED, "SSO token expired: run aws sso login"),
        (bx.SSOTokenLoadError(error_msg="no cache"), S.CREDENTIALS_EXPIRED, "SSO token expired"),
        (bx.NoCredentialsError(), S.CREDENTIALS_EXPIRED, "no AWS credentials found"),
        (
            bx.EndpointConnectionError(endpoint_url="https://guardduty.us-east-1.amazonaws.com/"),
            S.UNREACHABLE,
            "cannot reach https://guardduty.us-east-1.amazonaws.com/",
        ),
        (bx.ConnectTimeoutError(endpoint_url="https://x/"), S.UNREACHABLE, "timed out: https://x/"),
        (bx.ReadTimeoutError(endpoint_url="https://x/"), S.UNREACHABLE, "timed out"),
        (aiohttp.ServerDisconnectedError(), S.UNREACHABLE, "cannot reach AWS"),
        (TimeoutError(), S.UNREACHABLE, "cannot reach AWS"),
        (ValueError("bad\nsecond line"), S.ERROR, "ValueError: bad"),
        (
            SourceProblem(S.NOT_ENABLED, "GuardDuty is not enabled in eu-west-1 (no detector)"),
            S.NOT_ENABLED,
            "GuardDuty is not enabled in eu-west-1 (no detector)",
        ),
        (MutationRefused("s3", "DeleteBucket"), S.ERROR, "refused s3:DeleteBucket"),
    ],
)
def test_other_failures(exc: BaseException, status: S, words: str) -> None:
    failure = classify(exc, profile="ops" if isinstance(exc, bx.TokenRetrievalError) else "")
    assert failure.status is status
    assert words in failure.message
    assert "\n" not in failure.message


def test_messages_from_aws_are_made_inert() -> None:
    failure = classify(client_error("Weird", "ListFunctions", "lambda", "evil \x1b]0;title\x07 [link=x]y"))
    assert "\x1b" not in failure.message and "\x07" not in failure.message
    assert "␛" in failure.message


def test_iam_actions() -> None:
    assert iam_action("budgets", "DescribeBudgets") == "budgets:ViewBudget"
    assert iam_action("s3", "ListBuckets") == "s3:ListAllMyBuckets"
    assert iam_action("elbv2", "DescribeTargetGroups") == "elasticloadbalancing:DescribeTargetGroups"
    assert iam_action("cloudtrail", "LookupEvents") == "cloudtrail:LookupEvents"
