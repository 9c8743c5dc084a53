"""What Terraform says the deployment is: names, ARNs and counts, read once and passed along.

verify, status, the drills and cost take every identity from here (terraform's outputs), never
by rebuilding a name from the config: the modules own their names.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

# The container that makes a service (in service_containers) or a task definition "the shard's
# signaling": exactly one per shard, never two at once; replacing it ends every meeting.
SIGNALING = "prosody"


class AuthOutputs(BaseModel):
    """The /auth/ page (output `auth`)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    url: str
    function_name: str
    function_arn: str
    role_name: str
    target_group_arn: str
    listener_rule_arn: str
    provider: str
    user_pool_id: str | None = None
    user_pool_arn: str | None = None
    user_pool_client_id: str | None = None
    user_pool_domain: str | None = None
    login_web_acl_name: str | None = None  # auth.login_rate_limit's WAF web ACL
    callback_url: str
    log_stream_name: str
    adot_layer_arn: str | None = None


class StackOutputs(BaseModel):
    """The root module's outputs (infra/outputs.tf); unknown ones are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    url: str
    alb_arn: str
    https_listener_arn: str
    http_listener_arn: str
    web_target_group_arn: str
    # Operator services ([services.*]); empty for a stack deployed before they existed.
    service_target_group_arns: dict[str, str] = {}
    service_secret_parameters: dict[str, dict[str, str]] = {}
    service_task_role_arns: dict[str, str] = {}
    vpc_id: str
    log_bucket_name: str | None = None
    cluster_name: str
    service_names: dict[str, str]
    service_containers: dict[str, list[str]]
    task_counts: dict[str, dict[str, int]]  # service -> {"min", "max"} while awake
    autoscaled_services: list[str] = []
    layout: str
    bridge_dns_names: list[str]
    jicofo_url: str | None = None
    task_definition_arns: dict[str, str] = {}
    secret_parameter_arns: dict[str, str] = {}
    deployment_alerts_topic_arn: str
    budget_alerts_topic_arn: str
    alarm_names: dict[str, str]
    deployment_alarm_names: dict[str, list[str]]  # by service; empty: circuit breaker alone
    log_stream_prefixes: dict[str, str] = {}
    budget_names: dict[str, str]
    log_group_name: str
    dashboard_name: str
    web_port: int
    images: dict[str, str] = {}
    image_rootless: bool = False
    bridge_relay: bool = False
    turn_host: str | None = None
    turn_port: int | None = None
    turn_load_balancer_arn: str | None = None
    turn_service_name: str | None = None
    telemetry_function_name: str | None = None
    telemetry_schedule_rule_name: str | None = None
    quiet_hours_schedule_names: list[str] = []
    ecs_events_rule_name: str
    secrets_version: int
    auth_type: str = "jwt"
    jwt_app_id: str | None = None
    jwt_secret_parameter_name: str | None = None
    guests: bool = False
    auth: AuthOutputs | None = None

    def deployment_alarms(self, service: str) -> list[str]:
        """The alarms that roll back a deployment of this service (none: the circuit breaker)."""
        return self.deployment_alarm_names.get(service, [])

    def log_stream_prefix(self, container: str) -> str:
        return self.log_stream_prefixes.get(container, container)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> StackOutputs:
        return cls.model_validate(raw)
