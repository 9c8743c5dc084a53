"""Shared test tooling.

Terraform needs its AWS provider. Real users get it from the registry; this machine has no
internet but a filesystem mirror (a `tf-plugins` directory). The tooling, not the product,
writes a CLI config that points at it, unless TF_CLI_CONFIG_FILE already names a file.
"""

from __future__ import annotations

import os
import resource
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path

import pluggy
import pytest

# Terraform and its AWS provider are Go programs that allocate heavily (the provider builds
# its schema of ~1,500 resource types at every start: several per terraform command). A
# collector that runs at 4x heap growth instead of 2x took a third of their CPU time off
# (terraform test of budgets.tftest.hcl: 12.0 -> 8.0 s user) for ~10% more memory; on two
# cores shared by the whole suite that is minutes. A runtime setting, not a behaviour: the
# results are the same. A value the caller set wins.
os.environ.setdefault("GOGC", "400")

REPO = Path(__file__).resolve().parents[1]
INFRA = REPO / "infra"
MIRROR_CANDIDATES = (
    Path("/opt/tf-plugins"),
    Path("/usr/local/share/tf-plugins"),
    Path.home() / "tf-plugins",
)


def find_mirror() -> Path | None:
    env = os.environ.get("JITSI_ECS_TF_MIRROR")
    for candidate in ([Path(env)] if env else []) + list(MIRROR_CANDIDATES):
        if (candidate / "registry.terraform.io").is_dir():
            return candidate
    return None


@pytest.fixture(scope="session", autouse=True)
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    current = os.environ.get("TF_CLI_CONFIG_FILE")
    mirror = find_mirror()
    if (current and Path(current).is_file()) or mirror is None:
        yield
        return
    rc = tmp_path_factory.mktemp("terraform") / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n'
    )
    os.environ["TF_CLI_CONFIG_FILE"] = str(rc)
    yield
    if current is None:
        os.environ.pop("TF_CLI_CONFIG_FILE", None)
    else:
        os.environ["TF_CLI_CONFIG_FILE"] = current


@pytest.fixture
def terraform_bin() -> str:
    found = shutil.which("terraform")
    if not found:  # fail loudly: a skipped infra test would hide a broken stack
        pytest.fail("terraform is not on PATH; the infra and integration tests need it")
    return found


# The longest tests, each first on its own worker. pytest-xdist (load scheduling) hands each
# worker a run of consecutive tests; with --maxschedchunk=1 (scripts/test.sh) that run is two
# tests, so the long ones are spread one per pair: each worker starts one, and the short tests
# fill the time the emulator tests spend in the AWS provider's fixed waits. Longest first.
LONGEST_FIRST = (
    "tests/integration/test_cli_flow.py",
    "tests/integration/test_aws_flow.py",
    "tests/infra/test_terraform_modules.py::test_terraform_test_suite_passes",
    "tests/integration/test_services_flow.py",
)


# The first of them is CI's critical path, and mostly waits (the AWS provider's fixed delays,
# the drills' deployments): alone it uses two thirds of a core. Under xdist every other test
# runs at a lower CPU priority (its worker, and what it starts from then on, terraform and the
# emulator included), so that when the two cores are busy the critical path is not what waits.
# A scheduling hint only: what each test does and checks is the same.
CRITICAL_PATH = LONGEST_FIRST[0]
LOWER_PRIORITY = 10


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and not item.nodeid.startswith(CRITICAL_PATH) and os.nice(0) < LOWER_PRIORITY:
        os.nice(LOWER_PRIORITY - os.nice(0))
    _CPU_START[item.nodeid] = _cpu_seconds()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        for i, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return i
        return len(LONGEST_FIRST)

    long = sorted((i for i in items if rank(i) < len(LONGEST_FIRST)), key=rank)
    short = [i for i in items if rank(i) == len(LONGEST_FIRST)]
    ordered: list[pytest.Item] = []
    for item in long:
        ordered.append(item)
        if short:
            ordered.append(short.pop(0))
    items[:] = ordered + short


# CPU per test (its process and the children it waited for: terraform, its providers, the
# emulator), beside --durations' wall time: on two cores the suite is bound by the CPU all
# tests spend, not only by its longest test. Measured on the worker from setup to teardown,
# sent with the teardown's report, listed by the controller at the end of every run.
def _cpu_seconds() -> float:
    used = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return sum(u.ru_utime + u.ru_stime for u in used)


_CPU_START: dict[str, float] = {}
_CPU_SPENT: dict[str, float] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "teardown" and item.nodeid in _CPU_START:
        spent = _cpu_seconds() - _CPU_START.pop(item.nodeid)
        report.user_properties.append(("cpu_s", round(spent, 2)))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "teardown":
        for key, value in report.user_properties:
            if key == "cpu_s":
                _CPU_SPENT[report.nodeid] = float(value)  # type: ignore[arg-type]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _CPU_SPENT:
        total = sum(_CPU_SPENT.values())
        terminalreporter.section(f"CPU: {total:.0f} s over all tests; the 15 hungriest")
        for nodeid, spent in sorted(_CPU_SPENT.items(), key=lambda kv: -kv[1])[:15]:
            terminalreporter.write_line(f"{spent:8.1f}s  {nodeid}")
