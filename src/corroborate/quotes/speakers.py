"""Who said it: speaker attribution for quoted spans, and one name per speaker.

For each quote we look for its cue (a speech verb, "according to", a "Name:"
lead-in) in the quote's paragraph with spaCy's parser, take the cue's subject
as the speaker mention, and resolve the mention to a story-wide name:

- names go through `Cast`, a small alias resolver (Kim / Kardashian / Kim
  Kardashian -> the most used full name of the story that contains them);
- pronouns go to the previous quote's speaker (news carries a speaker from
  sentence to sentence), else to the most recent person named before;
- "the company" / "the brand" go to the story's main organisation,
  "the photographer" to the person the story calls a photographer;
- members of the public ("one person", "a second", "fans") stay collective.

A quote whose paragraph has no cue inherits the speaker of the lead-in line
before it ("She said:") or of the quote in the paragraph before (a quote that
runs over several paragraphs).

`content_clause` widens a quote to the statement the speaker is credited with,
the cue's complement that holds it ("says [the ferry will “sail again by
spring”]"), as PolNeAR and PARC annotate an attribution's content.

The parse is of whole articles (shared with other stages), and spaCy's parser
may run a sentence over a paragraph break: cues, subjects and lead-in roots
are taken inside the quote's paragraph only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .marks import QuotedSpan

# Verbs that attribute words or views to someone (PARC's cues), as lemmas:
# the shared parse runs the lemmatizer, so every inflection is covered.
SPEECH_LEMMAS = frozenset(
    "say state write add continue conclude claim admit tell explain insist note argue ask reply tweet post "
    "declare announce plead urge warn recall remark joke quip respond wonder demand acknowledge agree suggest "
    "predict promise concede counter boast complain report recount testify shout yell read confess elaborate "
    "emphasize emphasise speak thunder vow charge muse blast slam lament observe describe call dub brand label "
    "hail dismiss herald denounce decry pledge insult beam praise criticize criticise tout think believe accuse "
    "deny mock quote cite reiterate assert contend maintain threaten caution blame question retort scoff "
    "proclaim exclaim whisper snap rant gush concur recommend estimate chant cry scream apologize apologise".split()
)
# Word forms too, for the verbs the tagger takes for nouns ("..., Viguerie notes.").
SPEECH_VERBS = frozenset(
    "say said says saying states wrote writes tells notes claims adds argues asks replies tweets posts declares "
    "announces warns recalls responds reports reads charges muses observes describes calls".split()
)
# Verbs that only cue a quote that is their object ("called it “a disaster”").
_NAMING_LEMMAS = frozenset("describe call dub brand label term nickname".split())


def is_cue(token) -> bool:
    """A speech verb (or "according" of "according to")."""
    lower = token.lower_
    if lower == "according":
        return True
    if token.lemma_.lower() == "continue":
        # "she continued" speaks; "while negotiations continue among the parties" does not.
        return _continues_speaking(token)
    return token.lemma_.lower() in SPEECH_LEMMAS or lower in SPEECH_VERBS


def _continues_speaking(token) -> bool:
    """"Continue" is speech only when someone who speaks continues (a name, a pronoun,
    or a person, organisation or statement by its noun), and not "to" do something."""
    if any(c.dep_ == "xcomp" for c in token.children):
        return False  # "will continue to stand up for ...": the verb after it says what
    subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return True  # "..., continued the spokeswoman" and the like: the rest decides
    return (subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in _NAME_LABELS
            or subject.lower_ in _PERSON_NOUNS | _ORG_NOUNS | _STATEMENT_NOUNS)


_PERSON_PRONOUNS = frozenset("he she him her i".split())
_GROUP_PRONOUNS = frozenset("they it we".split())
_ORG_NOUNS = frozenset("company brand firm business label house retailer group corporation agency maker".split())
_STATEMENT_NOUNS = frozenset("statement message post tweet letter release note apology caption update".split())
_PUBLIC_NOUNS = frozenset(
    "fan fans follower followers user users netizen netizens commenter commenters comment comments person people "
    "one another second third fourth someone many critic critics tweet tweets reply replies viewer viewers".split()
)
_SOCIAL_WORDS = re.compile(r"twitter|tweet|instagram|social media|facebook|tiktok|post|comment|online|follower|fan", re.I)
_PERSON_NOUNS = frozenset(
    "actress actor star founder mother mom father dad rapper singer designer photographer model host spokesman "
    "spokeswoman spokesperson ceo chief executive president director wife husband ex-husband ex-wife daughter son "
    "celebrity entrepreneur influencer artist author writer reporter lawyer attorney senator governor candidate "
    "nominee official minister secretary chairman chairwoman mogul personality socialite businesswoman businessman "
    "creator".split()
)
# Platforms are where people speak, never who speaks (NER often tags them PERSON).
_PLATFORMS = frozenset("twitter instagram facebook tiktok youtube snapchat reddit threads linkedin weibo telegram whatsapp truth".split())
_INDEFINITE = frozenset("a an one another some many several few".split())
_PUBLIC_GROUPS = ("fans", "residents", "followers", "users", "locals", "readers", "viewers", "commenters", "netizens",
                  "critics", "voters", "parents", "customers", "supporters")
# Words that stand for someone named elsewhere, or for no one: never a speaker by themselves
# ("who" that is no "X, who said" relative clause; "this adds", "those morons").
_RELATIVE = frozenset("which that what whom who whose this these those".split())
_NAME_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "ORG", "NORP": "ORG"}
_ASIDE_DASH = re.compile(r"\s+(?:--|\u2014|\u2013)\s+")
_POSSESSIVE = re.compile(r"(?:[\u2019']s?|\s*[-\u2013\u2014:,])+$")
# How far back (in paragraphs) a previous speaker is still "the current one".
_CARRY_PARAGRAPHS = 3


def clean_name(text: str) -> str:
    text = " ".join(text.replace("\u201c", " ").replace("\u201d", " ").replace('"', " ").split())
    # A spaced dash opens an aside, never part of a name: the tagger takes "Amre Moussa
    # -- Mubarak's former foreign minister" for one person, "Amre Moussa -- Mubarak".
    text = _ASIDE_DASH.split(text, maxsplit=1)[0]
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return text.strip(" .,:;-")


@dataclass
class Cast:
    """The named speakers of a story, with one canonical name for each alias."""

    counts: Counter = field(default_factory=Counter)  # clean name -> mentions
    labels: dict = field(default_factory=lambda: defaultdict(Counter))  # clean name -> PERSON/ORG counts
    descriptors: dict = field(default_factory=dict)  # "photographer" -> canonical person
    main_org: str | None = None
    org_votes: Counter = field(default_factory=Counter)  # ORG -> times it is the subject of a speech verb
    gender: dict = field(default_factory=dict)  # canonical person -> "m" | "f", from the pronouns that follow them
    _cache: dict = field(default_factory=dict)
    _kinds: dict | None = None
    _mentions: dict = field(default_factory=dict)
    _by_word: dict = field(default_factory=lambda: defaultdict(list))  # lower-case word -> names holding it, in order
    _people: tuple | None = None  # (first word run -> person aliases longest first, alias -> canonical)

    def add(self, text: str, label: str) -> None:
        name = clean_name(text)
        if not name or any(ch.isdigit() for ch in name) or len(name.split()) > 5 or not name[0].isupper():
            return
        if name.split()[0].lower() in _PLATFORMS:
            return
        if name not in self.counts:
            for word in dict.fromkeys(name.lower().split()):
                self._by_word[word].append(name)
            self._people = None
        self.counts[name] += 1
        self.labels[name][_NAME_LABELS[label]] += 1

    def canonical(self, text: str) -> str:
        """The story's full name for an alias: the most mentioned name that
        contains the alias's words in order (ties: the longer name)."""
        name = clean_name(text)
        if name in self._cache:
            return self._cache[name]
        words = name.lower().split()
        best, best_key = name, (self.counts.get(name, 0), len(words))
        # Only names holding the alias's first word can hold all of it (in the order
        # names were met, as a scan of every name would see them).
        for candidate in self._by_word.get(words[0], ()) if words else ():
            count = self.counts[candidate]
            cwords = candidate.lower().split()
            if len(cwords) <= len(words):
                continue
            if any(cwords[i : i + len(words)] == words for i in range(len(cwords) - len(words) + 1)):
                key = (count, len(cwords))
                if key > best_key or best == name:
                    best, best_key = candidate, key
        # "Fire Chief Owen Tarrant" -> "Owen Tarrant": a title before a name the story uses more.
        bwords = best.split()
        for size in range(2, len(bwords)):
            tail = " ".join(bwords[-size:])
            if self.counts.get(tail, 0) >= self.counts.get(best, 0):
                best = tail
                break
        self._cache[name] = best
        return best

    def kind(self, name: str) -> str:
        if self._kinds is None:
            self._kinds = defaultdict(Counter)
            for alias, counter in self.labels.items():
                self._kinds[self.canonical(alias)].update(counter)
        labels = self._kinds.get(name)
        if not labels:
            return "OTHER"
        return "PERSON" if labels["PERSON"] >= labels["ORG"] else "ORG"  # ties: the tagger's usual slip

    def people(self) -> list[str]:
        return sorted({self.canonical(n) for n in self.counts if self.kind(self.canonical(n)) == "PERSON"})

    def finish(self, texts: Sequence[str]) -> None:
        """Story-wide facts that need every name: the main organisation (the ORG
        named most often in the texts) and what each person is called
        ("photographer Gabriele Galimberti")."""
        from spacy.lang.en.stop_words import STOP_WORDS

        joined = "\n".join(texts)
        # What the story calls a name settles the tagger's PERSON/ORG doubts:
        # "Greyhaven Marine, the company that ..." / "Ilsa Varn, the mayor".
        # One pass finds every such description; the names are those ending at its comma.
        described_as = {kind: _names_before(joined, _DESCRIBED[kind], self.counts) for kind in _DESCRIBED}
        for name in list(self.counts):
            if name in described_as["ORG"]:
                self.labels[name]["ORG"] += 5
            elif name in described_as["PERSON"]:
                self.labels[name]["PERSON"] += 5
        self._cache.clear()
        self._people = None
        self._kinds = None
        orgs = {self.canonical(n) for n in self.counts if self.kind(self.canonical(n)) == "ORG"}
        if orgs:
            # The organisation "the company" means: the one that speaks in the
            # story and is called a company/firm/brand, then the most named.
            org_noun = "|".join(sorted(_ORG_NOUNS))

            # Both patterns below hold a company noun, so only stretches around the
            # organisation that contain one can match: the rest is never searched, and
            # the patterns are compiled only for organisations with such a stretch
            # (compiling two per organisation took 15 s of CPU at 100 long articles).
            any_org_noun = re.compile(org_noun)

            starts = _Starts(joined, orgs)

            def weight(org: str) -> tuple[int, int]:
                mentions = starts.of(org)  # one look-up for both uses below
                printed = _without_overlaps(mentions, len(org))  # what joined.count(org) counts
                around = [(start, end) for start, end in _around(joined, org, _MATCH_REACH, mentions)
                          if any_org_noun.search(joined, start, end)]  # fmt: skip
                if not around:
                    return (self.org_votes[org], printed)
                name = re.escape(org)
                # Near a company noun, and more so when called one in so many
                # words ("Greyhaven Marine, the company that ...", "fashion house X").
                called = re.compile(
                    rf"{name}(?:[\u2019']s)?[,.]\s+(?:the|The|a|an|its|Its)\s+(?:[\w-]+\s+){{0,2}}?(?:{org_noun})\b"
                    rf"|\b(?:{org_noun})\s+{name}|{name}\s+(?:{org_noun})\b")
                near = re.compile(rf"{name}.{{0,60}}\b(?:{org_noun})\b|\b(?:{org_noun})\b.{{0,60}}{name}")
                # Every match holds the name: only the text around its mentions is searched.
                counted = sum(len(pattern.findall(joined, start, end)) for start, end in around for pattern in (called, near))
                return (3 * counted + self.org_votes[org], printed)

            def bound(org: str) -> tuple[int, int]:
                """No smaller than `weight(org)`: every match of either pattern holds the
                name, and the matches of one pattern do not overlap, so each starts its
                name at a different mention: `counted` is at most twice the mentions."""
                mentions = starts.of(org)
                return (3 * 2 * len(mentions) + self.org_votes[org], _without_overlaps(mentions, len(org)))

            # max(sorted(orgs), key=weight): the largest weight, the first name among equals.
            # Weighed in the order of their bounds, so that the patterns are compiled only for
            # the organisations that can still win (one or two of hundreds, where
            # compiling them for every one took 3 s of CPU at 300 long articles).
            bounds = {org: bound(org) for org in orgs}
            best_org, best_weight = None, None
            for org in sorted(sorted(orgs), key=bounds.__getitem__, reverse=True):
                if best_weight is not None:
                    most = bounds[org]
                    if most < best_weight:
                        break  # nor can any after it (bounds descend)
                    if most == best_weight and org > best_org:
                        continue  # at most a tie, lost to an earlier name
                found = weight(org)
                if best_weight is None or found > best_weight or (found == best_weight and org < best_org):
                    best_org, best_weight = org, found
            self.main_org = best_org
        votes: dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            mentions = self.person_mentions(text)
            for index, (position, name) in enumerate(mentions):
                stop = mentions[index + 1][0] if index + 1 < len(mentions) else len(text)
                window = text[position : min(stop, position + 200)]
                pronoun = re.search(r"\b(he|his|him|she|her|hers)\b", window, re.IGNORECASE)
                if pronoun:
                    votes[name]["f" if pronoun.group(1).lower().startswith(("she", "her")) else "m"] += 1
                title = re.search(r"\b(Mr|Mrs|Ms|Miss)\.?\s+$", text[max(0, position - 6) : position])
                if title:
                    votes[name]["m" if title.group(1) == "Mr" else "f"] += 3
        for name, counter in votes.items():
            (top, count), *rest = counter.most_common() + [(None, 0)]
            if top and count > rest[0][1]:
                self.gender[name] = top
        # "photographer Gabriele Galimberti": the lower-case word before a full name (the
        # first person in name order wins a word). One pass over the words before a capital.
        full_names: dict[str, list[str]] = defaultdict(list)
        for person in self.people():
            if len(person.split()) >= 2:
                full_names[person.split()[0]].append(person)
        described: dict[str, str] = {}
        for match in _WORD_BEFORE_NAME.finditer(joined):
            word, start = match.group(1), match.end()
            if word in STOP_WORDS:
                continue
            space = joined.find(" ", start, start + 100)
            for person in full_names.get(joined[start:space], ()) if space > 0 else ():
                if joined.startswith(person, start) and (word not in described or person < described[word]):
                    described[word] = person
        for word, person in described.items():
            self.descriptors.setdefault(word, person)

    def person_mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, canonical name) of every person named in `text`."""
        if text in self._mentions:
            return self._mentions[text]
        self._mentions[text] = found = self._find_people(text)
        return found

    def _find_people(self, text: str) -> list[tuple[int, str]]:
        """Every person alias in `text`, longest first at each place, left to right
        without overlaps (what one regex of all aliases finds, without its cost:
        a regex alternation of thousands of names tries each at every character)."""
        if self._people is None:
            aliases = {}
            for alias in self.counts:
                canonical = self.canonical(alias)
                if self.kind(canonical) == "PERSON":
                    aliases[alias] = canonical
            by_first: dict[str, list[str]] = defaultdict(list)
            for alias in sorted(aliases, key=len, reverse=True):
                first = _WORD.match(alias)
                if first:
                    by_first[first.group()].append(alias)
            self._people = (by_first, aliases)
        by_first, aliases = self._people
        found = []
        end = 0
        for word in _WORD.finditer(text):
            if word.start() < end or word.group() not in by_first:
                continue
            for alias in by_first[word.group()]:
                stop = word.start() + len(alias)
                if text.startswith(alias, word.start()) and _boundary(text, stop):
                    found.append((word.start(), aliases[alias]))
                    end = stop
                    break
        return found


_WORD = re.compile(r"\w+")
_WORD_BEFORE_NAME = re.compile(r"\b([a-z][a-z\-]+)\s+(?=[^\W\d_])")
_DESCRIBED = {
    kind: re.compile(rf",\s+(?:the|a|an|its|their)\s+(?:[\w-]+\s+){{0,2}}?(?:{'|'.join(sorted(nouns))})\b")
    for kind, nouns in (("ORG", _ORG_NOUNS), ("PERSON", _PERSON_NOUNS))
}
# Longest stretch of text a name's pattern in `Cast.finish` reaches from the name.
_MATCH_REACH = 300


def _boundary(text: str, index: int) -> bool:
    """Whether a regex \\b holds at `index` (word character on one side only)."""
    before = index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_")
    after = index < len(text) and (text[index].isalnum() or text[index] == "_")
    return before != after


def _names_before(text: str, description, names) -> set[str]:
    """The names that some match of `description` (a pattern starting with a comma) directly follows."""
    lengths: dict[int, set[str]] = defaultdict(set)
    for name in names:
        lengths[len(name)].add(name)
    found = set()
    for match in description.finditer(text):
        comma = match.start()
        for length, of_length in lengths.items():
            if text[max(0, comma - length) : comma] in of_length:
                found.add(text[comma - length : comma])
    return found


def _mentions(text: str, name: str) -> list[int]:
    """Where `name` starts in `text`, every occurrence (overlapping ones too)."""
    found = []
    start = text.find(name)
    while start >= 0:
        found.append(start)
        start = text.find(name, start + 1)
    return found


class _Starts:
    """Where each of many names starts in one text: `of(name)` is `_mentions(text, name)`.
    Scanning the whole story once per organisation grew with organisations times text
    (both grow with the story); instead the text's positions are indexed once by their
    first two characters, for the pairs some name begins with, and a name is looked for
    only where its first two characters are (every occurrence starts at such a place)."""

    def __init__(self, text: str, names: Iterable[str]) -> None:
        self.text = text
        self.prefixes = {name[:2] for name in names if len(name) >= 2}
        self.at: dict[str, list[int]] = defaultdict(list)
        for first in sorted({prefix[0] for prefix in self.prefixes}):
            start = text.find(first)
            while start >= 0:  # in increasing order, as `_mentions` finds them
                pair = text[start : start + 2]
                if pair in self.prefixes:
                    self.at[pair].append(start)
                start = text.find(first, start + 1)

    def of(self, name: str) -> list[int]:
        if len(name) < 2:
            return _mentions(self.text, name)
        return [start for start in self.at.get(name[:2], ()) if self.text.startswith(name, start)]


def _without_overlaps(starts: Sequence[int], length: int) -> int:
    """How many of these occurrences `str.count` counts: left to right, each skipping what it covers."""
    count, free = 0, 0
    for start in starts:
        if start >= free:
            count, free = count + 1, start + length
    return count


def _around(text: str, name: str, reach: int, mentions: Sequence[int] | None = None) -> list[tuple[int, int]]:
    """Merged stretches of `text` within `reach` characters of a mention of `name`."""
    stretches: list[list[int]] = []
    for start in _mentions(text, name) if mentions is None else mentions:
        low, high = max(0, start - reach), min(len(text), start + len(name) + reach)
        if stretches and low <= stretches[-1][1]:
            stretches[-1][1] = high
        else:
            stretches.append([low, high])
    return [(low, high) for low, high in stretches]


@dataclass(frozen=True, slots=True)
class Attribution:
    speaker: str | None
    mention: tuple[int, int] | None  # character offsets of the speaker mention in the article
    cue: str | None
    explicit: bool  # named in the quote's own paragraph (not a pronoun or a carry-over)
    near: bool = False  # the cue is in the quote's own sentence
    # The whole statement credited to the speaker (character offsets): the
    # cue's complement clause holding the quote ("says the ferry will
    # “sail again by spring”"), or None when that is just the quoted words.
    content: tuple[int, int] | None = None
    # The cue is a speech verb or a "Name:" lead-in, not merely the verb the
    # quoted words hang from ("was the “temporary” closure").
    spoken: bool = True
    # The quoted words are what the cue verb says ("“Stop,” he demanded"),
    # not a name in a phrase hanging on it ("said on “Harbour Hour”").
    uttered: bool = False


def _paragraph_of(paragraphs: Sequence[tuple[int, int]], position: int) -> int:
    for index, (start, end) in enumerate(paragraphs):
        if start <= position < end or (position == end):
            return index
    return len(paragraphs) - 1


class _Frame:
    """One paragraph of a parsed article: `tokens` is a spaCy Span of the
    article's Doc, so token offsets (`token.idx`, `start_char`) are article
    offsets and the parse is shared with the other stages (see nlp.parse_texts)."""

    def __init__(self, tokens):
        self.tokens = tokens
        self._starts: list[int] | None = None
        self._cues: list | None = None
        self._outside: dict[int, list] = {}
        self._usable: dict[int, list] = {}
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.tokens.text
        return self._text

    def between(self, start: int, end: int) -> list:
        """The tokens that start at a character in [start, end) (by bisection: a
        paragraph of a long transcript has thousands of tokens and many quotes)."""
        if self._starts is None:
            self._starts = [t.idx for t in self.tokens]
        first, last = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [self.tokens[k] for k in range(first, last)]

    def cues(self) -> list:
        """The paragraph's speech verbs (and "according"), in order."""
        if self._cues is None:
            import numpy as np

            doc = self.tokens.doc
            flags = _cue_flags(doc)[self.tokens.start : self.tokens.end]
            cues = [doc[int(i)] for i in np.flatnonzero(flags) + self.tokens.start]
            self._cues = [t for t in cues if t.lemma_.lower() != "continue" or _continues_speaking(t)]  # see is_cue
        return self._cues

    def usable_cues(self, quotes: Sequence[QuotedSpan]) -> list[tuple]:
        """(cue, its speaker token, its sentence's first token, a naming verb) of each cue
        that can attribute a quote of `quotes` whatever the quote: every test of
        `Attributor._in_paragraph` that reads only the cue, done once per paragraph (a long
        article printed as one paragraph has dozens of cues and of quotes)."""
        key = id(quotes)
        if key not in self._usable:
            para = self.tokens
            doc = para.doc
            usable = []
            for token in self.cues():
                lower = token.lower_
                if lower != "according" and token.pos_ not in ("VERB", "AUX"):
                    # "..., Viguerie notes." with the verb tagged as a noun; capitalised,
                    # the word is part of a name ("the United States needs to ...").
                    if not (token.i > para.start and doc[token.i - 1].pos_ in ("PROPN", "PRON") and lower.endswith("s")
                            and token.is_lower):
                        continue
                if _inside(token, quotes):
                    continue
                subject = _subject(token) if token.pos_ in ("VERB", "AUX") or lower == "according" else doc[token.i - 1]
                if subject is None or _inside(subject, quotes) or not para.start <= subject.i < para.end:
                    continue
                usable.append((token, subject, token.sent.start, token.lemma_.lower() in _NAMING_LEMMAS))
            self._usable[key] = usable
        return self._usable[key]

    def outside(self, quotes: Sequence[QuotedSpan]) -> list:
        """Its words outside the quotes (the same for every quote of the article)."""
        key = id(quotes)
        if key not in self._outside:
            self._outside[key] = [t for t in self.tokens if not _inside(t, quotes) and not t.is_punct and not t.is_space]
        return self._outside[key]


