"""Cleaning: turn a `RawArticle` into an `Article` without scraping junk.

Works line by line: every non-blank line of the raw text is either kept (one
paragraph of the cleaned text) or removed with a reason, and the removed lines
are recorded on the article (`corroborate brief --show-removed` prints them).
The cleaned text is what every span points into; `Article.raw_line_of` maps
each of its lines back to the raw line it came from.

The rules describe *shapes* of junk, not strings of particular sites: widget
text (a short phrase printed twice, lines made only of interface words), CMS
class-name tokens, caption and credit prefixes or suffixes, byline shapes,
teaser and newsletter prompts, a name alone on a line that the article names
elsewhere (a photo caption), the title printed again, and a block of lines
that repeats earlier lines of the same file (a page scraped twice). Each rule
also says what it must never take: a line that reads as a sentence of prose
(ends in sentence punctuation, or is long) is kept by every shape rule except
the explicit caption and repetition ones. Measured on hand labels
(benchmarks/cleaning.py, BENCHMARKS.md).

Before the line rules, a reader-comment thread is split off (`reader_comments`):
a page flattened into one line carries its comments on the article's own line, so
that line is cut where the first comment begins, and the thread is removed with the
reason "reader comments" (benchmarks/reader_comments.py).
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence

from .detokenise import detokenise, is_tokenised
from .model import TITLE_LINE, Article, RawArticle, RemovedLine, normalise_for_id
from .reader_comments import thread_start


def article_id(title: str, text: str) -> str:
    """Stable id from content (not from input order or file name)."""
    digest = hashlib.sha1(normalise_for_id(title + "\n" + text).encode("utf-8")).hexdigest()
    return "a" + digest[:11]


# --- line features ------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)
# A line that ends like a sentence: final . ! ? … possibly followed by closing quotes/brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»)\]]*\s*$")


@functools.lru_cache(maxsize=4096)
def _words(line: str) -> tuple[str, ...]:
    # Asked of one line by several rules in turn (a third of reading 300 news
    # articles went to finding the same words again): kept for the last lines read.
    return tuple(_WORD.findall(line))


def _comparable(line: str) -> str:
    """For comparing lines: case, punctuation, quote typography and spacing ignored."""
    return " ".join(word.casefold() for word in _words(unicodedata.normalize("NFKC", line)))


def _is_meaningful(line: str) -> bool:
    return sum(ch.isalnum() for ch in line) >= 3


def _reads_as_prose(line: str) -> bool:
    """Long, or ends like a sentence: what junk shapes (widgets, bylines, teasers) never look like."""
    return len(_words(line)) > 30 or bool(_SENTENCE_END.search(line))


def _has_quote(line: str) -> bool:
    return any(mark in line for mark in "\"“”„«»")


# --- the shape rules, each a predicate on one stripped line --------------------------

# A short phrase printed two or more times in a row: what share/save widgets leave
# when their visible and screen-reader labels are both scraped ("Saved!Saved!").
_DOUBLED = re.compile(r"^(?P<phrase>\W*\w.{1,60}?)(?:\s*(?P=phrase))+\s*$", re.IGNORECASE)

# Words of page furniture (buttons, share bars, ad slots, players). A line made only
# of these (and numbers) is interface, not prose; a sentence always needs other words.
_INTERFACE_WORDS = frozenset(
    """
    a ad add ads advertisement advertising all an and article articles audio back bookmark
    bookmarked by click close comment comments continue copied copy e-mail email embed facebook
    favorite favorites favourite favourites flipboard follow for friend full gallery gift hide image
    images in instagram it like likes link linkedin listen loading location main menu messenger min
    mins minute minutes more new next now of on open opens or our photo photos pin pinterest play
    playback post posts print read reading reddit reply save saved scroll see send share shares
    sharing show skip sponsored story subscribe tap telegram the this threads tiktok to toggle top
    tweet tweets twitter up us via video view views watch whatsapp window with x your youtube
    """.split()
)

# Interface words that are also everyday words: a line of these alone ("The Story",
# "What's New") can be a subheading, so it needs at least one word of the first list
# that is not here (share, email, comments, advertisement ...).
_PLAIN_WORDS = frozenset(
    """
    a add all an and back by close continue for friend full in it like location main more new next
    now of on open opens or our play post posts read reading see send show story the this to top up
    us view watch window with your
    """.split()
)

_CMS_TOKEN = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+$")
_CMS_PLAIN_TOKEN = re.compile(r"^[a-z][a-z0-9]*$")

_MEDIA = r"(?:image|images|photo|photos|photograph|photography|picture|pictures|pic|video|illustration|graphic|artwork|header|cover|thumbnail)"
# "Credit: Twitter", "Featured image credit: ...", "Image copyright AFP", "Image source: ...",
# "Courtesy of Jane Roe", and captions introduced as such ("Image caption ...", "Photo: ...").
_CREDIT_PREFIX = re.compile(
    rf"^(?:(?:featured|main|top|lead|hero|header|cover|banner)\s+)?(?:{_MEDIA}\s*)?"
    r"(?:credits?|copyright|courtesy(?:\s+of)?|sources?)\s*[:\-–—|]"
    rf"|^{_MEDIA}\s*(?:copyright|caption|credits?|courtesy)\b"
    rf"|^{_MEDIA}\s*[:|]\s*\S",
    re.IGNORECASE,
)
# "Photo by Jane Roe", "Pictures via Instagram": short, or it is prose ("Pictures from
# the quay have sparked outrage ..." is a sentence about pictures, not a credit).
_CREDIT_BY = re.compile(rf"^{_MEDIA}\s*(?:by|via|from|courtesy(?:\s+of)?)\s+\S", re.IGNORECASE)
# A caption that ends with its credit: "... (Image via Instagram)", "... (AP Photo/Jane Roe)",
# "... [Photo: Jane Roe]", "... | Getty Images", "... Photograph: Jane Roe/Agency".
# Acronyms only in capitals: "(ePA)" in a German sentence is not the agency EPA.
_PICTURE_AGENCIES = (
    r"(?:(?i:getty(?:\s+images)?|shutterstock|alamy|reuters|wireimage|filmmagic|istock|unsplash|pexels)"
    r"|(?-i:AP|AFP|EPA|PA(?:\s+Wire)?|REX|dpa))"
)
_CREDIT_SUFFIX = re.compile(
    rf"[(\[]\s*(?:[A-Z]{{2,5}}\s+)?{_MEDIA}s?\s*(?:via|by|credit|courtesy|from|:|/)[^()\[\]]*[)\]]\s*$"
    rf"|[(\[]\s*(?:credit|courtesy|source)\s*:?[^()\[\]]*[)\]]\s*$"
    rf"|(?:^|\s)(?:{_MEDIA}|credit)\s*:\s*[^.!?]{{2,80}}$"
    rf"|(?:[|/•·]|\s[-–—])\s*{_PICTURE_AGENCIES}(?:\s*/\s*[^|]{{2,40}})?\s*$"
    rf"|[(\[]\s*{_PICTURE_AGENCIES}\s*[)\]]\s*$",
    re.IGNORECASE,
)

# "By Jane Roe", "By jane roe and John Doe, Staff Writer", "Written by ...", "Author: ..."
_BYLINE_START = re.compile(
    r"^(?:by|written\s+by|words\s+by|story\s+by|posted\s+by|reporting\s+by|report\s+by|author|authors|byline)\b\s*:?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
# Words that follow a prose "By ..." ("By Friday, ...", "By contrast, ...", "By the end of ...").
_NOT_A_NAME = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today tomorrow yesterday tonight then now noon
    midnight morning evening afternoon night dawn late early the a an this that these those its his
    her their our my your contrast comparison far law way design default mistake chance accident
    all any some many most much more contract nature definition time day week month year comparison
    mid end
    """.split()
)
_NAME_CONNECTORS = frozenset("and & de del della der van von da di du la le al bin ibn y".split())

