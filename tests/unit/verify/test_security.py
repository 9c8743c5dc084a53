"""verify's security group against a real ALB, bucket and VPC in moto: the response headers,
deletion protection, request logs to a private bucket, and the VPC's flow logs."""

from __future__ import annotations

import json

import pytest

from jitsi_ecs.config import Config
from jitsi_ecs.errors import AwsError
from jitsi_ecs.verify import security
from tests.unit.deployed import CONFIG, NAME, REGION, Deployed, assume_policy, by_id, ecs, failed
from tests.unit.deployed import edge as build

BUCKET = "jitsi-logs-123456789012-us-west-2"
LOGGED = Config.model_validate(
    {**CONFIG.model_dump(), "alb": {"access_logs": True}, "network": {"flow_logs": True}}
)
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TlsOnly",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Sid": "AlbAccessLogsNewRegions",
            "Effect": "Allow",
            "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/alb/AWSLogs/123456789012/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
        },
    ],
}


@pytest.fixture
def d(deployed: Deployed) -> Deployed:
    return ecs(build(deployed))


def _checks(d: Deployed, config: Config | None = None, **outputs: object) -> dict:
    return by_id(security.checks(d.context(config, **outputs)))


def _log_everything(d: Deployed) -> None:
    """What the log_bucket module and `alb.access_logs` / `network.flow_logs` build."""
    s3 = d.aws.s3
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_public_access_block(
        Bucket=BUCKET,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(TLS_ONLY))
    d.aws.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=d.outputs["alb_arn"],
        Attributes=[
            {"Key": "access_logs.s3.enabled", "Value": "true"},
            {"Key": "access_logs.s3.bucket", "Value": BUCKET},
            {"Key": "access_logs.s3.prefix", "Value": "alb"},
        ],
    )
    d.aws.ec2.create_flow_logs(
        ResourceIds=[d.ids["vpc"]],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{BUCKET}/vpc/",
    )
    d.outputs["log_bucket_name"] = BUCKET


def test_the_default_edge_passes(d: Deployed) -> None:
    checks = _checks(d)
    assert {i for i in checks if not i.startswith(("security.egress.", "security.trust."))} == {
        "security.hsts",
        "security.response-headers",
        "security.alb-deletion-protection",
        "security.alb-access-logs",
        "security.flow-logs",
    }
    assert failed(checks) == set()
    assert checks["security.hsts"].observed == "max-age=31536000; includeSubDomains"


def test_a_listener_without_hsts_or_with_the_server_header_fails(d: Deployed) -> None:
    elb = d.aws.elbv2
    elb.modify_listener_attributes(
        ListenerArn=d.outputs["https_listener_arn"],
        Attributes=[{"Key": security.HSTS, "Value": ""}],
    )
    elb.modify_listener_attributes(
        ListenerArn=d.outputs["http_listener_arn"],
        Attributes=[{"Key": security.SERVER, "Value": "true"}],
    )
    checks = _checks(d)
    assert failed(checks) == {"security.hsts", "security.response-headers"}
    assert checks["security.response-headers"].observed["http_server_header"] == "true"


def test_hsts_zero_expects_browsers_told_to_forget(d: Deployed) -> None:
    zero = Config.model_validate({**CONFIG.model_dump(), "alb": {"hsts_max_age": 0}})
    checks = _checks(d, zero)
    assert failed(checks) == {"security.hsts"}
    assert checks["security.hsts"].expected == "max-age=0"


def test_deletion_protection_drift_fails_both_ways(d: Deployed) -> None:
    protected = Config.model_validate({**CONFIG.model_dump(), "alb": {"deletion_protection": True}})
    checks = _checks(d, protected)
    assert failed(checks) == {"security.alb-deletion-protection"}
    d.aws.elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=d.outputs["alb_arn"],
        Attributes=[{"Key": "deletion_protection.enabled", "Value": "true"}],
    )
    assert failed(_checks(d, protected)) == set()
    assert failed(_checks(d)) == {"security.alb-deletion-protection"}


