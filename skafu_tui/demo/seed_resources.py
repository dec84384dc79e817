"""Seeding of the skafu platform's resources, in groups that can run side by side.

Each group takes the shared :class:`~skafu_tui.demo.seeder.Clients` and the scenario; groups that
learn identifiers moto picks (instance ids, the detector id) record them on ``Seeded``.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from skafu_tui.demo import scenario_ops as ops
from skafu_tui.demo.scenario_findings import finding_record, finding_specs
from skafu_tui.demo.scenario_inventory import (
    BACKUP_PLAN,
    BUCKETS,
    CLOUDFRONT_COMMENT,
    CONFIG_RULES,
    DB_INSTANCES,
    LAMBDA_ROLE,
    LOG_GROUPS,
    TARGETS_PER_GROUP,
    TRAIL_BUCKET,
    TRAIL_NAME,
    UNHEALTHY_DESCRIPTION,
    UNHEALTHY_REASON,
    UNHEALTHY_TARGET,
    WEB_ASSETS_BUCKET,
    evaluation_time,
    evaluations,
)
from skafu_tui.demo.scenario_model import (
    ACCOUNT_ID,
    ALB_NAME,
    BUDGET_NAME,
    BUDGET_USD,
    ECS_CLUSTER,
    REGION,
    Scenario,
    month_start,
    next_month_start,
)
from skafu_tui.demo.scenario_security import SG_NAME, seeded_trail_events

if TYPE_CHECKING:
    from skafu_tui.demo.seeder import Clients, Seeded

INSTANCE_IMAGE = "ami-03cf127a"
"""An AMI from moto's built-in catalogue (run_instances wants a known image)."""


def seed_network(clients: Clients, sc: Scenario, out: Seeded) -> None:
    """VPC pieces, the security-group change, EC2 targets, the ALB and its target groups."""
    ec2, elb = clients("ec2"), clients("elbv2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    by_az = {s["AvailabilityZone"]: s["SubnetId"] for s in subnets}
    subnet_ids = [by_az[az] for az in sorted(by_az)][:2]
    sg = ec2.create_security_group(GroupName=SG_NAME, Description="skafu prod database", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "temp debug access"}],
            }
        ],
    )
    out.ids.update(vpc_id=vpc, security_group_id=sg)
    clients.post("cloudtrail-events", [e.record() for e in seeded_trail_events(sc, out.ids)])
    total = sum(TARGETS_PER_GROUP.values())
    reservation = ec2.run_instances(
        ImageId=INSTANCE_IMAGE,
        MinCount=total,
        MaxCount=total,
        InstanceType="m6i.large",
        SubnetId=subnet_ids[0],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Cluster", "Value": ECS_CLUSTER}]}],
    )
    instance_ids = [i["InstanceId"] for i in reservation["Instances"]]
    lb = elb.create_load_balancer(Name=ALB_NAME, Subnets=subnet_ids, Scheme="internet-facing", Type="application")
    out.ids["alb_arn"] = lb["LoadBalancers"][0]["LoadBalancerArn"]
    health: list[dict[str, Any]] = []
    k = 0
    for group, n in TARGETS_PER_GROUP.items():
        tg = elb.create_target_group(
            Name=group,
            Protocol="HTTP",
            Port=8080,
            VpcId=vpc,
            TargetType="instance",
            HealthCheckPath="/health",
        )["TargetGroups"][0]["TargetGroupArn"]
        out.ids[f"tg:{group}"] = tg
        ids = instance_ids[k : k + n]
        k += n
        out.targets[group] = ids
        elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": i, "Port": 8080} for i in ids])
        if group == UNHEALTHY_TARGET[0]:
            health.append(
                {
                    "TargetGroupArn": tg,
                    "Id": ids[UNHEALTHY_TARGET[1]],
                    "State": "unhealthy",
                    "Reason": UNHEALTHY_REASON,
                    "Description": UNHEALTHY_DESCRIPTION,
                }
            )
    elb.create_listener(
        LoadBalancerArn=out.ids["alb_arn"],
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": out.ids["tg:skafu-web-tg"]}],
    )
    clients.post("target-health", health)


