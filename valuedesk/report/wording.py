"""Plain words for parents: what each value means in everyday language, summaries, prompts.

Reports are read by parents and teachers, not researchers: every value name is followed by a
few everyday words, sentences say "promotes" / "goes against", and each dominant value comes
with a fixed, open question to talk about with a child (no judgement baked in).
"""

from __future__ import annotations

from collections.abc import Sequence

from valuedesk.values import BY_ID

GLOSS: dict[str, str] = {
    "self_direction_thought": "thinking for yourself, creativity, curiosity",
    "self_direction_action": "making your own choices, independence",
    "stimulation": "excitement, thrills, trying new things",
    "hedonism": "fun, pleasure, treats",
    "achievement": "success, winning, being the best",
    "power_dominance": "being in charge, controlling others",
    "power_resources": "money, wealth, expensive things",
    "face": "looks, status, likes and followers",
    "security_personal": "staying safe and healthy",
    "security_societal": "law and order, a safe society",
    "tradition": "family, cultural or religious customs",
    "conformity_rules": "following rules, doing as you are told",
    "conformity_interpersonal": "not hurting or embarrassing others, politeness",
    "humility": "being modest, not showing off",
    "benevolence_dependability": "being someone others can rely on",
    "benevolence_caring": "caring for and helping family and friends",
    "universalism_concern": "fairness and justice for everyone",
    "universalism_nature": "caring for nature, animals and the planet",
    "universalism_tolerance": "accepting people who are different",
}

# Asked when a value is dominant (or, lacking any, the strongest present ones).
PROMPTS: dict[str, str] = {
    "self_direction_thought": "This video celebrates thinking for yourself. What is an idea of your own "
    "that you are proud of?",
    "self_direction_action": "Who decides what happens in this video? When do you like to decide for "
    "yourself, and when is it good to ask for help?",
    "stimulation": "What makes this video exciting? Is anything in it risky to copy in real life?",
    "hedonism": "Having fun is a big part of this video. What does a really good time look like for you?",
    "achievement": "What counts as success in this video? Who decides what \u201cbeing the best\u201d means?",
    "power_dominance": "Who is in charge in this video, and how do the others seem to feel about it?",
    "power_resources": "How much do money and things matter in this video? What makes you happy that "
    "costs nothing?",
    "face": "Why do you think likes and looks matter so much in this video?",
    "security_personal": "What helps people stay safe in this video? What would you do in that situation?",
    "security_societal": "What does the video say about keeping everyone safe? Do you agree with it?",
    "tradition": "Which custom or tradition shows up here? Which traditions matter in our family?",
    "conformity_rules": "Which rules matter in this video? When is it right to follow a rule, and when "
    "is it right to ask why?",
    "conformity_interpersonal": "How do people avoid hurting each other's feelings here? When is it hard "
    "to be both kind and honest?",
    "humility": "Someone in this video stays modest. Why might that be a strength?",
    "benevolence_dependability": "Who can be counted on in this video? Who can you count on, and who "
    "counts on you?",
    "benevolence_caring": "How do people look after each other in this video? Could you do something "
    "like that this week?",
    "universalism_concern": "Is everyone treated fairly in this video? What would make it fairer?",
    "universalism_nature": "What does the video say about nature or animals? Is there something we "
    "could do to help?",
    "universalism_tolerance": "How are people who are different treated in this video? How would you "
    "want to be treated?",
}

# Asked when the video goes against a value; the frequent ones get their own wording.
CONTRA_PROMPTS: dict[str, str] = {
    "humility": "The video makes showing off look good. How do you feel when someone brags? "
    "Is there a kind of pride that is fine?",
    "conformity_interpersonal": "Someone is embarrassed or put down for a laugh here. Is it still funny "
    "for the person it is aimed at?",
    "face": "The video laughs at caring about looks or likes. Do likes matter to you? Why, or why not?",
    "conformity_rules": "Rules get broken in this video. Why might someone break a rule, and what "
    "could happen next?",
    "security_personal": "Someone takes a risk with their safety here. Would you try it? What could go wrong?",
    "benevolence_caring": "Someone is unkind to a friend or family member here. How would you feel "
    "in their place?",
    "benevolence_dependability": "Someone lets others down here. What does it mean to be someone people "
    "can rely on?",
    "achievement": "The video makes fun of trying hard or doing well. Is effort worth it even when "
    "you do not win?",
}


