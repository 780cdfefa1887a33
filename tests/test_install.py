"""A NON-editable install works away from the checkout: the wheel ships the model and the resources.

Builds the wheel from a clean copy of the source tree, installs it (no dependencies, no index)
into a fresh venv whose only link to .venv is a .pth line that puts .venv's site-packages
(torch, PySide6, ...) after its own, then runs `valuedesk analyze` and `valuedesk show` from a
folder outside the repository. Nothing is downloaded: the build uses .venv's setuptools
(--no-build-isolation) and every pip call has --no-index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP_DIRS = {
    ".git",
    ".venv",
    "build",
    "dist",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    ".mypy_cache",
    ".import_linter_cache",
    "out",
    "tmp",
}
CLIP = "mia-first-drop.mp4"  # the shortest sample clip (10 s)

CHECK = """
import json, valuedesk
from valuedesk import resources
from valuedesk.classify import default_model_dir
from valuedesk.classify.data import PVD_FILE
from valuedesk.cli.analysis import SAMPLES_DIR
print(json.dumps({"module": valuedesk.__file__, "checkout": str(resources.checkout_root()),
                  "model": str(default_model_dir()), "samples": str(SAMPLES_DIR), "pvd": str(PVD_FILE),
                  "pvd_ok": PVD_FILE.is_file(), "model_ok": (default_model_dir() / "config.json").is_file()}))
"""


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_DIRS or n.endswith(".egg-info") or ".vdproj" in n}


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.slow
def test_wheel_installs_and_analyzes_outside_the_checkout(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "VALUEDESK_MODEL_DIR", "PYTHONSTARTUP")
    }
    env.update(
        PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"
    )

    # 1. the wheel, from a clean copy (an in-place build would leave build/ and reuse its stale files)
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=_ignore, symlinks=True)
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(src),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path / "dist"),
        ],
        tmp_path,
        env,
    )
    (wheel,) = (tmp_path / "dist").glob("valuedesk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    data = (
        next(n.split("/share/valuedesk/")[0] for n in names if "/share/valuedesk/" in n) + "/share/valuedesk/"
    )
    for shipped in (
        "models/value-minilm/config.json",
        "models/value-minilm/delta.safetensors",
        f"resources/samples/{CLIP}",
        "resources/datasets/personal-values-dictionary/pvd-en.json",
    ):
        assert data + shipped in names, shipped
    assert "valuedesk/resources.py" in names
    assert not [n for n in names if "clipgen" in n or n.startswith("tests/")], "test support is not shipped"
    assert not [n for n in names if re.search(r"touche23|webis|valuedesk-scripts", n)], (
        "training data is not shipped"
    )
    assert wheel.stat().st_size < 20 * 1024 * 1024

    # 2. a fresh venv that borrows .venv's installed dependencies, then a plain (non-editable) install
    new = tmp_path / "new"
    _run([sys.executable, "-m", "venv", "--without-pip", str(new)], tmp_path, env)
    py = new / "bin" / "python"
    site = Path(
        _run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, env).strip()
    )
    deps = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (site / "valuedesk-test-deps.pth").write_text("".join(f"{d}\n" for d in deps), encoding="utf-8")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        tmp_path,
        env,
    )

    # 3. outside the repository: the package, the model and the samples all come from the install
    work = tmp_path / "work"
    work.mkdir()
    where = json.loads(_run([str(py), "-c", CHECK], work, env))
    assert Path(where["module"]).resolve().is_relative_to(site.resolve()), where
    assert where["checkout"] == "None", where
    share = (new / "share" / "valuedesk").resolve()
    for key in ("model", "samples", "pvd"):
        assert Path(where[key]).resolve().is_relative_to(share), where
        assert not Path(where[key]).resolve().is_relative_to(ROOT), where
    assert where["model_ok"] and where["pvd_ok"], where
    exe = new / "bin" / "valuedesk"
    assert exe.read_text(encoding="utf-8").splitlines()[0] == f"#!{py}"

    clip = Path(where["samples"]) / CLIP
    project = work / "P.vdproj"
    _run([str(exe), "analyze", str(clip), "--project", str(project), "--classifier", "trained"], work, env)
    out = _run([str(exe), "show", "1", "--project", str(project)], work, env)
    assert CLIP in out and "(video 1" in out, out
    assert re.search(r"model: \S+", out), out
    assert re.search(r"\b(dominant|present|goes against)\s+p=\d\.\d\d", out), out
