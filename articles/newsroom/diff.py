"""Readable differences between two versions of a story, as an editor reads them.

The body is compared as the text a reader sees, not as HTML: paragraphs, headings, list
items, table rows and captions become text blocks, an image becomes "[图片：alt]". Blocks are
matched first; inside a changed block the text is compared in runs (a Latin word or a number
is one unit, every Chinese character another, since Chinese has no spaces), with tiny
unchanged islands folded into the change around them so a rewritten phrase reads as one
deletion and one insertion. Unchanged blocks and long unchanged stretches are collapsed.

Other fields arrive here already in plain words (`articles.newsroom.revisions` owns turning
ids and times into names and local times) and come back as before/after pairs, each side
with its own deletions or insertions marked. Nothing here touches the database.
"""

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Unchanged blocks kept around a change, on each side; longer unchanged runs become a gap.
CONTEXT_BLOCKS = 1
# Inside a changed block, unchanged text longer than this keeps only its ends.
LONG_STRETCH = 60
STRETCH_ENDS = 20
# Unchanged islands this short between two changes are folded into them.
ISLAND = 2
# Blocks this similar (difflib ratio) are shown as one changed block, else as removed + added.
SIMILAR = 0.5

SAME, ADD, DEL, GAP = "same", "add", "del", "gap"
# How a field with no value is written; it is shown as it is, never marked as deleted or added.
EMPTY = "—"


@dataclass(frozen=True)
class Segment:
    """A run of text: unchanged ("same"), inserted ("add"), deleted ("del"), or elided ("gap")."""

    kind: str
    text: str


@dataclass(frozen=True)
class TextBlock:
    """One block of a body as text; `kind` is paragraph, heading, item, image, caption or row."""

    kind: str
    text: str