def _zip(handler: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("app.py", f"def {handler}(event, context):\n    return {{'statusCode': 200}}\n")
    return buf.getvalue()


def seed_platform(clients: Clients, sc: Scenario, out: Seeded) -> None:
    """Lambda functions behind API Gateway APIs, log groups, S3, the trail, CloudFront, ECS."""
    iam, lam, apigw, logs, s3 = (clients(s) for s in ("iam", "lambda", "apigateway", "logs", "s3"))
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
        ],
    }
    role = iam.create_role(RoleName=LAMBDA_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    code = _zip("handler")
    for svc in sc.services:
        lam.create_function(
            FunctionName=svc.function_name,
            Runtime="python3.12",
            Role=role,
            Handler="app.handler",
            Code={"ZipFile": code},
            MemorySize=1024,
            Timeout=30,
            Publish=True,
            Description=f"{svc.name} (Skafu)",
            Tags={"service": svc.name},
        )
        apigw.create_rest_api(name=svc.api_name, description=f"Skafu {svc.name}", tags={"service": svc.name})
    for group in LOG_GROUPS:
        logs.create_log_group(logGroupName=group.name)
        logs.put_retention_policy(logGroupName=group.name, retentionInDays=group.retention_days)
    for bucket in BUCKETS:
        s3.create_bucket(Bucket=bucket.name)
        if bucket.encryption is not None:
            rule: dict[str, Any] = {"SSEAlgorithm": bucket.encryption}
            if bucket.encryption == "aws:kms":
                rule["KMSMasterKeyID"] = f"arn:aws:kms:{REGION}:{ACCOUNT_ID}:alias/skafu-artifacts"
            s3.put_bucket_encryption(
                Bucket=bucket.name,
                ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": rule}]},
            )
    trail = clients("cloudtrail")
    trail.create_trail(
        Name=TRAIL_NAME,
        S3BucketName=TRAIL_BUCKET,
        IsMultiRegionTrail=True,
        EnableLogFileValidation=True,
        IncludeGlobalServiceEvents=True,
    )
    trail.start_logging(Name=TRAIL_NAME)
    origin = f"{WEB_ASSETS_BUCKET}.s3.amazonaws.com"
    clients("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": f"skafu-{sc.seed}",
            "Comment": CLOUDFRONT_COMMENT,
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [{"Id": "web-assets", "DomainName": origin, "S3OriginConfig": {"OriginAccessIdentity": ""}}],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "web-assets",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
            },
        }
    )
    clients("ecs").create_cluster(clusterName=ECS_CLUSTER)
    del out


def seed_data(clients: Clients, sc: Scenario) -> None:
    """RDS instances and the Config rules with their evaluations."""
    rds = clients("rds")
    for db in DB_INSTANCES:
        rds.create_db_instance(
            DBInstanceIdentifier=db.id,
            DBInstanceClass=db.instance_class,
            Engine=db.engine,
            AllocatedStorage=db.allocated_gb,
            MasterUsername="skafu",
            MasterUserPassword="not-a-real-secret-1",
            StorageEncrypted=db.encrypted,
            BackupRetentionPeriod=db.backup_retention_days,
            Tags=[{"Key": "platform", "Value": "skafu"}],
        )
    config = clients("config")
    for rule in CONFIG_RULES:
        body: dict[str, Any] = {
            "ConfigRuleName": rule.name,
            "Source": {"Owner": "AWS", "SourceIdentifier": rule.identifier},
        }
        if rule.resource_type != "AWS::::Account":
            body["Scope"] = {"ComplianceResourceTypes": [rule.resource_type]}
        else:
            body["MaximumExecutionFrequency"] = "TwentyFour_Hours"
        if rule.params:
            body["InputParameters"] = json.dumps(dict(rule.params))
        if rule.identifier == "CW_LOGGROUP_RETENTION_PERIOD_CHECK":
            body["MaximumExecutionFrequency"] = "TwentyFour_Hours"
        config.put_config_rule(ConfigRule=body)
    when = sc.start - evaluation_time(sc)
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for e in evaluations(sc):
        item: dict[str, Any] = {
            "ComplianceResourceType": e.resource_type,
            "ComplianceResourceId": e.resource_id,
            "ComplianceType": e.compliance,
            "OrderingTimestamp": when,
        }
        if e.annotation:
            item["Annotation"] = e.annotation
        by_rule.setdefault(e.rule, []).append(item)
    for rule_name, items in by_rule.items():
        config.put_evaluations(Evaluations=items, ResultToken=rule_name)