# Teasers that link to other articles: "Similar post:", "Read more", "Related: ...", "ALSO READ | ..."
_TEASER = re.compile(
    r"^(?:also\s+|must\s+)?(?:read|see|watch|listen|check\s+out)"
    r"(?:\s+(?:more|also|next|this|too|again|on|the\s+full\s+(?:story|article)|full\s+(?:story|article)|here))*"
    r"\s*(?:[:|»›>\-–—]|$)"
    r"|^(?:similar|related|recommended|suggested|trending|popular|latest|further|more|top|editor'?s?\s+picks?|you\s+may\s+also\s+like|you\s+might\s+also\s+like|don'?t\s+miss|most\s+read|most\s+popular)"
    r"(?:\s+(?:posts?|stories|story|articles?|reading|news|content|coverage|videos?|links?|topics?|headlines|on\s+[\w .&'’-]{1,40}|from\s+[\w .&'’-]{1,40}))?"
    r"\s*(?:[:|»›>]|$)",
    re.IGNORECASE,
)

_NEWSLETTER_TOPIC = re.compile(r"\b(?:newsletters?|inbox|subscribe|subscription|sign[\s-]?up|unsubscribe|mailing list)\b", re.IGNORECASE)
_NEWSLETTER_ASK = re.compile(
    r"^(?:sign|subscribe|get|join|enter|stay|want|don'?t|never|like|love|enjoy|click|tap|register|receive|be\s+the\s+first|for\s+more|keep\s+up|follow)\b"
    r"|\b(?:your\s+inbox|our\s+newsletters?|your\s+email|e-mail\s+address|email\s+address|by\s+subscribing|terms\s+of\s+(?:use|service)|privacy\s+(?:policy|notice))\b",
    re.IGNORECASE,
)

