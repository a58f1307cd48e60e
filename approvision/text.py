"""Text a person types that would change how the page shows other text: control characters (a
terminal escape, a NUL) and the Unicode bidirectional formatting characters that can make a name
read backwards (right-to-left override) are refused with a plain message (hardening finding 5)."""

import unicodedata

from approvision.records import Refused

# Unicode's bidirectional embeddings, overrides, isolates and marks.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def has_hidden_controls(text: str) -> bool:
    return any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in text)


def refuse_hidden_controls(values: dict, fields: list[str], labels: dict[str, str]) -> None:
    """Refuse the first of `fields` in `values` that holds such a character, naming the field."""
    for name in fields:
        value = values.get(name)
        if isinstance(value, str) and has_hidden_controls(value):
            raise Refused(
                f"{labels[name]} must not contain control or text-direction characters",
                field=name,
            )