@dataclass(frozen=True)
class BlockDiff:
    """A block of the body diff: "same", "changed", "added", "removed", or "gap" (`skipped` blocks)."""

    state: str
    kind: str = "paragraph"
    segments: tuple = ()
    skipped: int = 0


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: plain-words before/after with the changed runs marked, or, for
    the body, the block diff."""

    name: str
    label: str
    before: tuple = ()
    after: tuple = ()
    blocks: tuple = ()


@dataclass(frozen=True)
class Comparison:
    """What differs: `fields` side by side, `texts` (the body) as block diffs; false when nothing does."""

    fields: tuple = ()
    texts: tuple = ()

    def __bool__(self):
        return bool(self.fields or self.texts)

    def __iter__(self):
        return iter((*self.fields, *self.texts))

    def __len__(self):
        return len(self.fields) + len(self.texts)


# ---------- HTML -> text blocks ----------

_BLOCK_KINDS = {
    "p": "paragraph",
    "h1": "heading",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
    "li": "item",
    "blockquote": "paragraph",
    "figure": "image",
    "figcaption": "caption",
    "caption": "caption",
    "tr": "row",
    "pre": "paragraph",
    "div": "paragraph",
}
_CELLS = {"td", "th"}
_SPACES = re.compile(r"\s+")


class _BlockParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.kinds = ["paragraph"]  # the innermost open block's kind
        self.parts = []
        self.cells = 0

    def flush(self):
        text = _SPACES.sub(" ", "".join(self.parts)).strip()
        if text:
            self.blocks.append(TextBlock(self.kinds[-1], text))
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_KINDS:
            self.flush()
            self.kinds.append(_BLOCK_KINDS[tag])
            self.cells = 0
        elif tag in _CELLS:
            if self.cells:
                self.parts.append(" ｜ ")
            self.cells += 1
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            self.parts.append(f" [图片：{alt}] " if alt else " [图片] ")
        elif tag == "br":
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _BLOCK_KINDS and len(self.kinds) > 1:
            self.flush()
            self.kinds.pop()

    def handle_data(self, data):
        self.parts.append(data)

    def close(self):
        super().close()
        self.flush()


def text_blocks(html):
    """The text blocks of an HTML body, in reading order."""
    parser = _BlockParser()
    parser.feed(html or "")
    parser.close()
    return parser.blocks


# ---------- text -> marked runs ----------

# A Latin word or a number (with its decimal point, thousands separators, %) is one unit; so
# is a run of spaces; anything else (a Chinese character, a punctuation mark) is a unit alone.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.,:/%-][A-Za-z0-9]+)*%?|\s+|.", re.DOTALL)


def _runs(before, after):
    """[(tag, old text, new text)] with tag "equal" or "change", short islands folded in."""
    a, b = _TOKEN.findall(before), _TOKEN.findall(after)
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    runs = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        after_a_change = bool(runs) and runs[-1][0] == "change"
        # Opcodes alternate, so an equal run that is not the last lies between two changes.
        island = tag == "equal" and len(old.strip()) <= ISLAND and index < len(opcodes) - 1
        if after_a_change and (tag != "equal" or island):
            runs[-1] = ("change", runs[-1][1] + old, runs[-1][2] + new)
        else:
            runs.append(("equal" if tag == "equal" else "change", old, new))
    return runs


def _shorten(text, keep_head, keep_tail):
    """`text` with its middle elided when long: [Segment] of "same" and "gap"."""
    if len(text) <= LONG_STRETCH:
        return [Segment(SAME, text)]
    head = text[:STRETCH_ENDS] if keep_head else ""
    tail = text[-STRETCH_ENDS:] if keep_tail else ""
    return [s for s in (Segment(SAME, head), Segment(GAP, "…"), Segment(SAME, tail)) if s.text]


def inline_diff(before, after):
    """[Segment] taking `before` to `after`: unchanged, deleted and inserted runs in reading
    order (a deletion before the insertion replacing it); long unchanged stretches elided."""
    runs = _runs(before, after)
    segments = []
    for index, (tag, old, new) in enumerate(runs):
        if tag == "equal":
            segments += _shorten(old, keep_head=index > 0, keep_tail=index < len(runs) - 1)
            continue
        if old:
            segments.append(Segment(DEL, old))
        if new:
            segments.append(Segment(ADD, new))
    return segments


def sides(segments):
    """The before side (unchanged and deleted runs) and the after side (unchanged and inserted)."""
    before = tuple(s for s in segments if s.kind != ADD)
    after = tuple(s for s in segments if s.kind != DEL)
    return before, after


# ---------- body ----------


def _similar(old, new):
    if old.kind != new.kind:
        return False
    matcher = difflib.SequenceMatcher(None, old.text, new.text, autojunk=False)
    return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR


def _pair(olds, news):
    """Match the blocks of a replaced stretch: similar ones become "changed", the rest removed/added."""
    result, i, j = [], 0, 0
    while i < len(olds) and j < len(news):
        if _similar(olds[i], news[j]):
            result.append(BlockDiff("changed", news[j].kind, tuple(inline_diff(olds[i].text, news[j].text))))
            i, j = i + 1, j + 1
        elif any(_similar(olds[i], new) for new in news[j + 1 :]):
            result.append(BlockDiff("added", news[j].kind, (Segment(ADD, news[j].text),)))
            j += 1
        else:
            result.append(BlockDiff("removed", olds[i].kind, (Segment(DEL, olds[i].text),)))
            i += 1
    result += [BlockDiff("removed", old.kind, (Segment(DEL, old.text),)) for old in olds[i:]]
    result += [BlockDiff("added", new.kind, (Segment(ADD, new.text),)) for new in news[j:]]
    return result


def _context(block, keep_head, keep_tail):
    return BlockDiff("same", block.kind, tuple(_shorten(block.text, keep_head, keep_tail)))


def _collapse(same, first, last):
    """Unchanged blocks between changes: a little context on each side, a gap for the rest."""
    before = [] if first else same[:CONTEXT_BLOCKS]
    after = [] if last else same[-CONTEXT_BLOCKS:]
    if len(same) <= len(before) + len(after) + 1:
        return [_context(b, True, True) for b in same]
    shown = [_context(b, True, False) for b in before]
    shown.append(BlockDiff("gap", skipped=len(same) - len(before) - len(after)))
    return shown + [_context(b, False, True) for b in after]


def diff_html(before, after):
    """[BlockDiff] taking body HTML `before` to `after`; [] when they read the same."""
    olds, news = text_blocks(before), text_blocks(after)
    opcodes = difflib.SequenceMatcher(None, olds, news, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return []
    result = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            result += _collapse(olds[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
        else:
            result += _pair(olds[i1:i2], news[j1:j2])
    return result


# ---------- fields ----------


def compare(before, after, fields, rich=("body",)):
    """The Comparison of each (name, label) of `fields` whose plain-words values differ.

    `before` and `after` map names to text (HTML for the `rich` fields, EMPTY for no value); a
    value of None means "not known" (a version saved before the field was recorded) and is
    never reported. A value that appears or disappears is marked whole.
    """
    changes, texts = [], []
    for name, label in fields:
        old, new = before.get(name), after.get(name)
        if old is None or new is None or old == new:
            continue
        if name in rich:
            blocks = diff_html(old, new)
            if blocks:
                texts.append(FieldChange(name, label, blocks=tuple(blocks)))
            continue
        if EMPTY in (old, new):
            old_side = (Segment(SAME if old == EMPTY else DEL, old),)
            new_side = (Segment(SAME if new == EMPTY else ADD, new),)
        else:
            old_side, new_side = sides(inline_diff(old, new))
        changes.append(FieldChange(name, label, before=old_side, after=new_side))
    return Comparison(tuple(changes), tuple(texts))
