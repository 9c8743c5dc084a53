"""What a Lambda zip's sources import that the zip and the runtime do not have (shared by the
auth and telemetry package tests)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path


def missing_imports(sources: list[tuple[Path, str]], allowed: set[str]) -> list[tuple[str, str]]:
    """(zip name, module) for every import of the zipped sources that is neither another
    zipped module, the standard library, nor one of `allowed` (top-level names)."""
    zipped = {name.removesuffix(".py").replace("/", ".") for _, name in sources}
    zipped |= {m.removesuffix(".__init__") for m in zipped}
    available = set(sys.stdlib_module_names) | allowed
    missing = []
    for path, name in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("jitsi_ecs"):
                    # `from a import b`: b is either a module (then it must be zipped) or a
                    # name defined in a (then a must be).
                    for alias in node.names:
                        module = f"{node.module}.{alias.name}"
                        needed = module if _is_module(module) else node.module
                        if needed not in zipped:
                            missing.append((name, needed))
                    continue
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if (module not in zipped) if top == "jitsi_ecs" else (top not in available):
                    missing.append((name, module))
    return missing


def _is_module(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # its parent is a module, not a package: a name in it
        return False
