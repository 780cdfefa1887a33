"""RadarWidget: renders, clicks select values, contradicted values are visibly marked."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from tests.ui._widget_fixtures import LABELS_1
from valuedesk.ui.radar import CONTRADICTED_COLOR, RING, RadarWidget, label_text
from valuedesk.values import VALUE_IDS

pytestmark = pytest.mark.gui

MODEL = {k: lab for k, (_s, lab) in LABELS_1.items()}
SCORES = {k: s for k, (s, _lab) in LABELS_1.items()}


@pytest.fixture
def radar(qtbot) -> RadarWidget:  # type: ignore[no-untyped-def]
    w = RadarWidget()
    qtbot.addWidget(w)
    w.set_profile(MODEL, SCORES, {"stimulation": 2})
    w.resize(460, 460)
    w.show()
    qtbot.waitExposed(w)
    return w


def _reddish(c: QColor) -> bool:
    return c.red() > 170 and c.green() < 110 and c.blue() < 110


def _red_pixels_near(img: QImage, center: QPoint, r: int = 9) -> int:
    n = 0
    for x in range(center.x() - r, center.x() + r + 1):
        for y in range(center.y() - r, center.y() + r + 1):
            if 0 <= x < img.width() and 0 <= y < img.height() and _reddish(img.pixelColor(x, y)):
                n += 1
    return n


def test_profile_labels_and_reviewed_override(radar: RadarWidget) -> None:
    assert radar.effective_label("achievement") == 2
    assert radar.effective_label("stimulation") == 2  # reviewer beats the model's 1
    assert radar.effective_label("tradition") == 0
    assert radar.contradicted_values() == ["face", "humility"]
    assert label_text(-1) == "✕ goes against"
    assert len(radar._scatter.points()) == len(VALUE_IDS)
    assert len(radar._ghosts.points()) == 1  # where the model had put stimulation
    (ghost,) = radar._ghosts.points()
    assert abs((ghost.pos().x() ** 2 + ghost.pos().y() ** 2) ** 0.5 - RING[1]) < 1e-6


def test_scatter_click_emits_value_clicked(qtbot, radar: RadarWidget) -> None:  # type: ignore[no-untyped-def]
    pt = next(p for p in radar._scatter.points() if p.data() == "achievement")
    with qtbot.waitSignal(radar.value_clicked, timeout=1000) as sig:
        radar._scatter.sigClicked.emit(radar._scatter, [pt], None)
    assert sig.args == ["achievement"]


def test_real_mouse_click_on_vertex(qtbot, radar: RadarWidget) -> None:  # type: ignore[no-untyped-def]
    pos = radar.vertex_pos("benevolence_caring").toPoint()
    with qtbot.waitSignal(radar.value_clicked, timeout=1000) as sig:
        qtbot.mouseClick(radar.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == ["benevolence_caring"]


def test_axis_label_click_and_contradicted_label_is_red(qtbot, radar: RadarWidget) -> None:  # type: ignore[no-untyped-def]
    item = next(a for a in radar._axis_labels if a.value_id == "humility")
    assert "✕" in item.toPlainText()
    assert _reddish(item.color)
    plain = next(a for a in radar._axis_labels if a.value_id == "hedonism")
    assert "✕" not in plain.toPlainText() and not _reddish(plain.color)
    with qtbot.waitSignal(radar.value_clicked, timeout=1000) as sig:
        item._on_click(item.value_id)
    assert sig.args == ["humility"]


def test_image_has_contradicted_colour_at_contradicted_axis(qtbot, radar: RadarWidget) -> None:  # type: ignore[no-untyped-def]
    img = radar.grab().toImage()
    offset = radar.plot.viewport().mapTo(radar, QPoint(0, 0))
    at = {
        vid: radar.vertex_pos(vid).toPoint() + offset for vid in ("humility", "face", "hedonism", "tradition")
    }
    assert _red_pixels_near(img, at["humility"]) > 15
    assert _red_pixels_near(img, at["face"]) > 15
    assert _red_pixels_near(img, at["hedonism"]) == 0
    assert _red_pixels_near(img, at["tradition"]) == 0
    assert QColor(CONTRADICTED_COLOR).red() > 170


def test_render_image_and_palette_colours(radar: RadarWidget) -> None:
    radar.set_palette_colors(QColor("#E8EAED"), QColor("#17181A"))
    img = radar.render_image(300, 280)
    assert (img.width(), img.height()) == (300, 280)
    assert img.pixelColor(5, 5).name() == "#17181a"  # background follows the given colours
    reds = sum(_reddish(img.pixelColor(x, y)) for x in range(0, 300, 2) for y in range(0, 280, 2))
    assert reds > 10


def test_shares_mode_and_selection(radar: RadarWidget) -> None:
    radar.set_shares({"achievement": 1.0, "hedonism": 0.5}, {"humility": 2 / 3})
    assert radar.contradicted_values() == ["humility"]
    assert "67%" in radar._tip("humility")
    radar.set_selected("achievement")
    assert next(a for a in radar._axis_labels if a.value_id == "achievement").textItem.font().underline()
    radar.clear()
    assert radar.contradicted_values() == []


def test_follows_application_palette(qtbot, radar: RadarWidget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from tests.ui._widget_fixtures import dark_palette

    app = QApplication.instance()
    old = app.palette()
    try:
        app.setPalette(dark_palette())
        qtbot.wait(10)
        assert radar.plot.backgroundBrush().color().name() == "#17181a"
        assert radar.colors()[0].name() == "#e8eaed"
        label = next(a for a in radar._axis_labels if a.value_id == "achievement")
        assert label.color.lightness() > 200  # light text on the dark background
    finally:
        app.setPalette(old)


# ------------------------------------------------------------------ one geometry for the app and the PDF
PROFILE = {
    "self_direction_thought": 1,
    "stimulation": 2,
    "hedonism": -1,
    "achievement": 2,
    "power_resources": 1,
    "face": -1,
    "tradition": 0,
    "humility": -1,
    "benevolence_caring": 1,
    "universalism_nature": 2,
}


def _close(a: list[tuple[float, float]], b: list[tuple[float, float]], tol: float = 1e-6) -> bool:
    return len(a) == len(b) and all(
        abs(x1 - x2) <= tol and abs(y1 - y2) <= tol for (x1, y1), (x2, y2) in zip(a, b, strict=False)
    )


def test_app_and_pdf_radars_draw_the_same_shape(radar: RadarWidget) -> None:
    """One profile, two radars: the polygon the widget shows and the one the PDF paints, on a unit radius."""
    from valuedesk.report.radar import draw_radar_traced, share_spec, video_spec

    radar.set_profile(PROFILE, {k: 0.7 for k in PROFILE})
    app = [
        (p.x(), p.y()) for p in radar._poly.polygon()
    ]  # the QGraphicsPolygonItem on screen, outer ring = 1
    _img, trace = draw_radar_traced(video_spec(PROFILE), scale=1.0)
    paper = trace.unit_vertices()
    assert len(app) == len(VALUE_IDS) and _close(app, paper, 1e-3), (app, paper)
    # the scatter vertices (what a click hits) sit on the same points
    spots = {p.data(): (p.pos().x(), p.pos().y()) for p in radar._scatter.points()}
    assert _close([spots[v] for v in VALUE_IDS], paper, 1e-3)
    # −1 dips inside the absent ring on both
    i = VALUE_IDS.index("humility")
    assert abs((paper[i][0] ** 2 + paper[i][1] ** 2) ** 0.5 - RING[-1]) < 1e-3

    endorsed, against = {"achievement": 1.0, "hedonism": 0.5, "face": 0.25}, {"humility": 2 / 3}
    radar.set_shares(endorsed, against)
    app = [(p.x(), p.y()) for p in radar._poly.polygon()]
    _img, trace = draw_radar_traced(share_spec(endorsed, against), scale=1.0)
    assert _close(app, trace.unit_vertices(), 1e-3)


@pytest.mark.parametrize("size", [(300, 260), (460, 460), (520, 300), (900, 700)])
def test_axis_labels_never_overlap_and_stay_inside(qtbot, radar: RadarWidget, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    radar.set_profile(PROFILE, {})  # bold, ✕-marked labels are the widest
    radar.resize(*size)
    qtbot.wait(20)
    rects = radar.axis_label_rects()
    view = radar.plot.viewport().rect()
    ids = list(rects)
    assert [(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :] if rects[a].intersects(rects[b])] == []
    assert all(view.contains(r.toRect().adjusted(1, 1, -1, -1)) for r in rects.values()), (rects, view)
