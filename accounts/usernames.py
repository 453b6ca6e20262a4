"""When two names are the same name to a reader: the key that usernames are unique by, and that
an anonymous commenter's name is checked against.

Two names share a key when they differ only in case, in Unicode compatibility forms (full-width
letters, ligatures) or in letters of another script that look like Latin ones: `operator`,
`OPERATOR`, `ｏｐｅｒａｔｏｒ` and `operatοr` with a Greek omicron all have the key `operator`.
The look-alikes are Unicode's confusables (UTS #39) as the confusable-homoglyphs package ships
them; only letters that look like an ASCII character are folded, so names in Chinese or in any
one script keep their own letters.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data

# A key longer than this (compatibility forms can expand: "㎏" is "kg") is refused as a username.
MAX_KEY_LENGTH = 300


@lru_cache(maxsize=1)
def _ascii_lookalikes() -> dict[str, str]:
    """Each non-ASCII character that Unicode lists as confusable with one ASCII character."""
    table = {}
    for character, homoglyphs in confusables_data.items():
        if len(character) != 1 or character.isascii():
            continue
        ascii_glyphs = sorted(
            glyph["c"] for glyph in homoglyphs if len(glyph["c"]) == 1 and glyph["c"].isascii()
        )
        if ascii_glyphs:
            table[character] = ascii_glyphs[0]
    return table


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def name_key(name: str) -> str:
    """`name` compatibility-normalised (NFKC), case-folded, with ASCII look-alikes folded to
    the ASCII letter they imitate, invisible format characters (zero-width spaces, direction
    marks) dropped and runs of white space made one space."""
    lookalikes = _ascii_lookalikes()
    visible = "".join(c for c in _folded(name) if unicodedata.category(c) != "Cf")
    key = _folded("".join(lookalikes.get(character, character) for character in visible))
    return " ".join(key.split())
