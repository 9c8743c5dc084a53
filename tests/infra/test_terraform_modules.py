"""infra/: formatted, valid, its `terraform test` suite green, and bad inputs refused with
the right message (terraform test's expect_failures cannot assert the text, so each bad
input runs once without it and the message is read from the failure)."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import INFRA
from tests.infra import validation_cases

MOCK_PROVIDER = validation_cases.MOCK_PROVIDER


def _copy_infra(dest: Path) -> Path:
    shutil.copytree(INFRA, dest, ignore=shutil.ignore_patterns(".terraform", "*.tfstate*"))
    return dest


def _tf(terraform: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TF_IN_AUTOMATION": "1"}
    # One stream, so each error stays next to the test file it belongs to.
    return subprocess.run(
        [terraform, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A guard against a hung terraform, not a speed limit: the whole mocked suite shares
        # two cores with the emulator flows, and took over 600 s on a loaded machine.
        timeout=1500,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.fail("terraform is not on PATH")
    root = _copy_infra(tmp_path_factory.mktemp("infra") / "infra")
    result = _tf(terraform, root, "init", "-backend=false", "-input=false", "-no-color")
    assert result.returncode == 0, result.stdout
    return root


def test_formatted(terraform_bin: str) -> None:
    result = _tf(terraform_bin, INFRA, "fmt", "-check", "-recursive", "-diff")
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}"


def test_every_module_follows_the_layout() -> None:
    for module in sorted((INFRA / "modules").iterdir()):
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
            assert (module / name).is_file(), f"{module.name}/{name} missing"
        text = "".join(p.read_text() for p in module.glob("*.tf"))
        for block in re.findall(r'^(variable|output) "[^"]+" \{(.*?)^\}', text, flags=re.S | re.M):
            assert "description" in block[1], f"{module.name}: a {block[0]} lacks a description"


def test_terraform_test_suite_passes(terraform_bin: str, initialised: Path) -> None:
    # `terraform test` validates each run's configuration before planning it, every module
    # of the tree included (an unsupported argument in a module the defaults leave at count
    # 0 fails root.tftest.hcl's first run): no separate `terraform validate`, whose 24 AWS
    # provider starts (one per module) cost half a minute of CPU.
    # Every test file but validation.tftest.hcl, whose cases the next-but-one test runs once
    # more without expect_failures and checks each message: the same refusals, read closer.
    files = sorted(p.name for p in (initialised / "tests").glob("*.tftest.hcl"))
    assert "validation.tftest.hcl" in files
    filters = [f"-filter=tests/{name}" for name in files if name != "validation.tftest.hcl"]
    result = _tf(terraform_bin, initialised, "test", "-no-color", *filters)
    output = result.stdout
    assert result.returncode == 0, output
    match = re.search(r"Success! (\d+) passed, 0 failed", output)
    assert match and int(match.group(1)) >= 25, output


def test_validation_tftest_is_generated_from_the_corpus() -> None:
    assert validation_cases.TFTEST.read_text() == validation_cases.render(), (
        "run: python -m tests.infra.validation_cases"
    )


def _references() -> dict[str, set[str]]:
    """For each root variable, the other variables its validation rules read: Terraform skips
    a rule whose inputs are themselves invalid, so such cases must not share a run."""
    text = "".join(p.read_text() for p in INFRA.glob("*variables.tf"))
    blocks = re.split(r'^variable "(\w+)" \{', text, flags=re.M)[1:]
    direct = {
        name: set(re.findall(r"var\.(\w+)", body)) - {name}
        for name, body in zip(blocks[::2], blocks[1::2], strict=True)
    }
    # Transitively: a rule reading a variable whose own rule was skipped is skipped too.
    closed = {name: set(reads) for name, reads in direct.items()}
    changed = True
    while changed:
        changed = False
        for reads in closed.values():
            more = set().union(*(closed.get(r, set()) for r in reads)) - reads
            if more:
                reads |= more
                changed = True
    return closed


def _leaves(data: object, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    if isinstance(data, dict) and data:
        found: dict[tuple[str, ...], object] = {}
        for key, value in data.items():
            found.update(_leaves(value, (*path, str(key))))
        return found
    return {path: data}


def _clash(a: validation_cases.Bad, b: validation_cases.Bad, refs: dict[str, set[str]]) -> bool:
    """Whether two cases cannot share a run: a type error (it stops Terraform before any rule),
    a value both set differently (or one path inside the other's), a key one names inside the
    other's (its message could stand for the other's), or a rule of one that reads the other's
    variable (Terraform skips a rule whose inputs are invalid)."""
    if a.terraform_type_error or b.terraform_type_error:
        return True
    leaves_b = _leaves(b.data)
    for x, value in _leaves(a.data).items():
        for y in leaves_b:
            inside = x != y and (x[: len(y)] == y or y[: len(x)] == x)
            if inside or (x == y and value != leaves_b[y]):
                return True
    ka, kb = a.named_key + ".", b.named_key + "."
    if ka.startswith(kb) or kb.startswith(ka):
        return True
    va, vb = {*a.data, a.variable}, {*b.data, b.variable}
    reads_a = set().union(*(refs.get(n, set()) for n in va))
    reads_b = set().union(*(refs.get(n, set()) for n in vb))
    return bool(reads_a & vb or reads_b & va)


def _merged(batch: list[validation_cases.Bad]) -> dict[str, object]:
    """One run's variables: the batch's values merged into a fresh dict. The corpus is shared by
    every test in the worker, so nothing of it is merged into in place (a nested dict of the first
    case would otherwise collect the others' values, and the generated file's test would see it)."""
    data: dict[str, object] = {}

    def put(into: dict[str, object], value: dict[str, object]) -> None:
        for key, item in value.items():
            if isinstance(item, dict) and isinstance(into.get(key), dict):
                put(into[key], item)  # type: ignore[arg-type]
            else:
                into[key] = item

    for case in batch:
        put(data, copy.deepcopy(case.data))
    return data


def _batches(cases: list[validation_cases.Bad]) -> list[list[validation_cases.Bad]]:
    """The cases packed into as few runs as possible: each run costs Terraform a plan (and the
    AWS provider's start-ups, seconds of CPU each), while each bad value's error names its own
    key, so cases that do not clash (above) share a run, their values merged."""
    refs = _references()
    batches: list[list[validation_cases.Bad]] = []
    for case in cases:
        free = next((b for b in batches if not any(_clash(case, c, refs) for c in b)), None)
        if free is None:
            batches.append([case])
        else:
            free.append(case)
    return batches


def _diagnostics(section: str) -> list[str]:
    """Terraform's errors (-no-color: each from its "Error: " line to the next), each as one
    line of text."""
    return [" ".join(("Error: " + e).split()) for e in section.split("\nError: ")[1:]]


def test_packing_leaves_the_corpus_as_it_was() -> None:
    """Packing merges cases' values; the corpus itself (read by the generated file's test in the
    same worker) must come out unchanged, whatever order the tests run in."""
    cases = validation_cases.terraform_cases()
    before = copy.deepcopy([case.data for case in cases])
    for batch in _batches(cases):
        _merged(batch)
    assert [case.data for case in cases] == before


def _variables_only(dest: Path) -> Path:
    """The root module's inputs alone: its variable declarations (every rule the corpus meets
    is a variable validation, the root's generated ones and the tool's), no resources and so
    no provider to install. A bad input is refused as by the whole root module, without the
    AWS provider's starts (seconds of CPU each, four per test file before its run)."""
    dest.mkdir(parents=True)
    for name in ("variables.tf", "tool_variables.tf"):
        shutil.copy(INFRA / name, dest / name)
    return dest


