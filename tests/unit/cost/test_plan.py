"""cost/plan.py: the planned resources of `terraform show -json`, module by module."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from jitsi_ecs.cost.plan import PlanView

BENCH = Path(__file__).resolve().parents[3] / "bench"


def resource(address: str, type_: str, index: Any = None, mode: str = "managed") -> dict[str, Any]:
    return {"address": address, "mode": mode, "type": type_, "index": index, "values": {"a": 1}}


PLAN: dict[str, Any] = {
    "planned_values": {
        "root_module": {
            "resources": [resource("aws_sns_topic.this", "aws_sns_topic")],
            "child_modules": [
                {
                    "address": "module.jitsi",
                    "resources": [
                        resource(
                            'module.jitsi.aws_ecs_service.this["web"]', "aws_ecs_service", "web"
                        ),
                        resource(
                            'module.jitsi.aws_ecs_service.this["jvb"]', "aws_ecs_service", "jvb"
                        ),
                        resource(
                            'module.jitsi.aws_ecs_task_definition.this["web"]',
                            "aws_ecs_task_definition",
                            "web",
                        ),
                        resource(
                            "module.jitsi.data.aws_iam_policy_document.this",
                            "aws_iam_policy_document",
                            mode="data",
                        ),
                    ],
                    "child_modules": [
                        {
                            "address": "module.jitsi.module.extra[0]",
                            "resources": [
                                resource(
                                    'module.jitsi.module.extra[0].aws_ecs_task_definition.this["jvb"]',
                                    "aws_ecs_task_definition",
                                    "jvb",
                                ),
                                {
                                    "address": "module.jitsi.module.extra[0].aws_lb.this",
                                    "mode": "managed",
                                    "type": "aws_lb",
                                    "values": None,  # unknown until apply
                                },
                            ],
                        }
                    ],
                }
            ],
        }
    },
    "variables": {"region": {"value": "eu-central-1"}, "jitsi": {"value": {"layout": "growth"}}},
}


def test_walks_child_modules_and_skips_data_sources() -> None:
    view = PlanView(PLAN)
    assert [r.address for r in view.resources] == [
        "aws_sns_topic.this",
        'module.jitsi.aws_ecs_service.this["web"]',
        'module.jitsi.aws_ecs_service.this["jvb"]',
        'module.jitsi.aws_ecs_task_definition.this["web"]',
        'module.jitsi.module.extra[0].aws_ecs_task_definition.this["jvb"]',
        "module.jitsi.module.extra[0].aws_lb.this",
    ]
    modules = {r.address: r.module for r in view.resources}
    assert modules["aws_sns_topic.this"] == ""
    assert modules['module.jitsi.aws_ecs_service.this["web"]'] == "module.jitsi"
    assert modules["module.jitsi.module.extra[0].aws_lb.this"] == "module.jitsi.module.extra[0]"
    assert view.of_type("aws_lb")[0].values == {}  # null values read as empty
    assert view.of_type("aws_iam_policy_document") == []


def test_sibling_is_same_module_same_index() -> None:
    view = PlanView(PLAN)
    web, jvb = view.of_type("aws_ecs_service")
    task = view.sibling(web, "aws_ecs_task_definition")
    assert task is not None and task.address == 'module.jitsi.aws_ecs_task_definition.this["web"]'
    # jvb's task definition has the same index but lives in another module: not a sibling.
    assert view.sibling(jvb, "aws_ecs_task_definition") is None
    assert view.sibling(web, "aws_lb") is None


def test_root_variables_as_planned() -> None:
    view = PlanView(PLAN)
    assert view.variable("region") == "eu-central-1"
    assert view.variable("jitsi") == {"layout": "growth"}
    # Ephemeral variables (the generated secrets) are never in a plan: nothing to read.
    assert view.variable("generated_secrets") is None
    assert PlanView({}).variable("region") is None and PlanView({}).resources == []


def test_the_default_stack_plan() -> None:
    view = PlanView(json.loads((BENCH / "plans" / "default.json").read_text()))
    assert view.variable("region") == "us-west-2"
    assert view.variable("jitsi")["layout"] == "compact"
    # compact: the shard, and the bridges alone.
    assert Counter(r.module for r in view.of_type("aws_ecs_service")) == {"module.jitsi": 2}
    assert {r.index for r in view.of_type("aws_ecs_service")} == {"shard", "jvb"}
    for service in view.of_type("aws_ecs_service"):
        task = view.sibling(service, "aws_ecs_task_definition")
        assert task is not None and task.index == service.index
    # A module with count keeps its index in the module address.
    assert {r.module for r in view.of_type("aws_lambda_function")} == {
        "module.telemetry[0]",
        "module.auth[0]",
    }
