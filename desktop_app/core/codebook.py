"""Tag rules and the default codebook."""

from __future__ import annotations

import re

from desktop_app.core.errors import InvalidInput

# Mid-luminance colours: a translucent fill of any of them keeps black text
# readable on a light page and light text readable on a dark one.
PALETTE = (
    "#8E6CEF",  # violet
    "#E0A526",  # amber
    "#2BA7A0",  # teal
    "#E8606A",  # coral
    "#4C8FE8",  # blue
    "#7DB83A",  # green
    "#D672C4",  # orchid
    "#C98A4B",  # ochre
    "#5FB3D9",  # sky
)

DEFAULT_CODEBOOK = (
    ("deepfakes", PALETTE[0], 1, "Synthetic faces, voices or likenesses of real people."),
    ("salaries", PALETTE[1], 2, "Pay, wages and earnings figures."),
    ("strikes", PALETTE[2], 3, "Labour disputes, strikes and union demands."),
)

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NAMED = {
    "red": "#E8606A", "orange": "#E0A526", "yellow": "#D9C23A", "green": "#7DB83A",
    "teal": "#2BA7A0", "blue": "#4C8FE8", "violet": "#8E6CEF", "purple": "#8E6CEF",
    "pink": "#D672C4", "brown": "#C98A4B", "grey": "#9A9A9A", "gray": "#9A9A9A",
}
MAX_NAME = 200
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text as it can be stored: a lone surrogate (what an undecodable byte on
    the command line becomes) is replaced by U+FFFD, as in document text."""
    return _SURROGATE.sub("\ufffd", str(value))


def clean_name(name: str) -> str:
    cleaned = " ".join(clean_text(name).split())
    if not cleaned:
        raise InvalidInput("A tag needs a name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidInput(f"A tag name can have at most {MAX_NAME} characters.")
    if ";" in cleaned:
        raise InvalidInput("A tag name cannot contain ';' (exports separate tags with it).")
    return cleaned


def name_key(name: str) -> str:
    return clean_name(name).casefold()


def clean_color(color: str) -> str:
    value = str(color).strip()
    if value.lower() in _NAMED:
        return _NAMED[value.lower()]
    if not value.startswith("#"):
        value = "#" + value
    if not _COLOR.match(value):
        raise InvalidInput(f"'{color}' is not a colour: use #RRGGBB (for example #E0A526) or a colour name.")
    return value.upper()


def clean_key(key: int | str | None) -> int | None:
    if key is None or key == "":
        return None
    try:
        value = int(key)
    except (TypeError, ValueError):
        raise InvalidInput(f"'{key}' is not a tag key: use a digit from 1 to 9.") from None
    if not 1 <= value <= 9:
        raise InvalidInput(f"'{key}' is not a tag key: use a digit from 1 to 9.")
    return value


MAX_KEYWORDS = 200


def clean_keywords(keywords) -> str:
    """Keywords as stored: one per line, trimmed, without repeats (ignoring
    case). Accepts a list, or text separated by commas, semicolons or lines."""
    if isinstance(keywords, str):
        keywords = re.split(r"[,;\n]", keywords)
    seen, out = set(), []
    for word in keywords:
        word = " ".join(clean_text(str(word)).split())
        if word and word.casefold() not in seen:
            seen.add(word.casefold())
            out.append(word[:MAX_NAME])
    if len(out) > MAX_KEYWORDS:
        raise InvalidInput(f"A tag can have at most {MAX_KEYWORDS} keywords.")
    return "\n".join(out)


def next_color(used: set[str]) -> str:
    for color in PALETTE:
        if color not in used:
            return color
    return PALETTE[len(used) % len(PALETTE)]
