"""Print the Inputs/Outputs tables of infra/README.md from infra/*variables.tf and outputs.tf.

    python scripts/infra_docs.py > /tmp/tables.md   # paste between the README markers
tests/infra/test_docs.py fails when the README no longer matches.
"""

from __future__ import annotations

import re
from pathlib import Path

INFRA = Path(__file__).resolve().parents[1] / "infra"


def blocks(kind: str, text: str) -> list[tuple[str, str]]:
    found = []
    for name, body in re.findall(rf'^{kind} "([^"]+)" \{{(.*?)^\}}', text, flags=re.S | re.M):
        desc = re.search(r'description\s*=\s*"((?:[^"\\]|\\.)*)"', body)
        found.append((name, desc.group(1) if desc else ""))
    return found


def tables() -> str:
    lines = ["| input | description |", "|---|---|"]
    for source in ("variables.tf", "tool_variables.tf"):
        lines += [f"| `{n}` | {d} |" for n, d in blocks("variable", (INFRA / source).read_text())]
    lines += ["", "| output | description |", "|---|---|"]
    lines += [f"| `{n}` | {d} |" for n, d in blocks("output", (INFRA / "outputs.tf").read_text())]
    return "\n".join(lines)


if __name__ == "__main__":
    print(tables())
