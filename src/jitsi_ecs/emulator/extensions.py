"""Behaviour moto 5.2 lacks and this stack needs, registered on moto's own classes.

Each patch fills one measured gap (FACTS.md, "Local AWS") with what the AWS API documents,
so the product's checks never have to be weakened for the emulator:

- budgets: UpdateBudget, DescribeSubscribersForNotification and resource tagging are missing
  (the AWS provider reads subscribers and tags after every create).
- ec2: a rule that references another security group reports no description (the pair's
  Description is kept, the rule's property only reads CIDR ranges): a perpetual diff. And
  revoking by an unknown rule ID answers InvalidPermission.NotFound where AWS answers
  InvalidSecurityGroupRuleId.NotFound, the code the provider takes as "already deleted".
- ecs: CreateService drops deploymentConfiguration (circuit breaker, alarms), the health check
  grace period and a few flags, which would make every plan show a diff and `verify` fail.
  moto also runs no tasks: a new service reaches steady state at once (running = desired,
  deployment COMPLETED), as MOTO_ECS_SERVICE_RUNNING would, but per service.
- application-autoscaling: TagResource, UntagResource and ListTagsForResource are missing
  (the provider lists a scalable target's tags after creating it: the schedule lever).
- ecs deployments progress and fail (ecs_deployments.py) and alarm state changes reach their
  SNS actions (alarm_actions.py): moto does neither.
- ec2 flow logs: an S3 destination with a folder (`arn:aws:s3:::bucket/vpc/`, which AWS
  documents) is looked up as a bucket named `bucket/vpc/` and refused as missing.
- servicediscovery: DeleteNamespace leaves the private namespace's Route 53 zone behind, so
  `down` could never prove that nothing is left.
- IAM enforcement (iam_enforcement.py, used when the emulator plays a real account): the SigV4
  comparison of body-less REST calls, action names that are not `<signing name>:<operation>`,
  conditions, resources and JSON error bodies are judged as AWS does.
- every service (server.py): a retried attempt of an SDK call that already succeeded gets that
  answer again rather than running twice (the provider's SDK sometimes drops the connection
  after the answer and retries; a second revoke then answered NotFound).
"""

from __future__ import annotations

import json
from typing import Any

from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.awslambda.exceptions import UnknownLayerVersionException
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse
from moto.budgets.models import Budget, BudgetsBackend
from moto.budgets.responses import BudgetsResponse
from moto.core.utils import camelcase_to_underscores
from moto.ec2.exceptions import InvalidSecurityGroupRuleIdNotFoundError
from moto.ec2.models.flow_logs import FlowLogsBackend
from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.route53.models import route53_backends
from moto.servicediscovery.models import ServiceDiscoveryBackend
from moto.servicequotas.exceptions import NoSuchResource
from moto.servicequotas.models import ServiceQuotasBackend
from moto.servicequotas.resources.default_quotas.vpc import VPC_DEFAULT_QUOTAS
from moto.servicequotas.responses import ServiceQuotasResponse
from moto.utilities.utils import get_partition

from jitsi_ecs.emulator import alarm_actions, ecs_deployments, iam_enforcement

_installed = False

# CreateService parameters moto's handler ignores; UpdateService already stores them.
_ECS_CREATE_EXTRAS = (
    "deploymentConfiguration",
    "healthCheckGracePeriodSeconds",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "availabilityZoneRebalancing",
    "capacityProviderStrategy",  # Fargate Spot: dropped, it would force a replacement each plan
)

# The attribute name moto's serializer reads for each of those parameters.
_ECS_ATTRIBUTE = {
    "enableECSManagedTags": "enable_ecs_managed_tags",
}


def install() -> None:
    """Register every extension once (idempotent)."""
    global _installed
    if _installed:
        return
    _install_budgets()
    _install_ec2()
    _install_ecs()
    _install_servicediscovery()
    _install_autoscaling()
    _install_published_layers_and_quotas()
    ecs_deployments.install()
    alarm_actions.install()
    iam_enforcement.install()
    _installed = True


