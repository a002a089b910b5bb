"""The vocabulary file: fideslang's data-category and data-use keys plus our extensions.

Generated from the installed fideslang package, never copied by hand; a test checks that
the committed file matches what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# The three keys the decision contract adds, each under its fideslang parent.
EXTENSION_CATEGORIES = {
    "user.device.advertising_id": "mobile advertising identifier (IDFA, AAID)",
    "user.behavior.call_detail_records": "who called whom, when and for how long",
    "user.social.contacts": "the user's address book",
}

TAXONOMY_PATH = Path("privacy") / "taxonomy" / "data.json"


def generate() -> dict[str, Any]:
    import fideslang
    from fideslang import DEFAULT_TAXONOMY

    categories = {c.fides_key for c in DEFAULT_TAXONOMY.data_category}
    for key in EXTENSION_CATEGORIES:
        parent = key.rsplit(".", 1)[0]
        if parent not in categories:  # an extension must hang under a real key
            raise ValueError(f"extension {key}: parent {parent} is not a fideslang category")
    data_categories = sorted(categories | set(EXTENSION_CATEGORIES))
    data_uses = sorted(u.fides_key for u in DEFAULT_TAXONOMY.data_use)
    return {
        "source": f"fideslang {fideslang.__version__} DEFAULT_TAXONOMY",
        "extensions": sorted(EXTENSION_CATEGORIES),
        "data_categories": data_categories,
        "data_uses": data_uses,
        # Each list joined once here, for validation's one-search membership check:
        # joining it in Rego cost regopy two builtin calls a list on every decision.
        "category_index": _index(data_categories),
        "use_index": _index(data_uses),
    }


def _index(keys: list[str]) -> str:
    """The keys between "|" separators, "|" at both ends (no key holds one: a Rego test says so)."""
    return "|" + "|".join(keys) + "|"


def render() -> str:
    return json.dumps(generate(), indent=1) + "\n"


def write(policy_root: Path) -> Path:
    target = policy_root / TAXONOMY_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    return target
