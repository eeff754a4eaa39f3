"""Tags typed as text: what separates them, and how a story's tags are written back for editing.

taggit calls these through its TAGGIT_TAGS_FROM_STRING and TAGGIT_STRING_FROM_TAGS settings, so
the admin's tag field, and anything else that goes through `taggit.utils.parse_tags`, read tags
the same way.

Editors type Chinese punctuation: `新能源汽车，亦庄、生物医药; 人工智能` is four tags. Commas
(`,` `，`), the enumeration comma (`、`) and semicolons (`;` `；`) all separate tags; when none of
them is used, whitespace (including the full-width space) does, as in taggit. A tag that holds a
separator or a space is put in ASCII double quotes: `"Beijing E-Town", 亦庄`. Chinese quotation
marks are part of a tag's name (`“两区”建设`), never quoting.
"""

import re

SEPARATORS = ",，、;；"
SEPARATORS_HELP = (
    "多个标签之间用逗号（, 或 ，）、顿号（、）或分号（; 或 ；）分隔；都不用时按空格分隔。"
    '标签本身含这些符号或空格时，请用英文双引号括起来，例如 "京津冀，协同发展"。'
)

_QUOTED = re.compile(r'"([^"]*)"')
_SEPARATOR = re.compile(f"[{SEPARATORS}]")
_NEEDS_QUOTES = re.compile(rf"[{SEPARATORS}\s]")


def parse_tags(text):
    """The tag names in `text`, unique and sorted (taggit's contract).

    Quoted names are taken whole; the rest is split on the separators if it holds any,
    otherwise on whitespace. A quote left open quotes nothing.
    """
    if not text:
        return []
    names, loose = [], []
    position = 0
    for match in _QUOTED.finditer(text):
        loose.append(text[position : match.start()])
        names.append(match.group(1))
        position = match.end()
    # An unmatched quote mark ends the word before it, as in taggit.
    loose.append(text[position:].replace('"', " "))
    split = _SEPARATOR.split if any(_SEPARATOR.search(chunk) for chunk in loose) else str.split
    for chunk in loose:
        names.extend(split(chunk))
    return sorted({name.strip() for name in names} - {""})


def edit_string_for_tags(tags):
    """`tags` as one line an editor can change and save back unchanged: `亦庄, "Beijing E-Town"`."""
    names = (tag.name for tag in tags)
    return ", ".join(sorted(f'"{name}"' if _NEEDS_QUOTES.search(name) else name for name in names))