# ---------------------------------------------------------------- budgets


def _budget(backend: BudgetsBackend, account_id: str, name: str) -> Budget:
    from moto.budgets.exceptions import NotFoundException

    budget = backend.budgets[account_id].get(name)
    if budget is None:
        raise NotFoundException(f"Unable to get budget: {name} - the budget doesn't exist.")
    return budget


def _same_notification(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("NotificationType", "ComparisonOperator", "ThresholdType")
    return all(a.get(k) == b.get(k) for k in keys) and float(a.get("Threshold", 0)) == float(
        b.get("Threshold", 0)
    )


def _tags_store(backend: Any) -> dict[str, dict[str, str]]:
    """A tag map per resource ARN, kept on the moto backend (so a reset clears it)."""
    store: dict[str, dict[str, str]] | None = getattr(backend, "jitsi_ecs_tags", None)
    if store is None:
        store = {}
        backend.jitsi_ecs_tags = store
    return store


def _budget_arn(account_id: str, name: str) -> str:
    return f"arn:aws:budgets::{account_id}:budget/{name}"


def _budgets_create_budget(self: BudgetsResponse) -> str:
    result = _ORIGINAL_CREATE_BUDGET(self)
    account_id = self._get_param("AccountId")
    name = self._get_param("Budget")["BudgetName"]
    tags = _tags_store(self.backend).setdefault(_budget_arn(account_id, name), {})
    for tag in self._get_param("ResourceTags") or []:
        tags[tag["Key"]] = tag["Value"]
    return result


def _budgets_update_budget(self: BudgetsResponse) -> str:
    new = self._get_param("NewBudget")
    budget = _budget(self.backend, self._get_param("AccountId"), new["BudgetName"])
    budget.budget.update(new)
    return json.dumps({})


def _budgets_describe_subscribers(self: BudgetsResponse) -> str:
    budget = _budget(self.backend, self._get_param("AccountId"), self._get_param("BudgetName"))
    wanted = self._get_param("Notification")
    for notification in budget.notifications:
        if _same_notification(notification.details, wanted):
            return json.dumps({"Subscribers": notification.subscribers})
    from moto.budgets.exceptions import NotFoundException

    raise NotFoundException("Unable to find the notification on this budget.")


def _budgets_tag_resource(self: BudgetsResponse) -> str:
    tags = _tags_store(self.backend).setdefault(self._get_param("ResourceARN"), {})
    for tag in self._get_param("ResourceTags", []):
        tags[tag["Key"]] = tag["Value"]
    return json.dumps({})


def _budgets_untag_resource(self: BudgetsResponse) -> str:
    tags = _tags_store(self.backend).setdefault(self._get_param("ResourceARN"), {})
    for key in self._get_param("ResourceTagKeys", []):
        tags.pop(key, None)
    return json.dumps({})


def _budgets_list_tags(self: BudgetsResponse) -> str:
    tags = _tags_store(self.backend).get(self._get_param("ResourceARN"), {})
    return json.dumps({"ResourceTags": [{"Key": k, "Value": v} for k, v in tags.items()]})


def _install_budgets() -> None:
    handlers = {
        "create_budget": _budgets_create_budget,
        "update_budget": _budgets_update_budget,
        "describe_subscribers_for_notification": _budgets_describe_subscribers,
        "tag_resource": _budgets_tag_resource,
        "untag_resource": _budgets_untag_resource,
        "list_tags_for_resource": _budgets_list_tags,
    }
    for name, handler in handlers.items():
        setattr(BudgetsResponse, name, handler)


_ORIGINAL_CREATE_BUDGET = BudgetsResponse.create_budget


# ---------------------------------------------------------------- ec2


def _rule_description(self: SecurityGroupRule) -> str | None:
    description = self.ip_range.get("Description")
    if description is None and self.source_group:
        description = self.source_group.get("Description")
    return description


def _check_rule_ids(backend: Any, group_id: str, rule_ids: list[str] | None, egress: bool) -> None:
    if not rule_ids:
        return
    group = backend.get_security_group_by_name_or_id(group_id)
    if group is None:
        return  # moto's own InvalidGroup.NotFound follows
    known = {r.id for r in (group.egress_rules if egress else group.ingress_rules)}
    for rule_id in rule_ids:
        if rule_id not in known:
            raise InvalidSecurityGroupRuleIdNotFoundError(rule_id)


def _install_ec2() -> None:
    SecurityGroupRule.description = property(_rule_description)  # type: ignore[assignment,method-assign]
    revoke_in = SecurityGroupBackend.revoke_security_group_ingress
    revoke_out = SecurityGroupBackend.revoke_security_group_egress

    def revoke_ingress(self: Any, group_name_or_id: str, *args: Any, **kwargs: Any) -> None:
        _check_rule_ids(self, group_name_or_id, kwargs.get("security_rule_ids"), egress=False)
        revoke_in(self, group_name_or_id, *args, **kwargs)

    def revoke_egress(self: Any, group_name_or_id: str, *args: Any, **kwargs: Any) -> None:
        _check_rule_ids(self, group_name_or_id, kwargs.get("security_rule_ids"), egress=True)
        revoke_out(self, group_name_or_id, *args, **kwargs)

    SecurityGroupBackend.revoke_security_group_ingress = revoke_ingress  # type: ignore[method-assign]
    SecurityGroupBackend.revoke_security_group_egress = revoke_egress  # type: ignore[method-assign]

    create_flow_logs = FlowLogsBackend.create_flow_logs

    def create_flow_logs_in_folder(self: Any, **kwargs: Any) -> tuple[list[Any], list[Any]]:
        destination = kwargs.get("log_destination") or ""
        if kwargs.get("log_destination_type") != "s3" or "/" not in destination:
            return create_flow_logs(self, **kwargs)
        # moto checks the bucket part alone; the flow log keeps the folder it was given.
        flow_logs, unsuccessful = create_flow_logs(
            self, **{**kwargs, "log_destination": destination.split("/", 1)[0]}
        )
        for flow_log in flow_logs:
            flow_log.log_destination = destination
        return flow_logs, unsuccessful

    FlowLogsBackend.create_flow_logs = create_flow_logs_in_folder  # type: ignore[assignment,method-assign]


# ---------------------------------------------------------------- ecs


def _reach_steady_state(service: Any) -> None:
    service.jitsi_ecs_last_completed = service.task_definition
    service.running_count = service.desired_count
    service.pending_count = 0
    for deployment in service.deployments:
        deployment.update(
            runningCount=service.desired_count,
            pendingCount=0,
            rolloutState="COMPLETED",
            rolloutStateReason=f"ECS deployment {deployment['id']} completed.",
        )


def _install_ecs() -> None:
    original = EC2ContainerServiceResponse.create_service

    def create_service(self: EC2ContainerServiceResponse) -> Any:
        result = original(self)
        service = self.ecs_backend._get_service(
            self._get_param("cluster", "default"), self._get_param("serviceName")
        )
        for param in _ECS_CREATE_EXTRAS:
            value = self._get_param(param)
            if value is not None:
                attribute = _ECS_ATTRIBUTE.get(param, camelcase_to_underscores(param))
                setattr(service, attribute, value)
        if self._get_param("capacityProviderStrategy"):
            service.launch_type = None  # AWS reports no launch type for a strategy
        _reach_steady_state(service)
        return result

    EC2ContainerServiceResponse.create_service = create_service  # type: ignore[method-assign]


# ---------------------------------------------------------------- servicediscovery


def _install_servicediscovery() -> None:
    original = ServiceDiscoveryBackend.delete_namespace

    def delete_namespace(self: ServiceDiscoveryBackend, namespace_id: str) -> str:
        namespace = self.namespaces.get(namespace_id)
        zone_ref = (getattr(namespace, "dns_properties", None) or {}).get("HostedZoneId", "")
        zone_id = str(zone_ref).split("/")[-1]
        operation: str = original(self, namespace_id)
        if zone_id:
            route53 = route53_backends[self.account_id][get_partition(self.region_name)]
            if zone_id in route53.zones:
                route53.delete_hosted_zone(zone_id)
        return operation

    ServiceDiscoveryBackend.delete_namespace = delete_namespace  # type: ignore[method-assign]


# ---------------------------------------------------------------- application-autoscaling


def _install_autoscaling() -> None:
    original = ApplicationAutoScalingResponse.register_scalable_target

    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        result: str = original(self)
        arn = json.loads(result)["ScalableTargetARN"]
        backend = self.applicationautoscaling_backend
        _tags_store(backend).setdefault(arn, {}).update(self._get_param("Tags") or {})
        return result

    def tag_resource(self: ApplicationAutoScalingResponse) -> str:
        store = _tags_store(self.applicationautoscaling_backend)
        store.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return json.dumps({})

    def untag_resource(self: ApplicationAutoScalingResponse) -> str:
        tags = _tags_store(self.applicationautoscaling_backend).setdefault(
            self._get_param("ResourceARN"), {}
        )
        for key in self._get_param("TagKeys") or []:
            tags.pop(key, None)
        return json.dumps({})

    def list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
        store = _tags_store(self.applicationautoscaling_backend)
        return json.dumps({"Tags": store.get(self._get_param("ResourceARN"), {})})

    ApplicationAutoScalingResponse.register_scalable_target = register_scalable_target  # type: ignore[method-assign]
    ApplicationAutoScalingResponse.tag_resource = tag_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.untag_resource = untag_resource  # type: ignore[attr-defined]
    ApplicationAutoScalingResponse.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]


