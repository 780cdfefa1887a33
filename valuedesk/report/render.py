"""QtGui plumbing shared by the PDF reports: the app object, images, paper, pagination.

Only QtGui/QtCore (import-linter forbids widgets here). Pages are laid out in 96-dpi CSS
pixels and the painter is scaled to the writer's resolution: sizing the document in the
writer's device pixels would shrink all text to a third (DESIGN.md, "Qt, VLC, PDF").
"""

from __future__ import annotations

import html
import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextOption,
    QTextTable,
)

from valuedesk.report.errors import ReportError

PAPERS: dict[str, QPageSize.PageSizeId] = {
    "a4": QPageSize.PageSizeId.A4,
    "letter": QPageSize.PageSizeId.Letter,
}
CSS_DPI = 96.0
FONT_FAMILY = "DejaVu Sans"
_APP: QGuiApplication | None = None


def ensure_app() -> QGuiApplication:
    """QPdfWriter and fonts need a QGuiApplication; make an offscreen one when there is none."""
    global _APP
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a report never shows a window
        _APP = QGuiApplication([sys.argv[0] if sys.argv else "valuedesk"])
        return _APP
    if not isinstance(app, QGuiApplication):
        raise ReportError("a Qt core application is running; PDF reports need a QGuiApplication")
    return app


# Bidi controls that reorder the text around them: embeddings and overrides (U+202A–U+202E),
# isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). In a title, a creator name
# or a script line, "evil\u202etxt.exe" would print as "evilexe.txt"; the letters stay, the
# controls go (the text's own direction still comes from its letters).
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)


def plain(text: object) -> str:
    """User text without bidi controls, for anything drawn into a PDF."""
    return str(text).translate(BIDI_CONTROLS)


def esc(text: object) -> str:
    return html.escape(plain(text), quote=True)


def jpeg_image(data: bytes, max_side: int = 0) -> QImage | None:
    """Decode stored thumbnail bytes; None when they are not an image (reports degrade, not fail)."""
    img = QImage()
    if not data or not img.loadFromData(QByteArray(data)):
        return None
    if max_side and max(img.width(), img.height()) > max_side:
        img = img.scaled(
            max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return img


def fit(img: QImage, max_w: float, max_h: float) -> tuple[int, int]:
    """Display size (CSS px) keeping the aspect ratio."""
    if img.width() <= 0 or img.height() <= 0:
        return int(max_w), int(max_h)
    k = min(max_w / img.width(), max_h / img.height())
    return max(1, round(img.width() * k)), max(1, round(img.height() * k))


def paper_id(paper: str) -> QPageSize.PageSizeId:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise ReportError(f"unknown paper {paper!r}: use {' or '.join(PAPERS)}") from None


def page_text_width(paper: str = "a4") -> float:
    """Usable text width in CSS px, so callers can size images to the page."""
    return _layout(paper).paintRect(QPageLayout.Unit.Point).width() * CSS_DPI / 72.0


def _layout(paper: str) -> QPageLayout:
    return QPageLayout(
        QPageSize(paper_id(paper)),
        QPageLayout.Orientation.Portrait,
        QMarginsF(15, 13, 15, 12),
        QPageLayout.Unit.Millimeter,
    )


STYLE = """
body { color: #111; }
h1 { font-size: 17pt; margin: 0 0 2px 0; }
h2 { font-size: 12.5pt; margin: 12px 0 4px 0; color: #111; }
h3 { font-size: 10.5pt; margin: 6px 0 2px 0; }
p { margin: 2px 0 5px 0; }
.muted { color: #555; }
.small { font-size: 8pt; }
.summary { font-size: 11.5pt; }
.quote { font-size: 9.5pt; }
.tag { font-weight: bold; }
td { vertical-align: top; }
"""


def render_pdf(
    body_html: str, resources: dict[str, QImage], *, paper: str = "a4", title: str = "", footer: str = ""
) -> bytes:
    """Lay out HTML on the chosen paper and return the PDF bytes (page footer with numbers)."""
    ensure_app()
    layout = _layout(paper)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setResolution(300)
    writer.setPageLayout(layout)
    writer.setTitle(plain(title))
    writer.setCreator("ValueDesk")

    doc = QTextDocument()
    font = QFont(FONT_FAMILY)
    font.setPointSizeF(9.5)
    doc.setDefaultFont(font)
    opt = QTextOption()
    opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(opt)
    doc.setDocumentMargin(0)
    doc.setDefaultStyleSheet(STYLE)
    for name, img in resources.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), img)
    doc.setHtml(f"<html><body>{plain(body_html)}</body></html>")  # also text a caller forgot to esc()

    paint = layout.paintRect(QPageLayout.Unit.Point)
    k = CSS_DPI / 72.0
    page_w, page_h = paint.width() * k, paint.height() * k
    footer_h = 18.0
    body_h = page_h - footer_h
    doc.setPageSize(QSizeF(page_w, body_h))
    keep_tables_together(doc, body_h)
    n = doc.pageCount()

    small = QFont(FONT_FAMILY)
    small.setPixelSize(9)
    painter = QPainter(writer)
    scale = writer.resolution() / CSS_DPI
    try:
        for i in range(n):
            if i:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.save()
            painter.translate(0, -i * body_h)
            doc.drawContents(painter, QRectF(0, i * body_h, page_w, body_h))
            painter.restore()
            painter.setPen(QColor("#888888"))
            painter.drawLine(0, int(body_h + 4), int(page_w), int(body_h + 4))
            painter.setFont(small)
            painter.setPen(QColor("#444444"))
            box = QRectF(0, body_h + 6, page_w, footer_h - 6)
            painter.drawText(
                box,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                _elide(plain(footer), 110),
            )
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"page {i + 1} of {n}"
            )
            painter.restore()
    finally:
        painter.end()
    buf.close()
    return bytes(buf.data().data())


def keep_tables_together(doc: QTextDocument, page_h: float) -> None:
    """Start a top-level table (a card, a grid chunk) on a new page when it would straddle one.

    QTextDocument has no "page-break-inside: avoid"; without this a card's quote lands on one
    page and its frame on the next. Tables taller than a page are left to split.
    """
    layout = doc.documentLayout()
    for frame in doc.rootFrame().childFrames():
        if not isinstance(frame, QTextTable):
            continue
        rect = layout.frameBoundingRect(frame)
        if rect.height() >= page_h * 0.95:
            continue
        heading = _lead_in(doc.findBlock(frame.firstPosition() - 1))
        # Qt may already have pushed the table to the next page, leaving its heading behind.
        top = layout.blockBoundingRect(heading).top() if heading is not None else rect.top()
        if int(top // page_h) == int((rect.bottom() - 1) // page_h) or top % page_h < 2:
            continue  # fits on one page, or already starts a page (a break would add a blank one)
        if heading is not None:  # move the headings (and an intro line) that lead into it along
            cursor = QTextCursor(heading)
            block_fmt = heading.blockFormat()
            block_fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            cursor.setBlockFormat(block_fmt)
        else:
            fmt = frame.format()
            fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
            frame.setFormat(fmt)


def _lead_in(block: QTextBlock) -> QTextBlock | None:
    """The first of the headings (with a short intro paragraph after one) right before a table."""
    first = None
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            first = block
        elif not (
            len(block.text()) < 300
            and block.previous().isValid()
            and block.previous().blockFormat().headingLevel() > 0
        ):
            break
        block = block.previous()
    return first


def _elide(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