def _cue_flags(doc):
    """`is_cue` of every token of `doc`, from its arrays of word and lemma codes (a
    Python object per token of a paragraph that is a whole long article cost more than
    the attribution itself), worked out once per distinct code and kept with the doc."""
    flags = doc.user_data.get("corroborate_cue_flags")
    if flags is None:
        import numpy as np
        from spacy.attrs import LEMMA, LOWER

        columns = doc.to_array([LOWER, LEMMA]).reshape(-1, 2)
        strings = doc.vocab.strings
        lowers, lower_codes = np.unique(columns[:, 0], return_inverse=True)
        lemmas, lemma_codes = np.unique(columns[:, 1], return_inverse=True)
        lower_cue = np.array([strings[int(c)] == "according" or strings[int(c)] in SPEECH_VERBS for c in lowers], dtype=bool)
        lemma_cue = np.array([strings[int(c)].lower() in SPEECH_LEMMAS for c in lemmas], dtype=bool)
        flags = lower_cue[lower_codes.reshape(-1)] | lemma_cue[lemma_codes.reshape(-1)] if len(columns) else np.zeros(0, bool)
        doc.user_data["corroborate_cue_flags"] = flags
    return flags


def _text_of(doc) -> str:
    """The doc's text, built once (spaCy joins every token each time it is asked)."""
    cached = doc.user_data.get("corroborate_text")
    if cached is None:
        cached = doc.user_data["corroborate_text"] = doc.text
    return cached