def self_signed(domains: list[tuple[str, datetime, datetime]]) -> list[tuple[bytes, bytes]]:
    """(certificate PEM, private key PEM) per (domain, not before, not after); one RSA-2048 key for all."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    out = []
    for n, (domain, not_before, not_after) in enumerate(domains):
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, domain),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Skafu"),
            ]
        )
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(1000 + n)
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
            .sign(key, hashes.SHA256())
        )
        out.append((cert.public_bytes(serialization.Encoding.PEM), key_pem))
    return out


def seed_security(clients: Clients, sc: Scenario, out: Seeded) -> None:
    """GuardDuty detector and findings; ACM certificates (one expiring in 9 days)."""
    gd = clients("guardduty")
    detector = gd.create_detector(Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES")["DetectorId"]
    out.ids["detector_id"] = detector
    clients.post("guardduty-findings", [finding_record(sc, f, detector) for f in finding_specs(sc)])
    acm = clients("acm")
    certs = self_signed([(c.domain, c.not_before, c.not_after) for c in sc.certificates])
    for c, (pem, key) in zip(sc.certificates, certs, strict=True):
        arn = acm.import_certificate(Certificate=pem, PrivateKey=key, Tags=[{"Key": "platform", "Value": "skafu"}])[
            "CertificateArn"
        ]
        out.certificates[c.domain] = arn


def seed_ops(clients: Clients, sc: Scenario, out: Seeded) -> None:
    """Budget, backup plan and jobs, Health events, and Cost Explorer's data."""
    today = sc.start.date()
    clients("budgets").create_budget(
        AccountId=ACCOUNT_ID,
        Budget={
            "BudgetName": BUDGET_NAME,
            "BudgetLimit": {"Amount": f"{BUDGET_USD:.2f}", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
            "TimePeriod": {
                "Start": datetime.combine(month_start(today), datetime.min.time(), UTC),
                "End": datetime(2087, 6, 15, tzinfo=UTC),
            },
            "CalculatedSpend": {
                "ActualSpend": {"Amount": f"{ops.month_to_date_usd(sc):.2f}", "Unit": "USD"},
                "ForecastedSpend": {"Amount": f"{ops.month_forecast_usd(sc):.2f}", "Unit": "USD"},
            },
        },
    )
    backup = clients("backup")
    backup.create_backup_vault(BackupVaultName=ops.BACKUP_VAULT)
    backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": BACKUP_PLAN,
            "Rules": [
                {
                    "RuleName": "every-4-hours",
                    "TargetBackupVaultName": ops.BACKUP_VAULT,
                    "ScheduleExpression": "cron(0 0/4 * * ? *)",
                    "Lifecycle": {"DeleteAfterDays": 30},
                }
            ],
        }
    )
    clients.post("backup-jobs", [j.record() for j in ops.seeded_backup_jobs(sc)])
    clients.post("health-events", ops.health_events(sc))
    clients.post("cost-daily", ops.cost_daily(sc))
    forecast_end = next_month_start(today)
    clients.post(
        "cost-forecast",
        [
            {
                "start": (today + timedelta(days=k)).isoformat(),
                "end": (today + timedelta(days=k + 1)).isoformat(),
                "amount": ops.forecast_daily_usd(sc),
                "lower": round(ops.forecast_daily_usd(sc) * 0.85, 2),
                "upper": round(ops.forecast_daily_usd(sc) * 1.15, 2),
                "unit": "USD",
            }
            for k in range((forecast_end - today).days)
        ],
    )
    anomalies = ops.anomalies(sc)
    monitor = str(anomalies[0]["MonitorArn"])
    clients.post(
        "cost-anomaly-monitors",
        [
            {
                "MonitorArn": monitor,
                "MonitorName": "skafu-services",
                "MonitorType": "DIMENSIONAL",
                "MonitorDimension": "SERVICE",
                "CreationDate": (today - timedelta(days=200)).isoformat(),
            }
        ],
    )
    clients.post("cost-anomalies", anomalies)
    del out
