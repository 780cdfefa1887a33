"""Where the shipped model and the bundled resources are, in a source checkout and in an installed wheel.

The one lookup for files that live outside the Python package. The tree mirrors the repository:

    models/<name>/          the trained value model (models/value-minilm: config, delta, card, log)
    resources/samples/      the sample clips `valuedesk demo` analyzes
    resources/datasets/     training/validation data; only personal-values-dictionary/ is needed
                            at run time (the zero-shot baseline's lexicon)

- Source checkout (editable install, tests, bench/ and packaging/ scripts): the repository's own
  models/ and resources/ folders, found beside the package (the folder that holds pyproject.toml).
- Installed wheel (`pip install .`, not editable): pyproject.toml's [tool.setuptools.data-files]
  ships the run-time part of that tree as data files under `<prefix>/share/valuedesk/`; their
  place is read from the installed distribution's file list (RECORD), so any install scheme
  (venv, --user, --prefix) is found. The big training datasets are not shipped.

Only the standard library is imported here (the GUI thread calls it; no numpy, no torch).
"""

from __future__ import annotations

import sys
from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath

__all__ = ["DEFAULT_MODEL", "checkout_root", "data_root", "installed_root", "model_dir", "resource_path"]

DEFAULT_MODEL = "value-minilm"
SHARE = ("share", "valuedesk")  # the wheel's data-files folder, relative to the install prefix
_PACKAGE = Path(__file__).resolve().parent


@cache
def checkout_root() -> Path | None:
    """The repository root when valuedesk runs from a source checkout, else None."""
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "models").is_dir() and (root / "resources").is_dir():
        return root
    return None


def _own_distribution() -> metadata.Distribution | None:
    """The installed valuedesk distribution whose files include this very module (a second,
    editable one elsewhere on sys.path must not answer for it)."""
    fallback = None
    for dist in metadata.distributions(name="valuedesk"):
        if fallback is None:
            fallback = dist
        try:
            here = Path(str(dist.locate_file("valuedesk/resources.py"))).resolve()
        except OSError:
            continue
        if here == Path(__file__).resolve():
            return dist
    return fallback


@cache
def installed_root() -> Path | None:
    """`<prefix>/share/valuedesk` of an installed wheel (where its data files went), else None."""
    dist = _own_distribution()
    files = (dist.files or []) if dist is not None else []
    for f in files:
        parts = PurePosixPath(str(f)).parts
        for i in range(len(parts) - 1):
            if parts[i : i + 2] == SHARE and dist is not None:
                root = Path(str(dist.locate_file(PurePosixPath(*parts[: i + 2])))).resolve()
                if root.is_dir():
                    return root
    candidate = Path(sys.prefix, *SHARE)
    return candidate if candidate.is_dir() else None


def data_root() -> Path:
    """The folder holding models/ and resources/: the checkout first, then the installed data files.

    When neither exists the checkout-shaped path is returned, so callers report a missing file
    with their usual message instead of failing here.
    """
    return checkout_root() or installed_root() or _PACKAGE.parent


def resource_path(*parts: str) -> Path:
    """resources/<parts...>, e.g. `resource_path("samples")`; the path may not exist."""
    return data_root().joinpath("resources", *parts)


def model_dir(name: str = DEFAULT_MODEL) -> Path:
    """models/<name>: the shipped trained model folder ($VALUEDESK_MODEL_DIR: classify.default_model_dir)."""
    return data_root() / "models" / name