# ---------------------------------------------------------------- AWS-published layers, quotas
# lambda: moto resolves a layer only among those published in its own account, and has no
# GetLayerVersionByArn: the ADOT Python layer AWS publishes (targets/adot_layers.py, pinned per
# region) is refused by CreateFunction and unknown to the preflight. Here the pinned versions
# resolve in their own region, as AWS's public layers do: GetLayerVersionByArn answers, and a
# function given the ARN keeps it unchanged (GetFunction reports it back: no Terraform diff).
# service-quotas: moto knows only vpc quotas. The Fargate On-Demand vCPU quota (fargate,
# L-3032A538) gets AWS's default, 6 vCPUs (ECS developer guide, "Amazon ECS service quotas",
# AWS Fargate table: "Fargate On-Demand vCPU resource count, each supported Region: 6,
# adjustable"); GetServiceQuota answers NoSuchResource until a value is applied, as AWS does
# for a quota never changed; RequestServiceQuotaIncrease applies the value at once (AWS
# approves later; the emulator has no one to wait for), which is how a test sets one.

FARGATE_ON_DEMAND_VCPU = "L-3032A538"
_FARGATE_DEFAULTS: dict[str, float] = {FARGATE_ON_DEMAND_VCPU: 6.0}
_FARGATE_NAMES = {FARGATE_ON_DEMAND_VCPU: "Fargate On-Demand vCPU resource count"}


