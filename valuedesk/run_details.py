"""What a run records about itself, in words: the models it used and its local-LLM record.

Qt-free and small, beside `review.py`: `show`, the explorer's header, the PDF and the exports read
these, so every view words a run the same way.
"""

from __future__ import annotations

import json
from typing import Any


def run_llm(run: dict[str, Any] | None) -> dict[str, Any]:
    """The run's LLM record (llm_steps.LlmSteps.record); {} for a run made without one."""
    try:
        data = json.loads((run or {}).get("llm_json") or "{}")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# modes in which the LLM gives the labels (in "combine" and "scenes" the trained model scores them)
LLM_LABELLING_MODES = frozenset({"two-step", "direct"})


def describe_llm_run(llm: dict[str, Any]) -> str:
    """One line: mode, model, calls with their tokens and seconds ("cached" when nothing was sent)."""
    calls = llm.get("calls") or []
    parts = []
    for c in calls:
        tokens = f"{c.get('prompt_tokens', 0)}+{c.get('completion_tokens', 0)} tokens"
        if c.get("note") and not c.get("attempts"):
            cost = "skipped (see the warning)" if c.get("task") == "scenes" else str(c["note"])
        elif c.get("cached"):
            cost = f"from the cache ({tokens} when first asked)"
        else:
            cost = f"{tokens}, {c.get('seconds', 0):.1f} s" + (" (2 tries)" if c.get("attempts") == 2 else "")
        parts.append(f"{c.get('task')}: {cost}")
    model = str(llm.get("model", "")).removeprefix("llm:")
    return f"{llm.get('mode')} with {model} at {llm.get('server')} — " + ("; ".join(parts) or "no calls")


def models_used(run: dict[str, Any] | None) -> dict[str, str]:
    """The run's models ({"classifier": id, "asr": id, ...}) from runs.models_json."""
    if not run:
        return {}
    try:
        data = json.loads(run.get("models_json") or "{}")
    except (TypeError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
