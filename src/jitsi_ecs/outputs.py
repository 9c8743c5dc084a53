"""What Terraform says the deployment is: names, ARNs and counts, read once and passed along.

verify, status, the drills and cost take every identity from here (terraform's outputs), never
by rebuilding a name from the config: the modules own their names.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


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
    route_target_group_arns: dict[str, str] = {}
    cluster_name: str
    service_names: dict[str, str]
    service_containers: dict[str, list[str]]
    desired_counts: dict[str, int]
    task_definition_arns: dict[str, str] = {}
    secret_parameter_arns: dict[str, str] = {}
    deployment_alerts_topic_arn: str
    budget_alerts_topic_arn: str
    alarm_names: dict[str, str]
    deployment_alarm_names: list[str]
    budget_names: dict[str, str]
    log_group_name: str
    dashboard_name: str
    web_port: int
    telemetry_function_name: str | None = None
    telemetry_schedule_rule_name: str | None = None
    auth_type: str = "jwt"
    jwt_app_id: str | None = None
    jwt_secret_parameter_name: str | None = None
    guests: bool = False
    auth: AuthOutputs | None = None

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> StackOutputs:
        return cls.model_validate(raw)
