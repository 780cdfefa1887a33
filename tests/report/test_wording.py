"""Wording of −1: "goes against", never "promotes"; both sides and the model's doubts in the summary."""

from __future__ import annotations

from valuedesk.cli.analysis import format_profile
from valuedesk.report.wording import METHOD, video_summary
from valuedesk.values import VALUES


def test_summary_says_both_sides_and_doubts() -> None:
    text = video_summary(
        ["hedonism"],
        ["stimulation"],
        ["conformity_interpersonal", "benevolence_caring"],
        unsure=["stimulation"],
    )
    promotes, _, rest = text.partition("It goes against")
    assert "Hedonism" in promotes and "Conformity" not in promotes and "Benevolence" not in promotes
    assert "Conformity: interpersonal" in rest and "Benevolence: caring" in rest
    assert "The model is unsure about Stimulation" in text
    only_against = video_summary([], [], ["humility"])
    assert only_against.startswith("This video goes against Humility") and "promot" not in only_against


def test_method_note_explains_goes_against() -> None:
    assert "goes against" in METHOD and "bragging goes against Humility" in METHOD
    assert "come from a person's review" not in METHOD  # the v2 model reads −1 itself


def _summary(labels: dict[str, int], reviewed: dict[str, int] | None = None) -> dict[str, object]:
    reviewed = reviewed or {}
    return {
        "file": "prank.mp4",
        "video_id": 1,
        "creator": "c",
        "duration_ms": 9000,
        "status": "done",
        "error": None,
        "model": "valuedesk-minilm-v2",
        "values": [
            {
                "value_id": v.id,
                "name": v.name,
                "score": 0.9 if labels.get(v.id) else 0.1,
                "label": labels.get(v.id, 0),
                "reviewed_label": reviewed.get(v.id),
                "contradiction": 0.8,
                "evidence": [],
            }
            for v in VALUES
        ],
    }


def test_show_says_goes_against() -> None:
    text = format_profile(_summary({"conformity_interpersonal": -1, "hedonism": 1}))
    line = next(ln for ln in text.splitlines() if "Conformity: interpersonal" in ln)
    assert "goes against" in line and "✗" in line and "contradicted" not in text
    text = format_profile(_summary({"humility": 1}, {"humility": -1}))
    line = next(ln for ln in text.splitlines() if "Humility" in ln)
    assert "goes against" in line and "(model: present)" in line
