"""The core stays free of the terminal: importing it loads no Textual, no Rich, no app and no
command line (the import-linter contract in pyproject.toml says so statically; this checks
the process, and that the contract's list of core packages is whole)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import callqueue

ROOT = Path(__file__).resolve().parents[2]
EDGE = {"app", "cli", "__main__", "locale"}  # what may reach a terminal, and data
TERMINAL = ("textual", "textual_serve", "rich", "callqueue.app", "callqueue.cli")


def core_packages() -> set[str]:
    package = Path(callqueue.__file__).parent
    names = {p.stem for p in package.glob("*.py")} | {
        p.name for p in package.iterdir() if (p / "__init__.py").is_file()
    }
    return {f"callqueue.{n}" for n in names - EDGE - {"__init__"}}


def test_the_contract_lists_every_core_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    assert set(contract["source_modules"]) == core_packages()
    assert set(contract["forbidden_modules"]) == set(TERMINAL)


def test_importing_the_whole_core_loads_no_terminal_library() -> None:
    package = Path(callqueue.__file__).parent
    modules = sorted(
        ".".join(("callqueue", *path.relative_to(package).with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0].removesuffix(".py") not in EDGE
        and "migrations" not in path.parts  # Alembic's scripts, run only by Alembic
    )
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded = json.loads(done.stdout)
    assert "callqueue.recording.save" in loaded and "callqueue.queue.build" in loaded
    assert [m for m in loaded if m.split(".")[0] in TERMINAL or m.startswith(TERMINAL)] == []