def test_bad_inputs_are_refused_with_their_message(
    terraform_bin: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each case of the shared corpus once more, without expect_failures: Terraform must refuse
    it ("Invalid value for ...") and its message must name the key the CLI names."""
    root = _variables_only(tmp_path_factory.mktemp("inputs") / "root")
    cases = root / "validation-messages"
    cases.mkdir()
    header = validation_cases.render().split("\nrun ", 1)[0]
    header = header.replace(MOCK_PROVIDER, "")  # no resources: no provider to mock
    batches = _batches(validation_cases.terraform_cases())
    for i, batch in enumerate(batches):
        joined = validation_cases.Bad(id=f"batch_{i}", data=_merged(batch), message="")
        # A file each: after a failed run Terraform skips the rest of its file.
        (cases / f"batch_{i}.tftest.hcl").write_text(
            header + "\n" + validation_cases.run_block(joined, expect_failure=False) + "\n"
        )
    result = _tf(terraform_bin, root, "test", "-no-color", "-test-directory=validation-messages")
    output = result.stdout
    assert result.returncode != 0
    sections = re.split(r"validation-messages/(\w+)\.tftest\.hcl\.\.\. in progress", output)[1:]
    found = dict(zip(sections[::2], sections[1::2], strict=True))
    assert len(found) == len(batches), output[-3000:]
    for i, batch in enumerate(batches):
        errors = _diagnostics(found[f"batch_{i}"])
        for case in batch:
            expected = case.terraform_type_error or case.named_key
            # The error about this case: Terraform quotes the variable it refused in it.
            quoted = re.compile(
                rf'var\.{case.variable}\b|\d+: {case.variable} = |variable "{case.variable}"'
            )
            mine = [e for e in errors if quoted.search(e)]
            assert any("Invalid value for" in b and expected in b for b in mine), (
                case.id,
                expected,
                mine or errors,
            )
