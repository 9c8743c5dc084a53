"""The config model is the contract; this module renders it for Terraform and for people.

`config.py` says every key, type, default, description and rule once. From it:

- `variables_tf()` writes infra/variables.tf: one root variable per top-level key, typed
  `object({...})` with `optional(type, default)`, and a `validation` block for every rule
  Terraform can evaluate (bounds, patterns, choices, and the cross-field `Rule`s, each with its
  HCL condition). A module user without the CLI gets the same protection.
- `init_template()` writes the commented jitsi-ecs.toml that `jitsi-ecs init` creates.

`python -m jitsi_ecs.schema` rewrites infra/variables.tf; tests/unit/test_schema.py fails when
the committed file is stale.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, GetCoreSchemaHandler
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, core_schema

# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """A rule over several fields of one model, enforced by the CLI and by Terraform alike.

    `check` runs in Python; `hcl` is the same condition for Terraform, where `self` stands for
    the model's object (var.health_check.container, or each element of a map). `message` is
    shown by both, with `{field}` (or `{a.b}`) replaced by the value, rendered as JSON.
    """

    message: str
    check: Callable[[Any], bool]
    hcl: str
    # Checked by the CLI only once a target has filled in what it provides (the local target
    # makes its own DNS zone), and always by Terraform.
    deploy_only: bool = False


@dataclass(frozen=True)
class Matches:
    """A string rule both sides enforce: a regular expression and what it means in words.

    Used as `Annotated[str, Matches(...)]`: pydantic runs it after the type check (with the
    words as the message), and the generator turns it into `can(regex(...))`.
    """

    pattern: str
    means: str

    def __call__(self, value: str) -> str:
        if "\n" in value or not re.search(self.pattern, value):
            raise ValueError(f"{value!r} is not {self.means}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(self, handler(source))


_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_.]*)\}")


def _value(model: Any, dotted: str) -> Any:
    value = model
    for part in dotted.split("."):
        value = getattr(value, part)
    return value.model_dump() if isinstance(value, BaseModel) else value


def rule_message(rule: Rule, model: Any) -> str:
    """The message with the model's values filled in (the same rendering Terraform uses)."""
    return _PLACEHOLDER.sub(lambda m: json.dumps(_value(model, m.group(1))), rule.message)


# ---------------------------------------------------------------- walking the model


@dataclass(frozen=True)
class Node:
    """One field of the model with everything both renderers need."""

    name: str
    annotation: Any
    info: FieldInfo

    @property
    def full_annotation(self) -> Any:
        """The type with the constraints pydantic moved from Annotated into the FieldInfo."""
        if not self.info.metadata:
            return self.annotation
        return Annotated[(self.annotation, *self.info.metadata)]

    @property
    def required(self) -> bool:
        return self.info.is_required()

    @property
    def default(self) -> Any:
        if self.info.default_factory is not None:
            return self.info.default_factory()  # type: ignore[call-arg]
        return None if self.info.default is PydanticUndefined else self.info.default

    @property
    def description(self) -> str:
        return self.info.description or ""

    @property
    def summary(self) -> str:
        """A model's docstring says more than the field's short description."""
        bare, _, _ = _strip(self.annotation)
        doc = (bare.__doc__ or "").strip() if is_model(bare) else ""
        return doc.split("\n\n")[0].replace("\n", " ") if doc else self.description

    @property
    def extra(self) -> dict[str, Any]:
        extra = self.info.json_schema_extra
        return extra if isinstance(extra, dict) else {}

    @property
    def for_terraform(self) -> bool:
        """False for keys only the CLI reads (the cost estimator's [usage])."""
        return self.extra.get("terraform", True) is not False


def fields(model: type[BaseModel]) -> list[Node]:
    return [Node(name, info.annotation, info) for name, info in model.model_fields.items()]