def plain_name(value_id: str) -> str:
    """ "Face (looks, status, likes and followers)"."""
    return f"{BY_ID[value_id].name} ({GLOSS[value_id]})"


def join_words(items: Sequence[str]) -> str:
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _some(ids: Sequence[str], n: int = 3) -> str:
    shown = [plain_name(i) for i in ids[:n]]
    if len(ids) > n:
        shown.append(f"{len(ids) - n} more")
    return join_words(shown)


def video_summary(
    dominant: Sequence[str], present: Sequence[str], contradicted: Sequence[str], unsure: Sequence[str] = ()
) -> str:
    """Plain sentences: what the video mostly promotes, also shows, goes against — and where the reading is unsure.

    Both sides are always said when both exist: a video that promotes fun while going against
    kindness must never read as a video that simply "promotes fun".
    """
    parts: list[str] = []
    if dominant:
        parts.append(f"This video mostly promotes {_some(dominant)}.")
        if present:
            parts.append(f"It also shows {_some(present)}.")
    elif present:
        parts.append(f"This video mainly shows {_some(present)}.")
    if contradicted:
        lead = "It goes against" if parts else "This video goes against"
        parts.append(f"{lead} {_some(contradicted)}.")
    if not parts:
        parts.append("The automated reading found no clear values in this video.")
    if unsure:
        names = join_words(
            [BY_ID[v].name for v in unsure[:3]] + ([f"{len(unsure) - 3} more"] if len(unsure) > 3 else [])
        )
        parts.append(f"The model is unsure about {names}: check those parts yourself.")
    return " ".join(parts)


def creator_summary(
    name: str, n_videos: int, frequent: Sequence[tuple[str, int]], contradicted: Sequence[tuple[str, int]]
) -> str:
    """ "Across 12 videos, NAME most often promotes Achievement (…) in 8 of 12 …"."""
    if n_videos == 0:
        return f"No analysed videos of {name} yet."
    noun = "video" if n_videos == 1 else "videos"
    parts = []
    if frequent:
        shown = [f"{plain_name(v)} in {k} of {n_videos}" for v, k in frequent[:3]]
        parts.append(f"Across {n_videos} {noun}, {name} most often promotes {join_words(shown)}.")
    else:
        parts.append(
            f"Across {n_videos} {noun}, the automated reading found no value that {name} clearly promotes."
        )
    if contradicted:
        shown = [f"{plain_name(v)} in {k} of {n_videos}" for v, k in contradicted[:3]]
        parts.append(f"The videos most often go against {join_words(shown)}.")
    return " ".join(parts)


def prompt_for(value_id: str, label: int) -> str:
    """A fixed discussion question for a dominant/present (label > 0) or contradicted value."""
    if label < 0:
        return CONTRA_PROMPTS.get(
            value_id,
            f"The video seems to push against {BY_ID[value_id].name.lower()} ({GLOSS[value_id]}). "
            "Do you agree with how it shows that? Why?",
        )
    return PROMPTS[value_id]


CAVEAT = (
    "This is an automated reading meant to start a conversation, not a verdict. The computer "
    "reads what is said and written in the video; it can miss irony, jokes, tone and what only "
    "the pictures show, and it can be wrong. Watch the video together and make up your own mind."
)

METHOD = (
    "ValueDesk turned the video into a written script (speech, text on screen, the caption and "
    "short scene notes, each with its time). A computer model then estimated, for each of the 19 "
    "human values of Schwartz's refined theory, whether the video promotes it (present), makes it "
    "its main message (dominant) or goes against it (shows, mocks, celebrates or recommends the "
    "opposite, e.g. bragging goes against Humility). Quotes are the script lines that weighed most "
    "in that estimate. Confidence is the model's own score from 0 to 100 %; for 'goes against' it "
    "is how sure the model is that the video works against the value. The model was trained on "
    "written arguments and on short-video scripts written and labelled for ValueDesk; it reads "
    "what is said and written, not the pictures, and it misses irony and jokes more often than a "
    "person does. A person's review ('checked by a person') always replaces the model's label."
)