def _inside(token, quotes: Iterable[QuotedSpan]) -> bool:
    """Whether the token starts inside one of `quotes` (by bisection over their merged
    extents, kept per list of quotes: an article's quotes are asked about for every cue
    of every quote)."""
    starts, ends = _extents(quotes)
    k = bisect_right(starts, token.idx) - 1
    return k >= 0 and token.idx < ends[k]


_EXTENTS: dict[int, tuple[object, list[int], list[int]]] = {}


def _extents(quotes) -> tuple[list[int], list[int]]:
    cached = _EXTENTS.get(id(quotes))
    if cached is not None and cached[0] is quotes:
        return cached[1], cached[2]
    starts: list[int] = []
    ends: list[int] = []
    for q in sorted(quotes, key=lambda q: q.start):
        if q.end <= q.start:
            continue
        if starts and q.start <= ends[-1]:
            ends[-1] = max(ends[-1], q.end)
        else:
            starts.append(q.start)
            ends.append(q.end)
    if len(_EXTENTS) > 10_000:
        _EXTENTS.clear()
    _EXTENTS[id(quotes)] = (quotes, starts, ends)
    return starts, ends


def _subject(cue):
    """The speaker token for a cue verb: its subject, or its head's (for
    "before adding:", "by saying:", "writing:"), or the noun a participle
    describes ("one person tweeting:")."""
    if cue.lower_ == "according":
        for child in cue.children:
            if child.lower_ == "to":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        return None
    for child in cue.children:
        if child.dep_ == "agent":  # "as reported by the Post"
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    token = cue
    for _ in range(4):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if not _aside(child, cue):
                    return child
                # A live blog's stamp before the sentence, "(Update 2:18 p.m. Cairo, 7:18
                # a.m. ET) Amre Moussa ... told Al Arabiya TV": the parser makes a word of
                # the stamp the subject and the name after it an apposition.
                named = next((t for t in child.subtree if t.dep_ == "appos" and t.pos_ == "PROPN" and not _aside(t, cue)), None)
                if named is not None:
                    return named
        if child_is_who(token):
            return token.head
        if token.dep_ in ("acl", "relcl") and token.head.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "ADJ"):
            return token.head
        if token.head.i == token.i or any(c.dep_ == "mark" for c in token.children):
            break  # "as she said", "because ...": the clause above is not the speaker's
        token = token.head
    return None


