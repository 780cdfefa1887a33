"""Screenshots of the explorer, light and dark, at a school laptop's 1366×768 and at 1920×1080:
the video view (player, script, radar, value table), the creator view and the welcome page.

    .venv/bin/python packaging/screenshots.py --out docs/screenshots
    .venv/bin/python packaging/screenshots.py --out build/shots --size 1280x720 --themes dark
    xvfb-run -a .venv/bin/python packaging/screenshots.py --out build/screenshots --x11

Builds the demo project with `valuedesk demo` (the packaged sample clips) into build/demo/
unless --project names an analysed one. Each window starts as on a first start at that size
(nothing remembered). Offscreen (default) the player shows the analysed keyframe at the play
position; with --x11 (under Xvfb) VLC draws real frames and the screen is captured with
ImageMagick's `import`, since Qt's grab() cannot see VLC's native window. PNGs are RGB at full
compression, so the whole set (12 files) stays around 2 MB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "build" / "demo" / "demo.vdproj"
SIZES = "1366x768,1920x1080"


def build_demo(project: Path, classifier: str | None) -> None:
    """`valuedesk demo` in its own process: the models never load into the screenshot process."""
    cmd = [sys.executable, "-m", "valuedesk", "demo", "--project", str(project)]
    if classifier:
        cmd += ["--classifier", classifier]
    print("building the demo project:", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)


def default_classifier() -> str | None:
    """None (the CLI's default, the trained model) when it is installed, else the zero-shot baseline."""
    from valuedesk.pipeline import AnalysisSettings
    from valuedesk.ui.settings_dialog import value_model_folder

    folder = value_model_folder(AnalysisSettings())
    return None if folder is not None and (folder / "config.json").exists() else "baseline"


def pick_subject(project_path: Path) -> tuple[int, str, str]:
    """(video id, value id, creator): a video that contradicts something shows the most."""
    from valuedesk.project.store import Project
    from valuedesk.review import video_reading

    with Project.open(project_path, readonly=True) as p:
        best: tuple[int, int, str, str] | None = None
        for v in p.videos():
            if v["status"] != "done":
                continue
            labels = video_reading(p, int(v["id"])).effective()
            contradicted = [k for k, lab in labels.items() if lab == -1]
            endorsed = [k for k, lab in labels.items() if lab >= 1]
            evidence = p.evidence(int(v["id"]))
            pick = next((k for k in contradicted if any(e["value_id"] == k for e in evidence)), None)
            pick = pick or next((k for k in endorsed if any(e["value_id"] == k for e in evidence)), None)
            rank = (2 if contradicted else 0) + (1 if pick else 0)
            if pick and (best is None or rank > best[0]):
                best = (rank, int(v["id"]), pick, str(v["creator"]))
        if best is None:
            raise SystemExit(f"{project_path}: no analysed video with evidence to show")
        creators = [c["name"] for c in p.creators() if c["n_videos"] > 1]
        creator = best[3] if best[3] in creators or not creators else creators[0]
        return best[1], best[2], creator


def capture(widget: object, out: Path, x11: bool) -> Path:
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)
    QApplication.processEvents()
    if x11 and shutil.which("import"):
        win = widget.window()
        geo = (
            widget.geometry()
            if widget is win
            else widget.rect().translated(widget.mapTo(win, widget.rect().topLeft()))
        )
        crop = f"{geo.width()}x{geo.height()}+{geo.x()}+{geo.y()}"
        subprocess.run(
            ["import", "-window", hex(int(win.winId())), "-crop", crop, "+repage", str(out)], check=True
        )
    else:
        save_png(widget.grab().toImage(), out)
    print("wrote", out, flush=True)
    return out


def save_png(image: object, out: Path) -> None:
    """An RGB PNG (no alpha channel) at full compression: true colours, about a quarter megabyte a window."""
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    if not image.convertToFormat(QImage.Format.Format_RGB888).save(str(out), "PNG", 0):
        raise SystemExit(f"cannot write {out}")


def wait(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def shoot(
    project_path: Path, out: Path, themes: list[str], sizes: list[tuple[int, int]], x11: bool
) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from valuedesk.ui import prefs
    from valuedesk.ui.mainwindow import MainWindow
    from valuedesk.ui.theme import ThemeController

    app = QApplication.instance() or QApplication(["valuedesk-screenshots"])
    app.setOrganizationName(prefs.ORG)
    app.setApplicationName(prefs.APP)
    video_id, value_id, creator = pick_subject(project_path)
    theme = ThemeController(app)  # type: ignore[arg-type]
    written: list[Path] = []
    for width, height in sizes:
        for name in themes:
            prefs.settings().clear()  # every window as on a first start at this size
            tag = f"{name}_{width}x{height}"
            theme.apply(name)
            window = MainWindow(theme)
            window.resize(width, height)
            window.show()
            wait(200)
            if not window.open_project(str(project_path), quiet=True):
                raise SystemExit(f"{project_path}: cannot open the project")
            window.queue_dock.hide()
            window.library.select_video(video_id)
            window.select_value(value_id)
            evidence = window.value_panel.evidence
            duration = window.player.duration_ms() or 10_000
            start = int(evidence.item(0)["start_ms"]) if evidence.count() else duration // 2
            target = start + 400 if abs(start - duration // 2) < duration // 3 else duration // 2
            window.player.seek(max(0, target - 600))
            window.player.play()
            wait(600)
            window.player.pause()
            wait(300)
            written.append(capture(window, out / f"video_{tag}.png", x11))
            window.library.select_creator(creator)
            wait(300)
            written.append(capture(window, out / f"creator_{tag}.png", x11))
            window.close_project()
            written.append(capture(window, out / f"welcome_{tag}.png", x11))
            window.close()
            window.deleteLater()
            wait(100)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument("--project", type=Path, help="an analysed project (default: build the demo project)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the demo project even if it exists")
    parser.add_argument(
        "--classifier", help="classifier for the demo build (default: trained, else baseline)"
    )
    parser.add_argument("--themes", default="light,dark")
    parser.add_argument("--size", default=SIZES, help=f"window sizes WxH, comma-separated (default {SIZES})")
    parser.add_argument("--x11", action="store_true", help="real video under X11/Xvfb (run with xvfb-run)")
    args = parser.parse_args(argv)
    if args.x11:
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    else:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(
        prefix="vd-shots-config-"
    )  # leave the user's settings alone
    args.out.mkdir(parents=True, exist_ok=True)
    project = args.project
    if project is None:
        project = DEMO
        project.parent.mkdir(parents=True, exist_ok=True)
        if args.rebuild or not project.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(project) + suffix).unlink(missing_ok=True)
            build_demo(project, args.classifier or default_classifier())
    sizes = [
        (int(w), int(h))
        for w, h in (part.strip().lower().split("x") for part in args.size.split(",") if part.strip())
    ]
    shots = shoot(
        project.resolve(), args.out, [t.strip() for t in args.themes.split(",") if t.strip()], sizes, args.x11
    )
    print(f"{len(shots)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