def _strip(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(bare type, metadata of Annotated layers, nullable)."""
    metadata: list[Any] = []
    nullable = False
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            annotation = args[0]
            for extra in args[1:]:
                metadata.extend(extra.metadata if isinstance(extra, FieldInfo) else [extra])
            continue
        if origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            nullable = nullable or len(members) < len(get_args(annotation))
            if len(members) == 1:
                annotation = members[0]
                continue
        return annotation, metadata, nullable


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


# ---------------------------------------------------------------- HCL types and values


def hcl_type(annotation: Any, indent: int = 0) -> str:
    """The Terraform type of a field (objects over several lines; `terraform fmt` aligns)."""
    bare, _, _ = _strip(annotation)
    origin = get_origin(bare)
    if is_model(bare):
        pad = " " * (indent + 2)
        body = "".join(f"{pad}{n.name} = {_attribute_type(n, indent + 2)}\n" for n in fields(bare))
        return "object({\n" + body + " " * indent + "})"
    if origin is Literal:
        choices = get_args(bare)
        return "string" if isinstance(choices[0], str) else "number"
    if origin is list:
        return f"list({hcl_type(get_args(bare)[0], indent)})"
    if origin is dict:
        return f"map({hcl_type(get_args(bare)[1], indent)})"
    if bare is bool:
        return "bool"
    if bare in (int, float):
        return "number"
    if bare is str:
        return "string"
    raise TypeError(f"no Terraform type for {bare!r}")


def hcl_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${")
    if isinstance(value, list):
        return "[" + ", ".join(hcl_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k} = {hcl_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no HCL literal for {value!r}")


def _is_default_model(node: Node) -> bool:
    bare, _, _ = _strip(node.annotation)
    return is_model(bare) and isinstance(node.default, BaseModel) and node.default == bare()


def _attribute_type(node: Node, indent: int) -> str:
    kind = hcl_type(node.annotation, indent)
    if node.required:
        return kind
    if node.default is None:
        return f"optional({kind})"
    if _is_default_model(node):
        return f"optional({kind}, {{}})"
    return f"optional({kind}, {hcl_value(node.default)})"


# ---------------------------------------------------------------- validations


@dataclass(frozen=True)
class Validation:
    condition: str
    message: str


@dataclass(frozen=True)
class _Scope:
    """Where a field lives in Terraform: its expression, and how to guard and loop over it."""

    expr: str  # e.g. var.jitsi.web, or v inside a map loop
    path: str  # the config key, e.g. jitsi.web
    loops: tuple[tuple[str, str], ...] = ()  # (map expression, loop variable)
    guards: tuple[str, ...] = ()  # expressions that must be non-null

    def child(self, name: str) -> _Scope:
        return _Scope(f"{self.expr}.{name}", f"{self.path}.{name}", self.loops, self.guards)

    def wrap(self, condition: str) -> str:
        for guard in reversed(self.guards):
            condition = f"{guard} == null ? true : ({condition})"
        for mapping, var in reversed(self.loops):
            condition = f"alltrue([for {var}_key, {var} in {mapping} : {condition}])"
        return condition


def _bounds(metadata: list[Any]) -> list[tuple[str, Any, str]]:
    found = []
    for item in metadata:
        for attribute, op, words in (
            ("ge", ">=", "at least"),
            ("gt", ">", "above"),
            ("le", "<=", "at most"),
            ("lt", "<", "below"),
        ):
            value = getattr(item, attribute, None)
            if value is not None:
                found.append((op, value, words))
    return found


def _lengths(metadata: list[Any]) -> tuple[int | None, int | None]:
    low = next((m.min_length for m in metadata if getattr(m, "min_length", None) is not None), None)
    high = next(
        (m.max_length for m in metadata if getattr(m, "max_length", None) is not None), None
    )
    return low, high


def _matches(metadata: list[Any]) -> Matches | None:
    return next((m for m in metadata if isinstance(m, Matches)), None)


def _regex(pattern: str, expr: str) -> str:
    return f"can(regex({json.dumps(pattern)}, {expr}))"


def _scalar_conditions(annotation: Any, expr: str) -> list[tuple[str, str]]:
    """(condition, what it means) for one scalar value at expr."""
    bare, metadata, _ = _strip(annotation)
    found = []
    if get_origin(bare) is Literal:
        choices = get_args(bare)
        listed = ", ".join(str(c) for c in choices)
        found.append((f"contains({hcl_value(list(choices))}, {expr})", f"must be one of {listed}"))
    bounds = _bounds(metadata)
    if bounds:
        text = " and ".join(f"{words} {hcl_value(value)}" for _, value, words in bounds)
        condition = " && ".join(f"{expr} {op} {hcl_value(value)}" for op, value, _ in bounds)
        found.append((condition, f"must be {text}"))
    matches = _matches(metadata)
    if matches:
        found.append((_regex(matches.pattern, expr), f"must be {matches.means}"))
    return found


def _validations(annotation: Any, scope: _Scope) -> Iterator[Validation]:
    bare, metadata, nullable = _strip(annotation)
    origin = get_origin(bare)
    guards = scope.guards + ((scope.expr,) if nullable else ())
    own = _Scope(scope.expr, scope.path, scope.loops, guards)
    if is_model(bare):
        yield from _model_validations(bare, own)
        return
    where = own.path
    if origin is list:
        low, high = _lengths(metadata)
        if low is not None or high is not None:
            parts = []
            if low is not None:
                parts.append(f"length({own.expr}) >= {low}")
            if high is not None:
                parts.append(f"length({own.expr}) <= {high}")
            words = _count_words(low, high)
            yield Validation(own.wrap(" && ".join(parts)), f"{where} must have {words} item(s).")
        item = get_args(bare)[0]
        for condition, meaning in _scalar_conditions(item, "item"):
            yield Validation(
                own.wrap(f"alltrue([for item in {own.expr} : {condition}])"),
                f"every item of {where} {meaning}.",
            )
        return
    if origin is dict:
        key, value = get_args(bare)
        for condition, meaning in _scalar_conditions(key, "key"):
            yield Validation(
                own.wrap(f"alltrue([for key in keys({own.expr}) : {condition}])"),
                f"every key of {where} {meaning}.",
            )
        value_bare, _, _ = _strip(value)
        if is_model(value_bare):
            var = "v" * (len(own.loops) + 1)
            inner = _Scope(var, f"{own.path}.<name>", (*own.loops, (own.expr, var)), ())
            yield from _model_validations(value_bare, inner)
        else:
            for condition, meaning in _scalar_conditions(value, "value"):
                yield Validation(
                    own.wrap(f"alltrue([for value in values({own.expr}) : {condition}])"),
                    f"every value of {where} {meaning}.",
                )
        return
    for condition, meaning in _scalar_conditions(annotation, own.expr):
        yield Validation(own.wrap(condition), f"{where} {meaning}.")


def _count_words(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _model_validations(model: type[BaseModel], scope: _Scope) -> Iterator[Validation]:
    for node in fields(model):
        yield from _validations(node.full_annotation, scope.child(node.name))
    for rule in getattr(model, "RULES", ()):
        condition = re.sub(r"\bself\b", scope.expr, rule.hcl)
        if scope.loops:
            message = f"{scope.path}: " + _PLACEHOLDER.sub(lambda m: m.group(1), rule.message)
        else:
            message = f"{scope.path}: " + _PLACEHOLDER.sub(
                lambda m: f'${{try(jsonencode({scope.expr}.{m.group(1)}), "")}}', rule.message
            )
        yield Validation(scope.wrap(condition), message)


# ---------------------------------------------------------------- variables.tf

HEADER = """\
# GENERATED from src/jitsi_ecs/config.py by `python -m jitsi_ecs.schema`: do not edit.
# Every key of jitsi-ecs.toml is a variable here, with the same defaults and the same rules,
# so the module protects a Terraform user without the CLI just as the CLI does.
# (Variables the tool itself supplies live in tool_variables.tf.)
"""


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _top_level_default(node: Node) -> str | None:
    if node.required:
        return None
    return "{}" if _is_default_model(node) else hcl_value(node.default)


def _root_rules(model: type[BaseModel]) -> dict[str, list[Validation]]:
    """Rules across top-level keys, each attached to the first variable it names."""
    found: dict[str, list[Validation]] = {}
    for rule in getattr(model, "RULES", ()):
        names = re.findall(r"\bself\.([a-z0-9_]+)", rule.hcl)
        if not names:
            raise ValueError(f"root rule {rule.message!r} names no variable")
        condition = re.sub(r"\bself\.", "var.", rule.hcl)
        message = _PLACEHOLDER.sub(
            lambda m: f'${{try(jsonencode(var.{m.group(1)}), "")}}', rule.message
        )
        found.setdefault(names[0], []).append(Validation(condition, message))
    return found


def render_variables_tf(model: type[BaseModel]) -> str:
    """variables.tf before `terraform fmt` (see variables_tf)."""
    blocks = [HEADER]
    root_rules = _root_rules(model)
    for node in fields(model):
        if not node.for_terraform:
            continue
        lines = [f'variable "{node.name}" {{']
        lines.append(f"  description = {json.dumps(_sentence(node.summary))}")
        lines.append(f"  type = {hcl_type(node.annotation, 2)}")
        default = _top_level_default(node)
        if default is not None:
            lines.append(f"  default = {default}")
        scope = _Scope(f"var.{node.name}", node.name)
        validations = [*_validations(node.full_annotation, scope), *root_rules.get(node.name, [])]
        for validation in validations:
            lines.append("")
            lines.append("  validation {")
            lines.append(f"    condition = {validation.condition}")
            lines.append(f"    error_message = {_hcl_string(validation.message)}")
            lines.append("  }")
        lines.append("}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def terraform_fmt(text: str) -> str:
    """HCL laid out as `terraform fmt` would (it aligns; the renderers need not)."""
    terraform = shutil.which("terraform")
    if terraform is None:
        raise RuntimeError("terraform is not on PATH: it formats the generated HCL")
    result = subprocess.run(
        [terraform, "fmt", "-no-color", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"terraform fmt refused the generated HCL:\n{result.stderr}")
    return result.stdout


def variables_tf(model: type[BaseModel]) -> str:
    """infra/variables.tf exactly as committed."""
    return terraform_fmt(render_variables_tf(model))


def _hcl_string(text: str) -> str:
    """A quoted HCL string that keeps ${...} interpolations and escapes everything else."""
    parts = re.split(r"(\$\{[^}]*\})", text)
    out = []
    for part in parts:
        if part.startswith("${"):
            out.append(part)
        else:
            out.append(json.dumps(part)[1:-1])
    return '"' + "".join(out) + '"'


def write_variables_tf(model: type[BaseModel], dest: Path) -> None:
    dest.write_text(variables_tf(model), encoding="utf-8")


def main(argv: list[str]) -> None:
    from jitsi_ecs.config import Config
    from jitsi_ecs.workspace import infra_source

    target = Path(argv[0]) if argv else infra_source() / "variables.tf"
    write_variables_tf(Config, target)
    print(f"wrote {target}")


# ---------------------------------------------------------------- the init file

INIT_HEADER = """\
# jitsi-ecs.toml: one file, one Jitsi Meet deployment. Every key is shown at its default.
# `jitsi-ecs plan` validates it; unknown keys and out-of-range values are refused.
# Generated from the config model: the same defaults and rules as infra/variables.tf.
"""


def toml_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        return (
            "{ " + ", ".join(f"{_toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
        )
    raise TypeError(f"no TOML literal for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _limits(node: Node) -> str:
    """What the rules allow, in a few words, for the comment."""
    _, metadata, _ = _strip(node.full_annotation)
    bounds = {op: value for op, value, _ in _bounds(metadata)}
    if ">=" in bounds and "<=" in bounds and bounds["<="] < 100_000:
        return f" ({hcl_value(bounds['>='])}-{hcl_value(bounds['<='])})"
    return ""


def _aligned(rows: list[tuple[str, str]], prefix: str = "") -> list[str]:
    width = max((len(code) for code, _ in rows), default=0)
    return [
        f"{prefix}{code.ljust(width)}   # {comment}" if comment else f"{prefix}{code}"
        for code, comment in rows
    ]


def _section(model: type[BaseModel], path: str, values: Any, commented: bool) -> list[str]:
    """Lines of one table: its keys, then its sub-tables (TOML wants them in that order)."""
    rows: list[tuple[str, str]] = []
    tables: list[list[str]] = []
    for node in fields(model):
        bare, _, _ = _strip(node.annotation)
        value = getattr(values, node.name) if values is not None else node.default
        child = f"{path}.{node.name}" if path else node.name
        comment = node.description + _limits(node)
        if is_model(bare):
            example = node.extra.get("example")
            if value is None and example is not None:
                tables.append(_table(bare, child, comment, example, commented=True))
            else:
                tables.append(_table(bare, child, comment, value, commented))
            continue
        if get_origin(bare) is dict and is_model(_strip(get_args(bare)[1])[0]):
            lines = [f"{'# ' if commented else ''}[{child}]   # {comment}"]
            for name, example in (node.extra.get("example") or {}).items():
                inner = _strip(get_args(bare)[1])[0]
                lines += _table(inner, f"{child}.{name}", "", example, commented=True)[0:]
            tables.append(lines)
            continue
        if value is None:
            example = node.extra.get("example")
            shown = toml_value(example) if example is not None else '"..."'
            rows.append((f"# {node.name} = {shown}", comment))
        else:
            rows.append((f"{node.name} = {toml_value(value)}", comment))
    lines = _aligned(rows, "# " if commented else "")
    for table in tables:
        lines += ["", *table]
    return [line.replace("# # ", "# ") for line in lines]


def _table(
    model: type[BaseModel], path: str, comment: str, values: Any, commented: bool
) -> list[str]:
    header = f"[{path}]" + (f"   # {comment}" if comment else "")
    return [("# " if commented else "") + header, *_section(model, path, values, commented)]


def init_template(model: type[BaseModel]) -> str:
    """The commented file `jitsi-ecs init` writes: every key at its default."""
    return INIT_HEADER + "\n" + "\n".join(_section(model, "", None, False)) + "\n"


if __name__ == "__main__":  # pragma: no cover - a developer tool
    # Run the imported module, not this __main__ copy: config.py's Matches and Rule are the
    # classes of jitsi_ecs.schema, and isinstance() must see the same ones.
    from jitsi_ecs import schema

    schema.main(sys.argv[1:])