class _PublishedLayerVersion:
    """The face of an AWS-published layer version that moto's Lambda code reads."""

    code_size = 0

    def __init__(self, arn: str) -> None:
        self.arn = arn
        self.version = int(arn.rsplit(":", 1)[1])

    def get_layer_version(self) -> dict[str, Any]:
        return {
            "LayerArn": self.arn.rsplit(":", 1)[0],
            "LayerVersionArn": self.arn,
            "Version": self.version,
            "Description": "AWS Distro for OpenTelemetry Python (published by AWS)",
            "CreatedDate": "2026-06-30T00:00:00.000+0000",
            "CompatibleRuntimes": ["python3.10", "python3.11", "python3.12", "python3.13"],
            "CompatibleArchitectures": ["x86_64", "arm64"],
            "Content": {"CodeSize": self.code_size, "CodeSha256": ""},
            "LicenseInfo": "Apache-2.0",
        }


def _published_layer(region: str, arn: str) -> _PublishedLayerVersion | None:
    from jitsi_ecs.targets.adot_layers import layer_arn

    return _PublishedLayerVersion(arn) if arn == layer_arn(region) else None


def _applied_quotas(backend: Any) -> dict[tuple[str, str], float]:
    """Applied quota values by (service code, quota code), kept on the moto backend."""
    store: dict[tuple[str, str], float] | None = getattr(backend, "jitsi_ecs_quotas", None)
    if store is None:
        store = {}
        backend.jitsi_ecs_quotas = store
    return store