_PUBLICATION_META = re.compile(
    r"^(?:published|updated|last\s+updated|first\s+published|posted|modified)(?:\s+(?:on|at))?\s*:?\s*"
    r"(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|today|yesterday)",
    re.IGNORECASE,
)

_LOWER_FUNCTION_WORDS = frozenset("the of and in on at for to with from a an by is are was were".split())


def _doubled_widget(line: str) -> bool:
    if _has_quote(line) or len(_words(line)) > 12 or _reads_as_prose(line.rstrip("!")):
        return False
    return bool(_DOUBLED.match(line))


def _interface_only(line: str) -> bool:
    words = [w.casefold() for w in _words(line)]
    if not words or len(words) > 12 or _has_quote(line) or line.rstrip().endswith((".", "?")):
        return False
    return all(word in _INTERFACE_WORDS or word.isdigit() for word in words) and any(
        word in _INTERFACE_WORDS - _PLAIN_WORDS for word in words
    )


def _cms_class_names(line: str) -> bool:
    tokens = line.split()
    return (
        0 < len(tokens) <= 8
        and all(_CMS_TOKEN.match(t) or _CMS_PLAIN_TOKEN.match(t) for t in tokens)
        and any(_CMS_TOKEN.match(t) for t in tokens)
    )


_COURTESY = re.compile(r"^courtesy(?:\s+of)?\s+\S", re.IGNORECASE)


def _credit(line: str) -> bool:
    if _CREDIT_BY.match(line) or _COURTESY.match(line):
        return len(_words(line)) <= 12 and not _SENTENCE_END.search(line)
    return len(_words(line)) <= 30 and bool(_CREDIT_PREFIX.match(line))


_AGENCY_ONLY_SUFFIX = re.compile(rf"[(\[]\s*{_PICTURE_AGENCIES}\s*[)\]]\s*$", re.IGNORECASE)


def _caption_with_credit(line: str) -> bool:
    match = _CREDIT_SUFFIX.search(line)
    if not match:
        return False
    # A bare "(Reuters)" or "[AP]" also ends the items of news digests, which are
    # longer than captions (measured on PolNeAR: digest items of 40+ words).
    limit = 30 if _AGENCY_ONLY_SUFFIX.search(line) else 45
    return len(_words(line)) <= limit


def _byline(line: str) -> bool:
    match = _BYLINE_START.match(line)
    if not match or _has_quote(line):
        return False
    rest = match.group("rest").strip()
    # "Jane Roe, Staff Writer", "Jane Roe | Updated 2 hours ago": the name comes first.
    name, *tail_parts = re.split(r"\s*(?:[,|·•—–]|\s-\s)\s*", rest, maxsplit=1)
    tail = tail_parts[0] if tail_parts else ""
    name_words = _words(name)
    # One or two names: at most six name words besides connectors ("and", "de", ...).
    if not 1 <= len([w for w in name_words if w.casefold() not in _NAME_CONNECTORS]) <= 6 or len(_words(tail)) > 8:
        return False
    if name_words[0].casefold() in _NOT_A_NAME or any(ch.isdigit() for ch in name):
        return False
    # A byline is a name (maybe lower-cased by the scraper), not a clause: no
    # function words except name connectors, and no sentence at its end.
    if any(w.casefold() in _LOWER_FUNCTION_WORDS - _NAME_CONNECTORS for w in name_words):
        return False
    return not (_SENTENCE_END.search(rest) and len(_words(rest)) > 6)


def _teaser(line: str) -> bool:
    return len(_words(line)) <= 30 and not _has_quote(line[:2]) and bool(_TEASER.match(line))


