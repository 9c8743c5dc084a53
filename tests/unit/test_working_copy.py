"""The working copy Terraform runs in holds the tool's files only (issue 21)."""

from __future__ import annotations

from pathlib import Path

from jitsi_ecs.terraform import BACKEND_FILE, sync_working_copy

STRAYS = [
    "extra.tf",
    "override.tf.json",
    "evil.tf.json",
    "terraform.tfvars",
    "x.auto.tfvars",
    "y.auto.tfvars.json",
    "z.tftest.hcl",
]


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "infra"
    (source / "modules" / "m").mkdir(parents=True)
    (source / "main.tf").write_text("# main\n")
    (source / "modules" / "m" / "main.tf").write_text("# m\n")
    (source / ".terraform.lock.hcl").write_text("# lock\n")
    return source


def test_every_file_terraform_would_read_is_cleared(tmp_path: Path) -> None:
    dest = tmp_path / "stack"
    dest.mkdir()
    for name in STRAYS:
        (dest / name).write_text('variable "x" {}\n')
    (dest / "terraform.tfvars.json").write_text("{}")  # the tool's, rewritten before each plan
    (dest / BACKEND_FILE).write_text('terraform {\n  backend "s3" {}\n}\n')
    (dest / "terraform.tfstate").write_text("{}")
    sync_working_copy(_source(tmp_path), dest)
    left = sorted(p.name for p in dest.iterdir())
    assert left == sorted(
        [".terraform.lock.hcl", BACKEND_FILE, "main.tf", "modules", "terraform.tfstate"]
    )
    assert (dest / "main.tf").read_text() == "# main\n"
