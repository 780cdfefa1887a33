"""Language names for people, and the language of written text (on-screen text, captions).

Speech languages come from Whisper's own detector (transcribe.whisper); text uses py3langid, a
small offline identifier, and only says a language when the text is long enough to tell.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from valuedesk.languages import ENGLISH, UNKNOWN, name

__all__ = ["ENGLISH", "UNKNOWN", "name", "text_language"]

# written text: languages a short caption or overlay is plausibly in (keeps py3langid from
# calling "5 MIN SCHOOL LOOK" Luxembourgish); speech detection is not limited
TEXT_LANGUAGES = (
    "en",
    "de",
    "es",
    "fr",
    "it",
    "pt",
    "nl",
    "pl",
    "tr",
    "sv",
    "da",
    "no",
    "fi",
    "cs",
    "ro",
    "id",
)
_TEXT_MIN_WORDS = 4
_TEXT_MIN_PROB = 0.9
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import _load_identifier  # type: ignore[import-untyped]

    return _load_identifier(norm_probs=True, langs=list(TEXT_LANGUAGES))


def text_language(text: str) -> str:
    """The language of a written line, or "" when it is too short or too mixed to say."""
    words = _WORD.findall(text)
    if len(words) < _TEXT_MIN_WORDS:
        return ""
    code, prob = _identifier().classify(" ".join(words).lower())
    return str(code) if float(prob) >= _TEXT_MIN_PROB else ""