def _aside(token, cue) -> bool:
    """Whether `token` is inside parentheses that close before `cue`: an aside, never
    the subject of the cue's sentence."""
    doc = token.doc
    for k in range(token.i - 1, max(token.sent.start, token.i - 40) - 1, -1):
        if doc[k].text == ")":
            return False
        if doc[k].text == "(":
            return any(doc[j].text == ")" for j in range(token.i + 1, cue.i))
    return False


_MARKS = frozenset("\"\u201c\u201d\u201e\u2018\u2019'`\u00ab\u00bb")
# Children of a cue that are never part of what was said.
_NOT_CONTENT = frozenset("nsubj nsubjpass csubj agent aux auxpass neg punct cc conj mark advmod npadvmod".split())
# A quote in one of these says something about the cue's object, which is then
# part of the claim: "called [the plan “a disaster”]", "blamed [the council for “years of neglect”]".
_SECONDARY = frozenset("prep oprd xcomp acomp attr dative".split())


def content_clause(cue, quote_tokens, quote: QuotedSpan, para, text: str | None = None) -> tuple[int, int] | None:
    """What the speaker is credited with: the quoted words widened to the
    cue's complement that holds them ("says [the ferry will “sail again
    by spring”]", "called [the plan “a disaster”]"), kept inside the paragraph.
    PolNeAR and PARC annotate this clause as the attribution's content."""
    start, end = quote.start, quote.end
    doc = cue.doc
    if cue.lower_ == "according":
        # "[The plan is “dead”], according to aides": the clause the phrase modifies.
        clause = cue.head
        phrase = range(cue.left_edge.i, cue.right_edge.i + 1)
        if clause.i == cue.i or clause.i in phrase:
            return None
        lo, hi = clause.left_edge.i, clause.right_edge.i
        if cue.i > quote_tokens[-1].i:
            hi = min(hi, cue.left_edge.i - 1)
        else:
            lo = max(lo, cue.right_edge.i + 1)
        pieces = [(lo, hi)]
    else:
        children = set()
        for token in quote_tokens:
            node = token
            for _ in range(12):  # climb to the child of the cue that holds this quote token
                if node.head.i in (cue.i, node.i):
                    break
                node = node.head
            if node.head.i == cue.i and node.i != cue.i and node.dep_ not in _NOT_CONTENT:
                children.add(node)
        if children and (cue.lemma_.lower() in _NAMING_LEMMAS or any(c.dep_ in _SECONDARY for c in children)):
            children.update(c for c in cue.children if c.dep_ == "dobj")
        pieces = [(c.left_edge.i, c.right_edge.i) for c in children]
    for lo, hi in pieces:
        if hi < lo:
            continue
        start = min(start, doc[lo].idx)
        end = max(end, doc[hi].idx + len(doc[hi]))
    start, end = max(min(start, quote.start), para.start_char), min(max(end, quote.end), para.end_char)
    if (start, end) == (quote.start, quote.end):
        return None
    # Keep the quote's own marks when the clause reaches past them, so the
    # content reads as printed: the ferry will “sail again by spring.” (`text`: the text
    # the doc was parsed from, given when known: spaCy's Doc.text joins every token anew.)
    text = _text_of(doc) if text is None else text
    if end <= quote.end < len(text) and text[quote.end] in _MARKS:
        end = quote.end + 1
    if start >= quote.start > 0 and text[quote.start - 1] in _MARKS:
        start = quote.start - 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _utters(cue, quote_tokens) -> bool:
    """The quote is the cue's own complement: its top token hangs on the cue
    directly, not through a preposition, and the cue is not a naming verb."""
    if cue.lower_ == "according" or cue.lemma_.lower() in _NAMING_LEMMAS:
        return False
    inside = {t.i for t in quote_tokens}
    tops = [t for t in quote_tokens if t.head.i not in inside and not t.is_punct]
    return bool(tops) and all(t.head.i == cue.i and t.dep_ != "prep" for t in tops)


