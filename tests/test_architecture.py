"""Layering is enforced by import-linter (pyproject.toml): the core never imports Qt widgets."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    proc = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_modules_stay_small() -> None:
    big = [
        (p, n)
        for p in (ROOT / "valuedesk").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    ]
    assert not big, f"split these modules: {big}"


def test_core_never_imports_qt_widgets() -> None:
    """import-linter cannot forbid a subpackage of an external package, so check the source."""
    import ast

    offenders = []
    for path in (ROOT / "valuedesk").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "valuedesk").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            if any(n.startswith(("PySide6.QtWidgets", "pyqtgraph")) for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders
