"""Read what a Terraform plan will run: resources and their planned values, nothing else.

The estimate is computed from `terraform show -json` output alone (never from a second copy
of the config), so it prices what would really be deployed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Planned:
    address: str
    type: str
    module: str  # "module.jitsi", "" for the root
    index: str | int | None
    values: dict[str, Any]


def _walk(module: dict[str, Any]) -> Iterator[Planned]:
    for res in module.get("resources", []):
        if res.get("mode") != "managed":
            continue
        address = res["address"]
        prefix = address.rsplit(res["type"] + ".", 1)[0].rstrip(".")
        yield Planned(address, res["type"], prefix, res.get("index"), res.get("values") or {})
    for child in module.get("child_modules", []):
        yield from _walk(child)


class PlanView:
    """The planned resources of a plan JSON, by type."""

    def __init__(self, plan: dict[str, Any]) -> None:
        root = plan.get("planned_values", {}).get("root_module", {})
        self.resources = list(_walk(root))
        self.variables = {k: v.get("value") for k, v in plan.get("variables", {}).items()}

    def variable(self, name: str) -> Any:
        """A root variable's value as planned (ephemeral ones are never in a plan)."""
        return self.variables.get(name)

    def of_type(self, type_: str) -> list[Planned]:
        return [r for r in self.resources if r.type == type_]

    def sibling(self, resource: Planned, type_: str) -> Planned | None:
        """The resource of type_ in the same module with the same for_each/count index."""
        for r in self.of_type(type_):
            if r.module == resource.module and r.index == resource.index:
                return r
        return None