def child_is_who(verb) -> bool:
    """"X, who said ..." : the speaker is X."""
    return verb.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ == "who" for c in verb.children)


def _mention_tokens(token):
    """The tokens that name the speaker: the named entity the token is in, or
    its noun phrase up to the token (no relative clauses)."""
    doc = token.doc
    if token.ent_type_:
        # The entity around the token, from its IOB tags (building `doc.ents` for
        # each mention cost a pass over every entity of the article).
        from spacy.tokens import Span as TokenSpan

        first, last = token.i, token.i + 1
        while first > 0 and doc[first].ent_iob_ == "I":
            first -= 1
        while last < len(doc) and doc[last].ent_iob_ == "I":
            last += 1
        return TokenSpan(doc, first, last, label=token.ent_type_)
    start = token.left_edge.i
    return doc[start : token.i + 1]


class Attributor:
    """Attributes the quotes of one story's articles (see the module doc)."""

    def __init__(self, cast: Cast):
        self.cast = cast
        self._public: dict[str, str] = {}  # article text -> its word for the public

    def public_online(self, article_text: str) -> str:
        """The article's own word for the members of the public it quotes:
        the public group it names most ("fans", "residents"), on social media."""
        if article_text not in self._public:
            lowered = article_text.lower()
            counts = [(len(re.findall(r"\b" + group + r"\b", lowered)), -lowered.find(group), group) for group in _PUBLIC_GROUPS]
            count, _, group = max(counts)
            self._public[article_text] = f"{group if count else 'people'} on social media"
        return self._public[article_text]

    def _resolve(self, span, head, quote_start: int, article_text: str, history, paragraph_index: int,
                 persons: list[tuple[int, str]], frame_text: str) -> tuple[str | None, bool]:
        lower = head.lower_
        recent = [h for h in history if paragraph_index - h[0] <= _CARRY_PARAGRAPHS and h[1]]
        if lower in _RELATIVE:
            return None, False
        if head.ent_type_ in _NAME_LABELS or head.pos_ == "PROPN":
            return self.cast.canonical(span.text), True
        if lower in _PERSON_PRONOUNS:
            wanted = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(lower)
            fits = lambda name: self.cast.kind(name) == "PERSON" and self.cast.gender.get(name, wanted) == wanted
            # A person named since the previous quote is the new speaker
            # ("Priya Madsen, a spokeswoman, defended the work. “...,” she said.").
            since = history[-1][2] if history else 0
            introduced = [name for position, name in persons if since <= position < quote_start and fits(name)]
            if introduced:
                return introduced[-1], False
            for _, name, _ in reversed(recent):
                if fits(name):
                    return name, False
            before = [name for position, name in persons if position < quote_start and fits(name)]
            return (before[-1] if before else None), False
        if lower in _GROUP_PRONOUNS:
            return (recent[-1][1] if recent else self.cast.main_org), False
        if lower in _ORG_NOUNS:
            return self.cast.main_org or span.text, False
        if lower in _STATEMENT_NOUNS:
            preceding = article_text[max(0, quote_start - 400) : quote_start].lower()
            if self.cast.main_org and (
                self.cast.main_org.lower() in preceding or any(noun in preceding.split() for noun in _ORG_NOUNS)
            ):
                return self.cast.main_org, False
            return (recent[-1][1] if recent else self.cast.main_org), False
        if lower in _PUBLIC_NOUNS or (span[0].lower_ in _INDEFINITE and span[0].i != head.i):
            words = span.text.lower()
            context = article_text[max(0, quote_start - 400) : quote_start]
            if (
                _SOCIAL_WORDS.search(words)
                or _SOCIAL_WORDS.search(frame_text)
                or _SOCIAL_WORDS.search(context)
                or (recent and recent[-1][1].endswith(" on social media"))
            ):
                return self.public_online(article_text), False
            return " ".join(words.split()), False
        if lower in self.cast.descriptors:
            return self.cast.descriptors[lower], False
        if lower in _PERSON_NOUNS or lower.split("-")[0] in _PERSON_NOUNS:
            for _, name, _ in reversed(recent):
                if self.cast.kind(name) == "PERSON":
                    return name, False
            before = [name for position, name in persons if position < quote_start]
            return (before[-1] if before else span.text), False
        name = clean_name(span.text)
        if name and (name in self.cast.counts or self.cast.canonical(name) != name):
            return self.cast.canonical(name), True  # a known name the tagger missed
        if name and not any(ch.isupper() for ch in name) and head.pos_ == "NOUN" and head.tag_ == "NN":
            # "he warned that success was not guaranteed and asked people to “...”": the
            # parse gave the quote a word that names no one; better no speaker than "success".
            return None, False
        return name or None, False

    def attribute(self, text: str, quotes: Sequence[QuotedSpan], paragraphs: Sequence[tuple[int, int]],
                  frames: dict[int, _Frame]) -> list[Attribution]:
        """One attribution per quote of one article, in text order."""
        persons = self.cast.person_mentions(text)
        history: list[tuple[int, str | None, int]] = []  # (paragraph, speaker, end) of earlier quotes
        result: list[Attribution] = []
        for quote in quotes:
            p_index = _paragraph_of(paragraphs, quote.start)
            attribution = self._in_paragraph(text, quote, quotes, p_index, frames.get(p_index), history, persons)
            if attribution is None and p_index > 0 and self._quote_only(text, paragraphs[p_index], quotes):
                previous = paragraphs[p_index - 1]
                if text[previous[0] : previous[1]].rstrip().endswith(":") and p_index - 1 in frames:
                    # "She said:" on its own line, then the quoted paragraph.
                    lead = QuotedSpan(previous[1], previous[1])
                    attribution = self._in_paragraph(
                        text, lead, quotes, p_index - 1, frames[p_index - 1], history, persons, lead_in=True
                    )
            starts_paragraph = quote.start - paragraphs[p_index][0] <= 2
            if attribution is None and starts_paragraph and history and p_index - history[-1][0] <= 1 and history[-1][1]:
                # No cue: the quote continues the previous speaker's words.
                carried = result[-1]
                attribution = Attribution(carried.speaker, carried.mention, carried.cue, False, near=True,
                                          spoken=carried.spoken)
            if attribution is None and starts_paragraph and p_index > 0 and p_index - 1 in frames:
                # "Dr X said the way people behave ... strains a bridge." then
                # a paragraph of quote: the speaker introduced just before.
                previous = paragraphs[p_index - 1]
                if not any(previous[0] <= q.start < previous[1] for q in quotes):
                    lead = QuotedSpan(previous[1], previous[1])
                    found = self._in_paragraph(text, lead, quotes, p_index - 1, frames[p_index - 1], history, persons)
                    if found is not None and found.cue != ":":
                        attribution = Attribution(found.speaker, found.mention, found.cue, False, near=True,
                                                  spoken=found.spoken)
            if attribution is None:
                attribution = Attribution(None, None, None, False, spoken=False)
            result.append(attribution)
            history.append((p_index, attribution.speaker, quote.end))
        # A quote left open at a paragraph's end continues in the next
        # paragraph, whose cue ("...," he said) names the speaker of both.
        for index in range(len(quotes) - 2, -1, -1):
            quote, following = quotes[index], quotes[index + 1]
            if result[index].speaker is None and quote.how == "unclosed" and result[index + 1].speaker:
                p_index = _paragraph_of(paragraphs, quote.start)
                if _paragraph_of(paragraphs, following.start) == p_index + 1:
                    nxt = result[index + 1]
                    result[index] = Attribution(nxt.speaker, nxt.mention, nxt.cue, False, near=True, spoken=nxt.spoken)
        return result

    @staticmethod
    def _quote_only(text: str, paragraph: tuple[int, int], quotes: Sequence[QuotedSpan]) -> bool:
        rest = list(text[paragraph[0] : paragraph[1]])
        for q in quotes:
            for i in range(max(q.start, paragraph[0]), min(q.end, paragraph[1])):
                rest[i - paragraph[0]] = " "
        return sum(ch.isalnum() for ch in rest) < 3

    def _in_paragraph(self, text, quote, quotes, p_index, frame, history, persons, lead_in=False) -> Attribution | None:
        if frame is None:
            return None
        para = frame.tokens
        if not len(para):
            return None
        doc = para.doc
        quote_tokens = frame.between(quote.start, quote.end)
        # The sentences the quote is in: the first token's, and each that starts inside it.
        quote_sentence = {quote_tokens[0].sent.start} | {t.i for t in quote_tokens[1:] if t.is_sent_start} if quote_tokens else set()
        if not quote_tokens:  # a lead-in line: the cue is at its end
            quote_sentence = {para[-1].sent.start}
        best = None
        for token, subject, sentence_start, naming in frame.usable_cues(quotes):
            if naming and not any(token.i in (t.head.i, t.head.head.i) for t in quote_tokens):
                continue
            position = token.idx
            distance = quote.start - position if position < quote.start else position - quote.end
            if sentence_start not in quote_sentence:
                distance += 10_000
            elif quote_tokens and not any(token.is_ancestor(t) for t in quote_tokens):
                # A cue whose clause holds the quote beats a nearer one that
                # does not ("X said crews “were in the water” and praised ...").
                distance += 1_000
            if best is None or distance < best[0]:
                best = (distance, token, subject)
        frame_text = frame.text
        if best is None and lead_in:
            # "A few comments on her post read:" ("read" tagged as a noun), or
            # "X released the following statement:": the lead-in's root
            # noun phrase, or the subject of its root verb, is the speaker.
            # The root of the lead-in's last sentence, cut at the paragraph
            # end (the parser may run that sentence into the quote below).
            first = max(para[-1].sent.start, para.start)
            piece = [t for t in doc[first : para.end] if not t.is_punct and not t.is_space]
            roots = [t for t in piece if t.head.i == t.i or not first <= t.head.i < para.end]
            last_root = roots[0] if roots else para[-1]
            if last_root.pos_ in ("NOUN", "PROPN", "PRON"):
                best = (0, None, last_root)
            elif last_root.pos_ in ("VERB", "AUX") and _subject(last_root) is not None:
                best = (0, last_root, _subject(last_root))
        if best is None and quote_tokens:
            # No speech verb: the verb the quoted words hang from ("thanked him
            # for “...”", "is labeling it “...”", "reveals a few facts: “...”").
            best = self._governing(quote_tokens, quotes, para)
        if best is not None:
            _, cue, subject = best
            span = _mention_tokens(subject)
            speaker, explicit = self._resolve(span, subject, quote.start, text, history, p_index, persons, frame_text)
            mention = (span.start_char, span.end_char)
            content = content_clause(cue, quote_tokens, quote, para, text) if cue is not None and quote_tokens else None
            spoken = cue is None or is_cue(cue)
            uttered = cue is not None and spoken and _utters(cue, quote_tokens)
            near = best[0] < 10_000 or (
                # “It held,” she said. “Barely.”: the cue ends the sentence just before.
                cue is not None and cue.idx < quote.start and not re.search(r"\w", text[cue.idx + len(cue) : quote.start])
            )
            return Attribution(speaker, mention, cue.text if cue is not None else ":", explicit, near=near,
                               content=content, spoken=spoken, uttered=uttered)
        # "“Quote”: Name" (subheadings), "Name: “Quote”", and headlines "Name: words ‘quote’".
        head = re.match(r"\s*([A-Z][\w.'\u2019\- ]{1,40}?):\s", frame_text)
        if head and not _inside(para[0], quotes):
            ents = [e for e in para.ents if e.start_char < para.start_char + head.end(1) and e.label_ in _NAME_LABELS]
            if ents:
                name = self.cast.canonical(ents[0].text)
                # "Name: words ‘quote’" (a headline): all after the colon is the claim.
                content = (para.start_char + head.end(), para.end_char) if quote_tokens else None
                return Attribution(name, (ents[0].start_char, ents[0].end_char), ":", True, near=True, content=content)
        outside = frame.outside(quotes)
        if 0 < len(outside) <= 5 and re.search(r":\s*$|^\s*\W*:", self._outside_text(para, quotes)):
            for ent in para.ents:
                if ent.label_ in _NAME_LABELS and not _inside(ent[0], quotes):
                    name = self.cast.canonical(ent.text)
                    return Attribution(name, (ent.start_char, ent.end_char), ":", True, near=True)
        return None

    @staticmethod
    def _governing(quote_tokens, quotes, para):
        inside = {t.i for t in quote_tokens}
        roots = [t for t in quote_tokens if t.head.i not in inside]
        for root in roots:
            token = root.head
            for _ in range(5):
                if token.i in inside or _inside(token, quotes) or not para.start <= token.i < para.end:
                    break  # the parser may run a sentence over a paragraph break
                if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("relcl", "acl"):
                    subject = _subject(token)
                    if (subject is not None and not _inside(subject, quotes) and subject.lower_ not in _RELATIVE
                            and para.start <= subject.i < para.end):
                        return (0, token, subject)
                    break
                if token.head.i == token.i:
                    break
                token = token.head
        return None

    @staticmethod
    def _outside_text(para, quotes) -> str:
        offset = para.start_char
        chars = list(para.text)
        for q in quotes:
            for i in range(max(q.start - offset, 0), min(q.end - offset, len(chars))):
                chars[i] = " "
        return re.sub(r"[\"\u201c\u201d\u201e]", " ", "".join(chars))