def _quota(backend: Any, service: str, code: str, value: float) -> dict[str, Any]:
    return {
        "ServiceCode": service,
        "ServiceName": "AWS Fargate",
        "QuotaArn": f"arn:aws:servicequotas:{backend.region_name}::{service}/{code}",
        "QuotaCode": code,
        "QuotaName": _FARGATE_NAMES.get(code, code),
        "Value": value,
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
    }


def _install_published_layers_and_quotas() -> None:
    original_by_arn = LambdaBackend.layers_versions_by_arn

    def layers_versions_by_arn(self: LambdaBackend, layer_version_arn: str) -> Any:
        found = original_by_arn(self, layer_version_arn)
        return found or _published_layer(self.region_name, layer_version_arn)

    def get_layer_version_by_arn(self: LambdaResponse) -> str:
        arn = self.querystring.get("Arn", [""])[0]
        found = self.backend.layers_versions_by_arn(arn)
        if found is None:
            raise UnknownLayerVersionException([arn])
        return json.dumps(found.get_layer_version())

    LambdaBackend.layers_versions_by_arn = layers_versions_by_arn  # type: ignore[method-assign]
    LambdaResponse.get_layer_version_by_arn = get_layer_version_by_arn  # type: ignore[attr-defined]

    original_get = ServiceQuotasBackend.get_service_quota

    def get_service_quota(self: ServiceQuotasBackend, service_code: str, quota_code: str) -> Any:
        applied = _applied_quotas(self).get((service_code, quota_code))
        if applied is not None:
            return _quota(self, service_code, quota_code, applied)
        return original_get(self, service_code, quota_code)

    def default_quota(self: ServiceQuotasBackend, service_code: str, code: str) -> Any:
        if service_code == "fargate" and code in _FARGATE_DEFAULTS:
            return _quota(self, service_code, code, _FARGATE_DEFAULTS[code])
        if service_code == "vpc":
            for quota in VPC_DEFAULT_QUOTAS:
                if quota["QuotaCode"] == code:
                    return quota
        raise NoSuchResource

    def get_aws_default_service_quota(self: ServiceQuotasResponse) -> str:
        params = json.loads(self.body)
        quota = default_quota(self.backend, str(params["ServiceCode"]), str(params["QuotaCode"]))
        return json.dumps({"Quota": quota})

    def request_service_quota_increase(self: ServiceQuotasResponse) -> str:
        params = json.loads(self.body)
        service, code = str(params["ServiceCode"]), str(params["QuotaCode"])
        default_quota(self.backend, service, code)  # NoSuchResource for an unknown quota
        value = float(params["DesiredValue"])
        _applied_quotas(self.backend)[(service, code)] = value
        return json.dumps(
            {
                "RequestedQuota": {
                    "Id": f"{service}-{code}-{int(value)}",
                    "ServiceCode": service,
                    "QuotaCode": code,
                    "DesiredValue": value,
                    "Status": "APPROVED",
                    "QuotaName": _FARGATE_NAMES.get(code, code),
                }
            }
        )

    ServiceQuotasBackend.get_service_quota = get_service_quota  # type: ignore[method-assign]
    ServiceQuotasResponse.get_aws_default_service_quota = get_aws_default_service_quota  # type: ignore[attr-defined]
    ServiceQuotasResponse.request_service_quota_increase = request_service_quota_increase  # type: ignore[attr-defined]