def _newsletter(line: str) -> bool:
    if len(_words(line)) > 45 or not _NEWSLETTER_TOPIC.search(line) or not _NEWSLETTER_ASK.search(line):
        return False
    # A line that carries more than the prompt (an embedded post that ends in "sign
    # up for our newsletter") is kept: never drop content along with the junk.
    sentences = re.split(r"(?<=[.!?])\s+", line)
    other_words = sum(len(_words(sentence)) for sentence in sentences if not _NEWSLETTER_TOPIC.search(sentence))
    return other_words < 15


def _publication_meta(line: str) -> bool:
    return len(_words(line)) <= 12 and bool(_PUBLICATION_META.match(line))


# Order matters only for the reason reported; each rule is independent.
def _author_image(line: str) -> bool:
    return _cms_class_names(line) and bool(re.search(r"author|avatar|byline|profile", line))


LINE_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("share/save widget", _doubled_widget),
    ("teaser", _teaser),
    ("interface text", _interface_only),
    ("author image", _author_image),
    ("CMS class names", _cms_class_names),
    ("image credit", _credit),
    ("image caption", _caption_with_credit),
    ("byline", _byline),
    ("newsletter prompt", _newsletter),
    ("publication date line", _publication_meta),
)


def junk_reason(line: str) -> str | None:
    """Why one line (on its own, without context) is scraping junk, or None if it is not."""
    line = line.strip()
    if not line:
        return None
    if not any(ch.isalnum() for ch in line):
        # Separators ("* * *", "___", "|---|"). A line with even one letter or
        # digit may be a word of a language written in few characters: kept.
        return "no text"
    for reason, rule in LINE_RULES:
        if rule(line):
            return reason
    return None


# --- rules that need the whole article -----------------------------------------


def _repeated_blocks(lines: Sequence[str], min_lines: int = 3, min_share: float = 0.2) -> dict[int, str]:
    """Indexes of lines that repeat earlier lines of the same text, with the reason.

    A run of consecutive lines equal to an earlier run is a "repeated block" (a
    page scraped twice, a body printed again under a gallery) when it is a sizeable
    part of the text: at least `min_lines` lines and `min_share` of its words, so
    that structured content that legitimately repeats short runs (menus, tables,
    recipes: one page of the extraction benchmark repeats 10-line runs) is kept.
    One prose paragraph printed again on its own (a pull quote) is a "repeated paragraph".
    """
    keys = [_comparable(line) for line in lines]
    total_words = sum(len(key.split()) for key in keys) or 1
    repeated: dict[int, str] = {}
    earlier: dict[str, list[int]] = {}  # key -> indexes where it occurs, to try only matching starts
    for index, key in enumerate(keys):
        earlier.setdefault(key, []).append(index)
    j = 1
    while j < len(keys):
        best = 0
        for i in earlier.get(keys[j], []):
            if i >= j:
                break
            length = 0
            while j + length < len(keys) and i + length < j and keys[i + length] == keys[j + length] and keys[j + length]:
                length += 1
            best = max(best, length)
        words = sum(len(key.split()) for key in keys[j : j + best])
        if best >= min_lines and words >= max(40, min_share * total_words):
            for index in range(j, j + best):
                repeated[index] = "repeated block"
            j += best
            continue
        if best >= 1 and len(_words(lines[j])) >= 20 and _SENTENCE_END.search(lines[j]):
            repeated[j] = "repeated paragraph"
        j += 1
    return repeated


_NAME_TOKEN = re.compile(r"^[A-Z][\w.'’\-]*$")


_SPEECH_VERBS = (
    "said|says|stated|states|told|tells|wrote|writes|added|adds|continued|explained|claimed|claims|tweeted|posted"
    "|noted|argued|insisted|admitted|confirmed|announced|replied|responded|asked|urged|warned|revealed|concluded"
)


def _name_only_caption(line: str, prose: str) -> bool:
    """A person's name alone on a line (the caption of a portrait: "Jane Roe" under
    her photo). Told from a subheading by how news prose treats people: the surname
    is used on its own as a person elsewhere in the article: "Roe said", "said Roe",
    "Roe, 42,", "Ms Roe", "Roe's". (spaCy's small model was tried for this and
    tags lone surnames in context as GPE/ORG as often as PERSON, so it is not used.)"""
    tokens = line.split()
    if not 2 <= len(tokens) <= 4 or _SENTENCE_END.search(line) or _has_quote(line):
        return False
    if not all(_NAME_TOKEN.match(t) or t.casefold() in _NAME_CONNECTORS for t in tokens):
        return False
    if any(t.casefold() in _LOWER_FUNCTION_WORDS - _NAME_CONNECTORS for t in tokens):
        return False
    if re.search(rf"(?<!\w){re.escape(line)}(?!\w)", prose) is None:
        return False  # the article never names this person in full: a subheading, not a caption
    surname = re.escape(tokens[-1])
    person = (
        rf"\b{surname},? (?:has |had |then |later |also )?(?:{_SPEECH_VERBS})\b"
        rf"|\b(?:{_SPEECH_VERBS}),? {surname}\b"
        rf"|\b{surname}, \d{{1,3}},"
        rf"|\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? {surname}\b"
        rf"|\b{surname}['’]s\b"
    )
    return re.search(person, prose) is not None


