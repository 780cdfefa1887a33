"""Language codes in people's words: what the script, the explorer and the reports say.

The codes are Whisper's (ISO 639-1); "?" marks speech whose language could not be checked and
that the English-only model was unsure of.
"""

from __future__ import annotations

NAMES = {
    "en": "English", "de": "German", "es": "Spanish", "fr": "French", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ru": "Russian",
    "uk": "Ukrainian", "ar": "Arabic", "hi": "Hindi", "ja": "Japanese", "ko": "Korean",
    "zh": "Chinese", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "nn": "Norwegian Nynorsk",
    "fi": "Finnish", "cs": "Czech", "el": "Greek", "he": "Hebrew", "hu": "Hungarian",
    "ro": "Romanian", "id": "Indonesian", "ms": "Malay", "th": "Thai", "vi": "Vietnamese",
    "tl": "Tagalog", "fa": "Persian", "ur": "Urdu", "bn": "Bengali", "ta": "Tamil", "la": "Latin",
    "ca": "Catalan", "hr": "Croatian", "sr": "Serbian", "bg": "Bulgarian", "sk": "Slovak",
}  # fmt: skip
UNKNOWN = "?"
ENGLISH = "en"


def name(code: str) -> str:
    if code == UNKNOWN:
        return "unclear language"
    return NAMES.get(code, code)


def describe(languages: dict[str, float]) -> str:
    """ "English 4.9 s, German 8.8 s (German translated to English for the value reading)"."""
    parts = [f"{name(code)} {sec:.1f} s" for code, sec in sorted(languages.items(), key=lambda kv: -kv[1])]
    foreign = [name(c) for c in languages if c not in (ENGLISH, UNKNOWN)]
    tail = f" ({', '.join(foreign)} translated to English for the value reading)" if foreign else ""
    return ", ".join(parts) + tail
