"""Regenerate the bundled sample clips in resources/samples/ (espeak-ng speech, drawn captions, sidecars).

Each clip is written to carry different values (emoji only in captions: the drawn
text uses DejaVu, which has none); `prank-teacher` contradicts Conformity:
interpersonal and Humility. Run: .venv/bin/python packaging/make_samples.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1])
)  # the checkout: clipgen is test support, not shipped
from tests.support.clipgen import ClipSegment, make_clip, write_info_json  # noqa: E402

SAMPLES = {
    "mia-morning-grind": dict(
        uploader="MiaGlowUp",
        upload_date="20260912",
        title="my 5am routine that made me rich",
        description="Grind now, shine later. Nobody remembers second place 💸 #hustle #goals #rich #winning",
        segments=[
            ClipSegment(
                "Five a.m. and I'm already at the gym. Winners never sleep in.",
                "5AM CLUB",
                background=(25, 25, 45),
            ),
            ClipSegment(
                "Straight A's again, and my shop made three thousand dollars this month.",
                "RICH BY 20 $$$",
                background=(60, 45, 10),
            ),
            ClipSegment(
                "If you want to be the best, work harder than everyone else.",
                "BE THE BEST",
                background=(70, 20, 20),
            ),
        ],
    ),
    "mia-first-drop": dict(
        uploader="MiaGlowUp",
        upload_date="20260920",
        title="first time on the big ramp",
        description="Scared but I did it anyway 🛹 #skate #adventure #firsttime",
        segments=[
            ClipSegment(
                "First time on the big ramp. I decided this myself, nobody pushed me.",
                "MY CHOICE",
                background=(20, 60, 70),
            ),
            ClipSegment(
                "My heart is racing. New things are scary, but so exciting!",
                "SO EXCITING",
                background=(80, 30, 90),
            ),
        ],
    ),
    "kindkids-grandpa-garden": dict(
        uploader="KindKidsClub",
        upload_date="20260805",
        title="helping grandpa in the garden",
        description="Family first 🌱 We collect rain water for the plants. #family #nature #grandpa",
        segments=[
            ClipSegment(
                "Today I am helping my grandpa plant tomatoes in his garden.",
                "Grandpa's garden",
                background=(30, 80, 40),
            ),
            ClipSegment(
                "We collect rain water, so we never waste any, and the bees love his flowers.",
                "Save water",
                background=(20, 60, 90),
            ),
            ClipSegment(
                "He is getting old, so I visit him every Sunday to take care of him.",
                "Every Sunday",
                background=(90, 50, 50),
            ),
        ],
    ),
    "prankking-teacher": dict(
        uploader="PrankKing",
        upload_date="20261002",
        title="pranking my teacher lol",
        description="she deserved it 😂 #prank #noRules #viral",
        segments=[
            ClipSegment(
                "Rules are for losers. Watch me skip class again.", "RULES? NEVER", background=(90, 20, 20)
            ),
            ClipSegment(
                "I put glue on the teacher's chair and the whole class laughed at her.",
                "SHE CRIED LOL",
                background=(50, 20, 70),
            ),
            ClipSegment(
                "Who cares if people get hurt. I'm better than all of them anyway.",
                "I'M THE KING",
                background=(20, 20, 20),
            ),
        ],
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" / "samples"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for stem, spec in SAMPLES.items():
        path = out / f"{stem}.mp4"
        truth = make_clip(path, spec["segments"])
        write_info_json(
            path,
            uploader=spec["uploader"],
            description=spec["description"],
            upload_date=spec["upload_date"],
            title=spec["title"],
        )
        print(f"{path.name}: {truth.duration_ms / 1000:.1f} s, {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