# --- the title --------------------------------------------------------------------


# Headlines are short and do not end like a sentence (a final colon or question
# mark is common in headlines; a full stop is not). Up to 16 words the line is
# surely a headline; from 17 to 25 it may be a headline or a lead that lost its
# full stop, so it becomes the title but also stays in the body (never drop content).
_HEADLINE_WORDS = 16
_HEADLINE_OR_LEAD_WORDS = 25


def _headline_kind(line: str) -> str:
    """"headline", "headline or lead", or "body" for the first line of a text without a title."""
    words = len(_words(line))
    if words > _HEADLINE_OR_LEAD_WORDS or re.search(r"[.!…][\"”’'»)\]]*\s*$", line):
        return "body"
    return "headline" if words <= _HEADLINE_WORDS else "headline or lead"


def derived_title(text: str, max_chars: int = 90) -> str:
    """A title made from the lead when an article has none: its first sentence, shortened."""
    # Not after an initial: "By John D. Sutter, CNN" is one line, not "By John D."
    first = re.split(r"(?<=[.!?])(?<!\b[A-Z]\.)[\"”’]?\s+(?=[\"“‘A-Z0-9])", text.strip(), maxsplit=1)[0].strip()
    if len(first) <= max_chars:
        return first
    cut = first[: max_chars + 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


# --- hard-wrapped text ----------------------------------------------------------------

# Wire copy, e-mail and old plain-text archives break every line at a fixed width
# (70-80 columns) and mark paragraphs by indentation, not blank lines. Read line by
# line, such a text would be cut into fragments of sentences (each line a
# paragraph, the first one taken for a headline). A line was broken by a wrapper
# exactly when the next line's first word would not have fitted on it; that test,
# and the width, are read off the text itself.
_WRAP_MAX_WIDTH = 100  # wider lines are paragraphs written on one line, not wrapped
_WRAP_MIN_BREAKS = 3  # fewer line breaks inside blocks say nothing about wrapping


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first raw line number, stripped line) per logical line: the raw lines, except
    that in a hard-wrapped text the lines a wrapper broke are joined again (a new
    paragraph still starts at a blank line, an indented line or a line that did not
    fill the width)."""
    raw = text.splitlines()
    numbered = [(number, line.strip()) for number, line in enumerate(raw, start=1) if line.strip()]
    if not numbered:
        return numbered

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip())

    # The body's indentation: a line indented deeper starts a paragraph, even after a
    # one-line paragraph that happens to fill the width (a short heading, a caption).
    body = min(indent(line) for line in raw if line.strip())
    lengths = [len(line.rstrip()) for line in raw if line.strip()]
    # pairs of consecutive non-blank raw lines whose second is at the body's indentation
    # (a line break inside a block; an indented line is a paragraph's start, so a text of
    # many one-line indented paragraphs still shows its wrapping in the others)
    pairs = [k for k in range(len(raw) - 1) if raw[k].strip() and raw[k + 1].strip() and indent(raw[k + 1]) == body]
    narrow = [length for length in lengths if length <= _WRAP_MAX_WIDTH]
    # Paragraphs written on one line are wider; a stray long line (a URL) is tolerated.
    if len(pairs) < _WRAP_MIN_BREAKS or len(narrow) < 0.95 * len(lengths):
        return numbered
    width = max(narrow)

    def broken(k: int) -> bool:
        """Whether the wrapper broke raw line k: its successor's first word did not fit."""
        following = raw[k + 1]
        first_word = following.split()[0]
        length = len(raw[k].rstrip())
        return length <= width < length + 1 + len(first_word) and indent(following) == body

    breaks = {k for k in pairs if broken(k)}
    if len(breaks) * 2 < len(pairs):  # not a wrapped text: most line breaks end lines that had room
        return numbered
    out: list[tuple[int, str]] = []
    for k, line in enumerate(raw):
        if not line.strip():
            continue
        if k - 1 in breaks:
            number, joined = out[-1]
            out[-1] = (number, f"{joined} {line.strip()}")
        else:
            out.append((k + 1, line.strip()))
    return out