def test_request_and_flow_logs_to_a_private_bucket_pass(d: Deployed) -> None:
    _log_everything(d)
    checks = _checks(d, LOGGED)
    assert failed(checks) == set()
    assert checks["security.log-bucket"].observed == {
        "public_access_blocked": True,
        "tls_only": True,
        "writers_scoped": True,
    }
    assert checks["security.alb-access-logs"].observed == {"enabled": "true", "bucket": BUCKET}


def test_a_bucket_open_to_plain_http_fails(d: Deployed) -> None:
    _log_everything(d)
    d.aws.s3.delete_bucket_policy(Bucket=BUCKET)
    d.aws.s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {**TLS_ONLY, "Statement": [{**TLS_ONLY["Statement"][0], "Effect": "Allow"}]}
        ),
    )
    checks = _checks(d, LOGGED)
    assert failed(checks) == {"security.log-bucket"}
    assert checks["security.log-bucket"].observed["tls_only"] is False


def test_a_log_delivery_service_any_account_may_use_fails(d: Deployed) -> None:
    """issue 21: without aws:SourceAccount, any account's ALB log delivery may write here."""
    _log_everything(d)
    open_writer = {**TLS_ONLY["Statement"][1]}
    del open_writer["Condition"]
    d.aws.s3.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps({**TLS_ONLY, "Statement": [TLS_ONLY["Statement"][0], open_writer]}),
    )
    checks = _checks(d, LOGGED)
    assert failed(checks) == {"security.log-bucket"}
    assert checks["security.log-bucket"].observed["writers_scoped"] is False


def test_logs_the_config_asks_for_but_nobody_writes_fail(d: Deployed) -> None:
    checks = _checks(d, LOGGED)
    assert failed(checks) == {"security.alb-access-logs", "security.flow-logs"}
    assert checks["security.flow-logs"].observed is False


def test_a_deleted_load_balancer_is_an_api_error_naming_what_was_read(d: Deployed) -> None:
    """run_checks turns it into one failed `security.api` check; the other groups still run."""
    d.aws.elbv2.delete_load_balancer(LoadBalancerArn=d.outputs["alb_arn"])
    with pytest.raises(AwsError, match=r"describe the attributes of listener .*ListenerNotFound"):
        _checks(d)


# ---------------------------------------------------------------- what the tasks may do


def test_jitsi_tasks_send_https_out_and_trust_only_this_account(d: Deployed) -> None:
    checks = _checks(d)
    jitsi = [k for k in d.services if k not in CONFIG.services]
    assert {f"security.egress.{k}" for k in jitsi} | {f"security.trust.{k}" for k in jitsi} <= set(
        checks
    )
    assert "security.egress.api" not in checks  # the operator's own image: its own rules
    assert failed(checks) == set()
    assert checks["security.egress.shard"].observed == {
        "all_protocols": False,
        "tcp_to_internet": ["443"],
    }


def test_egress_opened_again_fails_that_service(d: Deployed) -> None:
    d.aws.ec2.authorize_security_group_egress(
        GroupId=d.ids["sg-xmpp"],
        IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    )
    checks = _checks(d)
    # the compact shard holds the xmpp group; the bridges alone do not
    assert failed(checks) == {"security.egress.shard"}
    assert checks["security.egress.shard"].observed["all_protocols"] is True


def test_tcp_to_the_internet_beyond_https_fails(d: Deployed) -> None:
    d.aws.ec2.authorize_security_group_egress(
        GroupId=d.ids["sg-jvb"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    checks = _checks(d)
    assert failed(checks) == {"security.egress.shard", "security.egress.jvb"}
    assert checks["security.egress.jvb"].observed["tcp_to_internet"] == ["22", "443"]


def test_a_task_role_any_account_may_assume_fails(d: Deployed) -> None:
    d.aws.iam.update_assume_role_policy(
        RoleName=f"{NAME}-jvb-task", PolicyDocument=assume_policy("ecs-d.amazonaws.com")
    )
    checks = _checks(d)
    assert failed(checks) == {"security.trust.jvb"}
    assert checks["security.trust.jvb"].observed == {
        "role": f"{NAME}-jvb-task",
        "ecs_tasks_only_for_this_account": False,
    }
