"""The 19 values of Schwartz's refined theory: ids, names, definitions, circle order, groups.

Everything that names or orders values imports it from here, so the radar, the classifier
heads, the database and the reports can never disagree on order or spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Label(IntEnum):
    """Per-video label of one value (DESIGN.md §3)."""

    CONTRADICTED = -1
    ABSENT = 0
    PRESENT = 1
    DOMINANT = 2

    @property
    def word(self) -> str:
        """The machine word (exports, CLI arguments): contradicted / absent / present / dominant."""
        return {-1: "contradicted", 0: "absent", 1: "present", 2: "dominant"}[int(self)]

    @property
    def phrase(self) -> str:
        """What people read: −1 is "goes against" (the post works against the value), never "promoted"."""
        return {-1: "goes against", 0: "absent", 1: "present", 2: "dominant"}[int(self)]

    @classmethod
    def parse(cls, text: str | int) -> Label:
        """Accept -1/0/1/2 or the words ("dominant", "contradicted", "goes against", ...)."""
        if isinstance(text, int):
            return cls(text)
        t = text.strip().lower()
        if t.replace("-", " ").split() in (["against"], ["goes", "against"], ["go", "against"]):
            return cls.CONTRADICTED
        for member in cls:
            if t in (member.word, str(int(member))):
                return member
        raise ValueError(f"unknown label {text!r}: use -1, 0, 1, 2 or absent/present/dominant/contradicted")


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    color: str  # hex, used by radar and report


GROUPS: dict[str, Group] = {
    g.id: g
    for g in (
        Group("openness", "Openness to change", "#E07B39"),
        Group("self_enhancement", "Self-enhancement", "#C0392B"),
        Group("conservation", "Conservation", "#2E86C1"),
        Group("self_transcendence", "Self-transcendence", "#27AE60"),
    )
}


@dataclass(frozen=True)
class Value:
    id: str
    name: str  # Touché23 / ValueEval column name
    short: str  # compact axis label
    group: str  # Group.id
    basic: str  # one of the 10 basic values (Personal Values Dictionary keys)
    definition: str

    @property
    def color(self) -> str:
        return GROUPS[self.group].color


# Circle order (neighbours are compatible motivations; opposite axes conflict).
VALUES: tuple[Value, ...] = (
    Value(
        "self_direction_thought",
        "Self-direction: thought",
        "SD thought",
        "openness",
        "Self-Direction",
        "Freedom to cultivate one's own ideas and abilities: being creative, curious, thinking for oneself.",
    ),
    Value(
        "self_direction_action",
        "Self-direction: action",
        "SD action",
        "openness",
        "Self-Direction",
        "Freedom to determine one's own actions: choosing own goals, being independent, deciding for oneself.",
    ),
    Value(
        "stimulation",
        "Stimulation",
        "Stimulation",
        "openness",
        "Stimulation",
        "Excitement, novelty and change: an exciting, varied, daring life, new experiences and challenges.",
    ),
    Value(
        "hedonism",
        "Hedonism",
        "Hedonism",
        "openness",
        "Hedonism",
        "Pleasure and sensuous gratification: having fun, enjoying life, treats, comfort and indulgence.",
    ),
    Value(
        "achievement",
        "Achievement",
        "Achievement",
        "self_enhancement",
        "Achievement",
        "Personal success through demonstrating competence according to social standards: "
        "being ambitious, successful, capable, winning, getting results.",
    ),
    Value(
        "power_dominance",
        "Power: dominance",
        "Pow. dominance",
        "self_enhancement",
        "Power",
        "Power through exercising control over people: having influence, commanding, being in charge.",
    ),
    Value(
        "power_resources",
        "Power: resources",
        "Pow. resources",
        "self_enhancement",
        "Power",
        "Power through control of material and social resources: wealth, money, expensive possessions.",
    ),
    Value(
        "face",
        "Face",
        "Face",
        "self_enhancement",
        "Power",
        "Security and power through maintaining one's public image and avoiding humiliation: "
        "reputation, looks, status, followers and likes.",
    ),
    Value(
        "security_personal",
        "Security: personal",
        "Sec. personal",
        "conservation",
        "Security",
        "Safety in one's immediate environment: health, staying safe, a stable home, avoiding danger.",
    ),
    Value(
        "security_societal",
        "Security: societal",
        "Sec. societal",
        "conservation",
        "Security",
        "Safety and stability in the wider society: social order, national security, protection from crime.",
    ),
    Value(
        "tradition",
        "Tradition",
        "Tradition",
        "conservation",
        "Tradition",
        "Maintaining and preserving cultural, family or religious traditions and customs.",
    ),
    Value(
        "conformity_rules",
        "Conformity: rules",
        "Conf. rules",
        "conservation",
        "Conformity",
        "Compliance with rules, laws and formal obligations: obeying, following the rules, being disciplined.",
    ),
    Value(
        "conformity_interpersonal",
        "Conformity: interpersonal",
        "Conf. interpers.",
        "conservation",
        "Conformity",
        "Avoidance of upsetting or harming other people: politeness, tact, not offending or embarrassing others.",
    ),
    Value(
        "humility",
        "Humility",
        "Humility",
        "conservation",
        "Tradition",
        "Recognising one's insignificance in the larger scheme of things: modesty, being humble, "
        "not showing off.",
    ),
    Value(
        "benevolence_dependability",
        "Benevolence: dependability",
        "Ben. dependab.",
        "self_transcendence",
        "Benevolence",
        "Being a reliable and trustworthy member of the in-group: loyalty, keeping promises, responsibility.",
    ),
    Value(
        "benevolence_caring",
        "Benevolence: caring",
        "Ben. caring",
        "self_transcendence",
        "Benevolence",
        "Devotion to the welfare of in-group members: helping, caring for family and friends, kindness, love.",
    ),
    Value(
        "universalism_concern",
        "Universalism: concern",
        "Univ. concern",
        "self_transcendence",
        "Universalism",
        "Commitment to equality, justice and protection for all people: fairness, human rights, the weak.",
    ),
    Value(
        "universalism_nature",
        "Universalism: nature",
        "Univ. nature",
        "self_transcendence",
        "Universalism",
        "Preservation of the natural environment: protecting nature, animals, climate, recycling.",
    ),
    Value(
        "universalism_tolerance",
        "Universalism: tolerance",
        "Univ. tolerance",
        "self_transcendence",
        "Universalism",
        "Acceptance and understanding of those who are different from oneself: open-mindedness, diversity.",
    ),
)

VALUE_IDS: tuple[str, ...] = tuple(v.id for v in VALUES)
BY_ID: dict[str, Value] = {v.id: v for v in VALUES}
BY_NAME: dict[str, Value] = {v.name: v for v in VALUES}
N_VALUES = len(VALUES)

# The 20th Touché23 category; not scored by ValueDesk (reports cover the 19).
EXTRA_TOUCHE_CATEGORY = "Universalism: objectivity"


def lookup(key: str) -> Value:
    """Find a value by id, full name or short label, case-insensitively ("Hedonism", "face")."""
    k = key.strip().lower()
    for v in VALUES:
        if k in (v.id, v.name.lower(), v.short.lower(), v.id.replace("_", " ")):
            return v
    raise KeyError(f"unknown value {key!r}; known: {', '.join(VALUE_IDS)}")