# --- cleaning -----------------------------------------------------------------------

READER_COMMENTS = "reader comments"


def _split_off_comments(numbered: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], int]:
    """The logical lines with a reader-comment thread split off its first line, and the
    index of the thread's first line (len(lines) when there is no thread). A page
    flattened into one line carries its comments on the article's own line: the line
    is cut where the thread begins (`reader_comments.thread_start`), and both parts
    keep the raw line number, so `raw_line_of` and the removed lines still name it."""
    start = thread_start([line for _, line in numbered])
    if start is None:
        return numbered, len(numbered)
    index, offset = start
    number, line = numbered[index]
    head, thread = line[:offset].rstrip(), line[offset:]
    if not head:
        return numbered, index
    return [*numbered[:index], (number, head), (number, thread), *numbered[index + 1 :]], index + 1


def clean(raw: RawArticle) -> Article:
    """The article without its junk lines; each removed line is kept with its reason.
    A hard-wrapped text is read by its paragraphs (`_logical_lines`): a removed line
    then names the raw line its paragraph starts on, as does `raw_line_of`. A text of
    Treebank tokens is read as the written text (`detokenise`). A reader-comment
    thread is removed from where it begins to the end, also from within a line."""
    numbered = _logical_lines(raw.text)
    title = " ".join((raw.title or "").split())
    if is_tokenised(raw.text):
        # Treebank tokens ("Kalashnikov 's daughter , Elena ,") read as the written text
        # every later rule is made for, line for line (`detokenise`).
        numbered = [(number, detokenise(line)) for number, line in numbered]
        title = detokenise(title)
    numbered, thread_from = _split_off_comments(numbered)
    # index into `numbered` -> why removed
    reasons: dict[int, str] = dict.fromkeys(range(thread_from, len(numbered)), READER_COMMENTS)
    title_index: int | None = None
    if not title:
        # The first line that is neither junk nor too short to name anything (junk
        # before it, such as a share bar or a caption, is removed with its own reason).
        for index, (_, line) in enumerate(numbered[:thread_from]):
            reason = junk_reason(line)
            if reason:
                reasons[index] = reason
                continue
            if not _is_meaningful(line):
                continue
            kind = _headline_kind(line)
            if kind != "body":
                title, title_index = line, index
                if kind == "headline":
                    reasons[index] = TITLE_LINE
            break

    # The article's lines only: the comments' words would raise the share a repeated block must reach.
    for index, reason in _repeated_blocks([line for _, line in numbered[:thread_from]]).items():
        reasons.setdefault(index, reason)

    title_key = _comparable(title) if title else ""
    for index, (_, line) in enumerate(numbered):
        if index in reasons:
            continue
        if title_key and _comparable(line) == title_key and index != title_index:
            reasons[index] = "repeated title"
            continue
        reason = junk_reason(line)
        if reason:
            reasons[index] = reason

    # Context rule last: the name must be used in prose that is being kept.
    prose = "\n".join(line for index, (_, line) in enumerate(numbered) if index not in reasons and _reads_as_prose(line))
    for index, (_, line) in enumerate(numbered):
        if index not in reasons and _name_only_caption(line, prose):
            reasons[index] = "name-only caption"

    kept = [(number, line) for index, (number, line) in enumerate(numbered) if index not in reasons]
    removed = tuple(
        RemovedLine(numbered[index][0], numbered[index][1], reason) for index, reason in sorted(reasons.items())
    )
    text = "\n\n".join(line for _, line in kept)
    if not title:
        title = derived_title(kept[0][1]) if kept else ""
    # Each kept line is one paragraph; record its raw line number per cleaned-text
    # line (the paragraph line, then the blank line that separates it from the next).
    raw_line_of: list[int] = []
    for position, (number, _) in enumerate(kept):
        raw_line_of.append(number)
        if position < len(kept) - 1:
            raw_line_of.append(number)
    return Article(
        id=article_id(title, text),
        origin=raw.origin,
        title=title or raw.origin,
        text=text,
        url=raw.url,
        outlet=raw.outlet,
        published=raw.published,
        source_id=raw.source_id,
        removed=removed,
        raw_line_of=tuple(raw_line_of),
    )
