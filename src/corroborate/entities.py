"""Entities of a story, with one canonical name each across all its articles.

spaCy's NER finds the names; our rules join the mentions that name the same
entity ("Kim", "Kardashian", "Kim Kardashian"), fix the kind of a name that the
small model labels inconsistently (a brand tagged as a place in most sentences
and as an organisation in a few), and resolve what NER cannot:

- descriptions: "the reality star", "the Skims founder", "the mayor" name a
  person; "the brand", "the company", "the fashion house" an organisation. A
  title the story itself uses next to a name ("Mayor Renata Solberg",
  "Priya Madsen, a spokeswoman") picks that person, unless the story gives it
  to several (then none); otherwise the story's most mentioned person or
  organisation is meant;
- pronouns: "she", "his", "its" name the last person (organisation) mentioned
  before them in the same article.

`EntityIndex.name_at(article_id, token)` answers which entity a token names.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Article, Entity, Span
from .nlp import tokens_where

NAME_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
ORGANISATION_LIKE = {"ORG", "GPE", "NORP", "PRODUCT", "FAC"}

# Head nouns of descriptions that stand for a person or an organisation.
PERSON_NOUNS = {
    "star", "actress", "actor", "founder", "cofounder", "co-founder", "mogul", "socialite", "mother", "mom",
    "mum", "father", "dad", "celebrity", "influencer", "singer", "rapper", "personality", "entrepreneur",
    "businesswoman", "businessman", "mayor", "president", "minister", "governor", "senator", "chief",
    "spokeswoman", "spokesman", "spokesperson", "ceo", "chairman", "chairwoman", "designer", "photographer",
    "engineer", "teacher", "owner", "leader", "executive", "director", "candidate", "premier", "chancellor",
    "prime", "king", "queen", "prince", "princess", "coach", "player", "judge", "lawyer", "attorney",
    "woman", "man", "wife", "husband",
}  # fmt: skip
ORG_NOUNS = {
    "brand", "company", "label", "house", "firm", "business", "retailer", "maker", "group", "corporation",
    "giant", "outfit", "organisation", "organization", "council", "agency", "government", "ministry",
    "department", "manufacturer", "carmaker", "bank", "team", "club", "party", "startup", "conglomerate",
    "authority", "office", "service",
}  # fmt: skip
# Generic person nouns that need a title match in the story; never the main person by default.
_NEEDS_TITLE = {"woman", "man", "engineer", "teacher", "owner", "player", "designer", "photographer", "lawyer",
                "attorney", "judge", "director", "executive", "leader", "chief", "spokeswoman", "spokesman",
                "spokesperson", "council", "agency", "office", "service", "department", "team", "party"}  # fmt: skip
# Nouns of many people, which no one person is titled by ("told police Lambach ...").
_GROUP_NOUNS = {"police", "press", "administration", "military", "army", "staff", "public", "crowd", "media", "jury"}
_SPEECH_VERBS = {"say", "tell", "write", "add", "tweet", "explain", "admit", "claim", "insist", "continue", "conclude"}
_PERSON_PRONOUNS = {"she", "her", "hers", "herself", "he", "him", "his", "himself"}
# "it" is left alone: it names the bridge or the campaign as often as the company.
_ORG_PRONOUNS = {"its", "itself"}
_FIRST_PERSON = {"i", "me", "my", "mine", "myself"}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# One item of a list of people with their ages ("kids Ada, 9, Bram, 6, and
# Cleo, 3"): a capitalised name right before ", <age>". Two or more items in a
# row name people (whatever the small model tags them) who are not the longer
# names they share a word with.
_AGED_ITEM = re.compile(r"(?:\band )?\b(?P<name>[A-Z][\w'’-]*(?: [A-Z][\w'’-]*)?), (?P<age>\d{1,2})\b,?\s*")
# Modifiers that make a description name a different organisation or person
# from the story's main one ("the parent company", "the production firm", "a
# rival brand"): a relation to it, or a role it hires.
_RELATIONAL = {
    "parent", "rival", "sister", "subsidiary", "holding", "partner", "competitor", "competing", "production",
    "other", "another", "former", "ex", "opposing", "insurance", "law", "advertising", "marketing", "consulting",
    "consultancy", "investment", "next", "future", "previous",
}  # fmt: skip
# Words that make a title another office: the vice president is not the president.
_OFFICE_PREFIXES = frozenset({"vice", "deputy", "assistant"})
_QUOTE_OPEN = "\"“”"


# Social platforms: the small model tags them as people or places ("wrote on Twitter"),
# and news names them in nearly every story as where a statement appeared.
_PLATFORMS = frozenset(
    "twitter instagram facebook tiktok youtube snapchat reddit linkedin whatsapp telegram weibo threads".split()
)


# Last words that make a multi-word name an organisation whatever the tagger says.
_ORG_HEADS = frozenset(
    "hospital university college school council committee commission authority agency ministry department "
    "bank police court inc ltd llc plc corp corporation company group association federation union institute "
    "foundation trust museum fm radio tv news times post herald gazette".split()
)


# What a company's name may end with and still name the same company.
_LEGAL_FORMS = frozenset("inc corp corporation co company plc ltd llc sa ag nv gmbh group holdings".split())


def clean_name(text: str) -> str:
    # Marks and slashes are the edges of a quoted title or a cut name ("“Toy Stories",
    # "Spring/"), never part of the name.
    marks = "-–—:;,./\"“”‘’"
    text = text.strip().strip(marks).strip()
    text = _POSSESSIVE.sub("", text).strip()
    # Again after the article: "the “Toy Stories" is "Toy Stories".
    text = re.sub(r"^(?:the|The)\s+", "", text).strip(marks).strip()
    # An initialism keeps its last full stop: "U.S.", "Washington D.C." (not "U.S").
    if re.search(r"(?:^|\s)(?:[A-Za-z]\.)+[A-Za-z]$", text):
        text += "."
    return " ".join(text.split())


def initialism(name: str) -> str | None:
    """The letters an initialism spells ("U.S." and "US" -> "US", "FBI"), or None for a
    name that is not one (a word of capitals and full stops, two to six letters)."""
    letters = name.replace(".", "")
    if " " in name or not (2 <= len(letters) <= 6) or not letters.isalpha() or not letters.isupper():
        return None
    return letters


def _country_key(name: str) -> str:
    return name.replace(".", "").casefold()


@lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    """Every country's name, other spellings ("UK", "Great Britain", "USA") and
    demonym ("British", "Egyptian"; plural "Egyptians" too), from countryinfo's
    gazetteer, as `_country_key` writes them ("U.S." -> "us"). Read once, when a
    name's kind first needs it (some 50 ms)."""
    names: set[str] = set()
    try:
        from countryinfo import all_countries

        for country in all_countries():
            names.add(country.name())
            names.update(country.alt_spellings() or ())
            for demonym in (country.demonym() or "").split(","):
                if demonym.strip():
                    names.update((demonym.strip(), demonym.strip() + "s"))
    except Exception:  # noqa: BLE001 - without the gazetteer (absent, or its data unreadable) the rule is as it was
        return frozenset()
    names.update(_SHORT_COUNTRY_NAMES)
    return frozenset(_country_key(name) for name in names if isinstance(name, str) and name)


# The two short names English news uses most that the gazetteer's other spellings lack
# (it has "Great Britain", "UK", "USA", "United States of America"): without them the
# model's now-and-then ORG tag made "Britain" and "America" organisations.
_SHORT_COUNTRY_NAMES = ("Britain", "America")


@dataclass
class _Group:
    surfaces: Counter = field(default_factory=Counter)
    labels: Counter = field(default_factory=Counter)
    mentions: list[Span] = field(default_factory=list)
    locative: int = 0
    listed: int = 0  # mentions as an item of a list of people with ages

    @property
    def canonical(self) -> str:
        longest = max(len(s.split()) for s in self.surfaces)
        full = max((s for s in self.surfaces if len(s.split()) == longest), key=lambda s: self.surfaces[s])
        if self.labels.most_common(1)[0][0] == "PERSON":
            return full  # a person's full name, however often the surname alone is used
        # A thing is named as most writers name it: "Instagram" (five mentions), not the
        # once-written "Instagram Story"; the longer name wins ties.
        top = max(self.surfaces.values())
        if self.surfaces[full] == top:
            return full
        return max((s for s in self.surfaces if self.surfaces[s] == top), key=lambda s: len(s.split()))

    @property
    def kind(self) -> str:
        words = self.canonical.split()
        if words[0].casefold() in _PLATFORMS:
            return "ORG"  # "Twitter", "Instagram Story"
        if len(words) > 1 and words[-1].casefold() in _ORG_HEADS:
            return "ORG"  # "Brantmoor General Hospital", "Corran Boxing Council": named by what they are
        best = self.labels.most_common(1)[0][0]
        # The small model often tags an unfamiliar brand as a place or nationality;
        # a name it tags ORG somewhere and that is rarely used as a place ("in X")
        # is an organisation, unless it is a country's or its people's name (the
        # model also tags "U.S." and "American" ORG now and then, and "the U.S.
        # said" or "American officials" are not "in X" either).
        if (best in ("GPE", "NORP", "LOC") and self.labels["ORG"] and self.locative * 3 < len(self.mentions)
                and _country_key(self.canonical) not in _country_names()):  # fmt: skip
            return "ORG"
        return best


@dataclass
class EntityIndex:
    entities: list[Entity]
    # (article id, token index) -> canonical name, and the kind of each name
    by_token: dict[tuple[str, int], str]
    kinds: dict[str, str]
    main_person: str | None
    main_org: str | None

    def name_at(self, article_id: str, token_index: int) -> str | None:
        return self.by_token.get((article_id, token_index))

    def kind_of(self, name: str | None) -> str | None:
        return self.kinds.get(name) if name else None


def in_quote(text: str, offset: int) -> bool:
    """Whether `offset` is inside a quotation on its paragraph (odd number of marks before it)."""
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    return sum(before.count(mark) for mark in _QUOTE_OPEN) % 2 == 1


def listed_people(text: str) -> list[tuple[int, int]]:
    """Character spans of the names in lists of people with their ages
    ("Ada, 9, Bram, 6, and Cleo, 3"): runs of two or more "Name, age" items."""
    spans: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    end = -1
    for match in _AGED_ITEM.finditer(text):
        if match.start() != end:
            if len(run) >= 2:
                spans += run
            run = []
        run.append(match.span("name"))
        end = match.end()
    if len(run) >= 2:
        spans += run
    return spans


def build_index(articles: Sequence[Article], docs: Sequence) -> EntityIndex:
    groups: dict[str, _Group] = defaultdict(_Group)
    ent_tokens: list[tuple[str, list[int], str]] = []  # article id, token indices, group key
    for article, doc in zip(articles, docs):
        listed = {start for start, _ in listed_people(article.text)}
        for ent in doc.ents:
            if ent.label_ not in NAME_LABELS:
                continue
            label = ent.label_
            # "Balenciaga’s Spring": the tagger ran a possessor and what it owns into
            # one name; the possessor is the entity.
            possessive = next((i for i, t in enumerate(ent) if t.tag_ == "POS" and 0 < i < len(ent) - 1), None)
            if possessive is not None:
                ent = ent[:possessive]
            name = clean_name(ent.text)
            # A slash inside is a photo credit run into the next sentence ("Photograph: John
            # Edwards/EPA BP was fighting ...") or two names ("Twitter/Facebook"), not one name.
            if not name or not any(ch.isupper() for ch in name) or len(name.split()) > 5 or "/" in name:
                continue
            key = name.casefold()
            group = groups[key]
            group.surfaces[name] += 1
            # A possessor cut from a longer name keeps no vote: the tag was for the whole.
            group.labels[label] += 0 if possessive is not None else 3 if len(name.split()) > 1 else 1
            group.mentions.append(Span(article.id, ent.start_char, ent.end_char))
            if ent.start > 0 and doc[ent.start - 1].lower_ in ("in", "at", "near", "from"):
                group.locative += 1
            # The small model often calls an unfamiliar person a place; the
            # sentence says otherwise when the name speaks or carries a title.
            root = ent.root
            before = doc[ent.start - 1] if ent.start > 0 else None
            # "harbour master Ines Valdor", "Mayor Renata Solberg": a title noun right before the name
            titled = before is not None and (
                before.lemma_.lower() in PERSON_NOUNS or _compound_title(doc, before)
            )
            speaks = root.dep_ in ("nsubj",) and root.head.lemma_ in _SPEECH_VERBS
            if ent.start_char in listed:
                group.labels["PERSON"] += 8
                group.listed += 1
            elif before is not None and before.lemma_.lower() in ORG_NOUNS - PERSON_NOUNS:
                group.labels["ORG"] += 8  # "the production company Ardent Vale": an organisation
            elif titled or speaks or any(c.dep_ == "appos" and c.lemma_.lower() in PERSON_NOUNS for c in root.children):
                group.labels["PERSON"] += 8
            ent_tokens.append((article.id, list(range(ent.start, ent.end)), key))

    # Join a one-word name to the one longer name it starts or ends ("Kim",
    # "Kardashian" -> "Kim Kardashian"), and drop names that merely glue two
    # others together (a headline tagged as one PERSON).
    parent: dict[str, str] = {}
    long_keys = [k for k in groups if len(k.split()) > 1]
    # Indexes of the longer names (each list in `long_keys` order, as a scan would
    # meet them): by the first run of word characters, by each proper prefix of
    # whole words, by first and by last word. A story of 300 articles has thousands
    # of names, and comparing every pair took minutes.
    by_first_run: dict[str, list[str]] = defaultdict(list)
    by_prefix: dict[str, list[str]] = defaultdict(list)
    by_end_word: dict[str, list[str]] = defaultdict(list)
    for k in long_keys:
        run = _WORD_RUN.search(k)
        if run:
            by_first_run[run.group()].append(k)
        words = k.split()
        for size in range(1, len(words)):
            by_prefix[" ".join(words[:size])].append(k)
        for word in dict.fromkeys((words[0], words[-1])):
            by_end_word[word].append(k)
    rank = {k: position for position, k in enumerate(long_keys)}
    for key in long_keys:
        near = {other for run in _WORD_RUN.findall(key) for other in by_first_run.get(run, ())}
        inner = [other for other in sorted(near, key=rank.__getitem__)
                 if other != key and _holds_word_run(key, other)]  # fmt: skip
        singles = [w for w in key.split() if w in groups and w not in key.split()[:1] + key.split()[-1:]]
        if len(inner) + len(singles) >= 2 or (inner and len(key.split()) > len(inner[0].split()) + 1):
            parent[key] = ""  # dropped
    for key in long_keys:
        # "Calloway Hale" -> "Calloway Hale Engineering": a name that starts a longer one
        if key in parent:
            continue
        longer = [k for k in by_prefix.get(key, ()) if k != key and parent.get(k) != "" and k.startswith(key + " ")]
        if len(longer) == 1 and _shortens(groups[key], groups[longer[0]]):
            parent[key] = longer[0]
    for key in groups:
        # A one-word name joins a longer one only when it is that name's first
        # or last word, both are the same kind of thing, and it is not an item
        # of a list of people with ages ("kids Ada, 9, ..." is not "Ada Corp").
        if len(key.split()) != 1 or groups[key].listed:
            continue
        kind = groups[key].kind
        # People join people; any other name joins only a name of its own kind
        # ("Paris", a place, is not "Paris Fashion Week", an event).
        owners = [
            k
            for k in by_end_word.get(key, ())
            if parent.get(k) != ""
            and key in (k.split()[0], k.split()[-1])
            and ((groups[k].kind == "PERSON") == (kind == "PERSON"))
            and (kind == "PERSON" or groups[k].kind == kind)
            and _shortens(groups[key], groups[k])
        ]
        if owners:
            parent[key] = max(owners, key=lambda k: len(groups[k].mentions))

    # An initialism is one name however it is written: "UN" is "U.N.", "US" "U.S." It is
    # not matched to a name by its letters: "D.C." spelled a story's "DeKalb County", "GM"
    # its "Gulf of Mexico", "NO" (a page's "YES | NO") "New Orleans"; "U.S." and "United
    # States" stay two names. Checked once every name has its kind.
    dotted: dict[str, set[str]] = defaultdict(set)  # letters -> the groups their dotted initialisms are in
    for key in groups:
        short = parent.get(key, key)  # "U.S." may have joined "U.S. Embassy"
        if short and "." in groups[key].canonical and groups[key].kind != "PERSON":
            letters = initialism(groups[key].canonical)
            if letters:
                dotted[letters].add(short)
    for key in groups:
        short = parent.get(key, key)
        if not short or "." in groups[key].canonical or groups[key].kind == "PERSON":
            continue
        owners = dotted.get(initialism(groups[key].canonical) or "", set())
        if len(owners) == 1 and short not in owners:
            owner = next(iter(owners))
            for other, target in list(parent.items()):
                if target == short:
                    parent[other] = owner
            parent[short] = owner

    merged: dict[str, _Group] = {}
    for key, group in groups.items():
        target = parent.get(key, key)
        if target == "":
            continue
        into = merged.setdefault(target, _Group())
        into.surfaces.update(group.surfaces)
        into.labels.update(group.labels)
        into.mentions.extend(group.mentions)
        into.locative += group.locative

    canonical_of = {key: merged[parent.get(key, key)].canonical for key in groups if parent.get(key, key) in merged}
    kinds = {g.canonical: g.kind for g in merged.values()}
    ranked = sorted(merged.values(), key=lambda g: -len(g.mentions))
    main_person = _main_one(ranked, "PERSON")
    main_org = _main_one(ranked, "ORG")

    by_token: dict[tuple[str, int], str] = {}
    for article_id, tokens, key in ent_tokens:
        if key in canonical_of:
            for index in tokens:
                by_token[(article_id, index)] = canonical_of[key]

    # A surname alone that NER missed ("Valdor, 51, said") is still the person.
    # Not a word that is itself the name of something else: "Florida BP", a tagger's
    # slip, is no person whose surname every untagged "BP" of an oil spill is.
    others = {g.canonical.casefold() for g in merged.values() if g.kind != "PERSON"}
    surnames = {
        g.canonical.split()[-1]: g.canonical for g in merged.values()
        if g.kind == "PERSON" and len(g.canonical.split()) > 1 and g.canonical.split()[-1].casefold() not in others
    }  # fmt: skip
    group_of_name = {}
    for group in merged.values():
        group_of_name.setdefault(group.canonical, group)
    for article, doc in zip(articles, docs):
        for token in tokens_where(doc, "POS", ("PROPN",)):
            if token.text in surnames and (article.id, token.i) not in by_token:
                by_token[(article.id, token.i)] = surnames[token.text]
                group_of_name[surnames[token.text]].mentions.append(Span(article.id, token.idx, token.idx + len(token)))

    titles = _titles(articles, docs, by_token, kinds)
    aliases: dict[str, Counter] = defaultdict(Counter)
    extra_mentions: dict[str, list[Span]] = defaultdict(list)
    named = _named_tokens(by_token)  # kept up to date below: scanning every name per article is quadratic
    for article, doc in zip(articles, docs):
        _resolve_descriptions(article, doc, by_token, kinds, titles, main_person, main_org, aliases, extra_mentions,
                              named[article.id])  # fmt: skip
        _resolve_pronouns(article, doc, by_token, kinds, named[article.id])

    entities = []
    for group in ranked:
        name = group.canonical
        names = set(group.surfaces) - {name}
        entities.append(
            Entity(
                name=name,
                kind=group.kind,
                aliases=tuple(sorted(names)) + tuple(a for a, _ in aliases[name].most_common()),
                mentions=tuple(sorted(group.mentions + extra_mentions[name])),
            )
        )
    return EntityIndex(entities, by_token, kinds, main_person, main_org)


def _shortens(short: _Group, long: _Group) -> bool:
    """Whether a name is a short form of a longer name that holds it ("the Brotherhood"
    of "the Muslim Brotherhood"), not a name in its own right that the longer one is
    named after ("Mexico" of "Mexico City", "U.S." of "U.S. Embassy", "Google" of
    "Google Analytics"). A writer shortens a name after giving it in full, so a short
    form is written mostly in articles that also give the full name; a name of its own
    is written in articles that never do. "Mostly" is more than half, the majority rule
    of the titles. A person's first or last name is always a part of the full name."""
    if short.kind == "PERSON":
        return True
    # "Target" of "Target Corp": what follows is only the company's legal form.
    short_words, long_words = short.canonical.casefold().split(), long.canonical.casefold().split()
    if long_words[: len(short_words)] == short_words and all(
        word.strip(".,") in _LEGAL_FORMS for word in long_words[len(short_words):]
    ):
        return True
    written = {mention.article_id for mention in short.mentions}
    with_long = written & {mention.article_id for mention in long.mentions}
    return 2 * len(with_long) > len(written)


def _main_one(ranked, kind: str) -> str | None:
    """The story's main person (or organisation): the most mentioned of its kind, if it
    has more than half of the mentions of that kind. A story about one designer calls her
    "the actress", "the mother"; a feed of many stories, or a story of many people, has
    no one that every "the actress" and every "the company" means (pooled news: "the
    actress" was Wilbur Ross, "the government" Kevin Spacey; an Egypt story's "the
    government" its mis-tagged "Egyptian")."""
    of_kind = [group for group in ranked if group.kind == kind]
    if not of_kind:
        return None
    top = of_kind[0]
    return top.canonical if 2 * len(top.mentions) > sum(len(group.mentions) for group in of_kind) else None


def _office(root, head: str) -> str:
    """The title a description's head names: "vice president" for "the vice president"
    (`_OFFICE_PREFIXES`), else the head itself."""
    prefix = next((c.lower_ for c in root.children if c.dep_ in ("amod", "compound") and c.lower_ in _OFFICE_PREFIXES), None)
    return f"{prefix} {head}" if prefix else head


def _compound_title(doc, before) -> bool:
    """Whether `before`, the word right before a name, is a title the tagger does not
    know ("stylist Lotta Volkova", "harbour master Ines Valdor"): a noun compounded with
    the name, and not the end of a hyphenated modifier ("the three-time Tour de France
    champion": "time" is no title of the Tour de France)."""
    if before.pos_ != "NOUN" or before.dep_ != "compound":
        return False
    return before.i == 0 or doc[before.i - 1].text != "-"


def _titles(articles, docs, by_token, kinds) -> dict[str, str | None]:
    """Title words the story puts right before or beside a person's name:
    "Mayor Renata Solberg", "Priya Madsen, a spokeswoman" -> {"mayor": ..., "spokeswoman": ...}."""
    votes: dict[str, Counter] = defaultdict(Counter)
    beside: Counter = Counter()  # nouns set beside a person's name: "Ian Lee, a journalist"
    named = _named_tokens(by_token)
    for article, doc in zip(articles, docs):
        for index in sorted(named.get(article.id, ())):
            token = doc[index]
            name = by_token.get((article.id, token.i))
            if not name or kinds.get(name) != "PERSON":
                continue
            if token.i > 0 and by_token.get((article.id, token.i - 1)) is None:
                before = doc[token.i - 1]
                previous = before.lemma_.lower()
                if previous in PERSON_NOUNS or _compound_title(doc, before):
                    prefix = doc[before.i - 1].lower_ if before.i > 0 else ""
                    votes[f"{prefix} {previous}" if prefix in _OFFICE_PREFIXES else previous][name] += 1
            for child in token.children:
                if child.dep_ == "appos" and child.pos_ == "NOUN":
                    beside[child.lemma_.lower()] += 1
                    if child.lemma_.lower() in PERSON_NOUNS:
                        votes[child.lemma_.lower()][name] += 1
    # A noun the tagger put before a name is not always a title: "told police Lambach would
    # ...", "a number Ross claimed", "the president's press [secretary.] Obama". A word we
    # do not know as a person noun is a title only if the story also shows it is one: sets
    # it beside a person's name ("Ian Lee, a journalist") or has it speak ("the agent
    # said"). "The time", "the money", "the protest" never do.
    heads = {title: title.split()[-1] for title in votes}  # "vice president" is a president
    learned = {heads[title] for title in votes} - PERSON_NOUNS - ORG_NOUNS - _GROUP_NOUNS
    speaking = {head for head in learned if beside[head]}
    if learned - speaking:  # the story's speech verbs are read only for words still in doubt
        speaking |= _speaking_nouns(docs, learned - speaking)
    # A title the story gives several people ("spokesman" Vietor, Crowley and Gibbs; the
    # intelligence, army and bureau "chief") picks none of them, and not the story's main
    # person either (None): only a name that more than half of its uses name.
    return {
        title: name if 2 * count > sum(counter.values()) else None
        for title, counter in votes.items()
        if heads[title] in PERSON_NOUNS or heads[title] in speaking
        for name, count in counter.most_common(1)
    }


def _speaking_nouns(docs, nouns) -> set[str]:
    """Which of `nouns` the story makes, as one of something, the subject of a speech
    verb ("the agent said", "an officer told"; not "the numbers show ... said", nor "the
    number of people receiving it said", where the people speak)."""
    wanted = set(nouns)
    out: set[str] = set()
    for doc in docs:
        for verb in tokens_where(doc, "LEMMA", _SPEECH_VERBS):
            for child in verb.children:
                if (
                    child.dep_ in ("nsubj", "nsubjpass")
                    and child.tag_ == "NN"
                    and child.lemma_.lower() in wanted
                    and any(word.dep_ == "det" and word.lower_ in _DETERMINERS for word in child.children)
                    and not any(word.dep_ == "prep" and word.lower_ == "of" for word in child.children)
                ):
                    out.add(child.lemma_.lower())
    return out


_WORD_RUN = re.compile(r"\w+")


def _holds_word_run(text: str, part: str) -> bool:
    """Whether `re.search(rf"\b{re.escape(part)}\b", text)` finds something, without
    compiling a pattern per pair of names (thousands of pairs in a big story): some
    occurrence of `part` with a word boundary at each end. A word character for `\b`
    is what `str.isalnum` says, or "_" (as Python's re reads a str pattern)."""
    if not part:
        return re.search(r"\b\b", text) is not None
    start = text.find(part)
    while start >= 0:
        if _word_boundary(text, start) and _word_boundary(text, start + len(part)):
            return True
        start = text.find(part, start + 1)
    return False


def _word_boundary(text: str, index: int) -> bool:
    before = index > 0 and (text[index - 1].isalnum() or text[index - 1] == "_")
    after = index < len(text) and (text[index].isalnum() or text[index] == "_")
    return before != after


def _named_tokens(by_token) -> dict[str, list[int]]:
    """Article id -> indices of its tokens that name an entity."""
    out: dict[str, list[int]] = defaultdict(list)
    for article_id, index in by_token:
        out[article_id].append(index)
    return out


def _resolve_descriptions(article, doc, by_token, kinds, titles, main_person, main_org, aliases, extra, named) -> None:
    """Descriptions ("the company", "the photographer") named after the entity they
    mean; `named` (the article's named token indices) gets the new ones."""
    lower = doc.to_array("LOWER")
    # A description points back to someone the article names: "the spill" of an article
    # that never names the one man a garbled caption made "the spill" is not him.
    names_here = {by_token[(article.id, index)] for index in named}
    for start, end in _noun_chunk_bounds(doc):
        # A chunk that does not open with a determiner is no description: asked first, on
        # the doc's array (most chunks stop here, before a Span and its root are made).
        if doc.vocab.strings[int(lower[start])] not in _DETERMINERS:
            continue
        chunk = doc[start:end]
        root = chunk.root
        head = root.lemma_.lower()
        if (article.id, root.i) in by_token:
            continue
        if any(child.dep_ == "appos" and not child.like_num for child in root.children):
            continue
        if head in ORG_NOUNS and any(child.dep_ == "prep" and child.lower_ == "of" and any(
            (article.id, t.i) in by_token for t in child.subtree) for child in root.children):  # fmt: skip
            continue  # "the parent company of X": another entity
        if chunk[0].lower_ in ("a", "an") and root.dep_ not in ("appos", "attr"):
            continue  # "a teacher" introduces someone new
        if root.tag_ in ("NNS", "NNPS") or head not in PERSON_NOUNS | ORG_NOUNS and head not in titles:
            continue  # "the celebrities" are several people; "a frequent face" names no kind of entity
        if any(c.dep_ in ("amod", "compound", "nmod") and c.lower_ in _RELATIONAL for c in root.children):
            continue  # "the parent company", "the production firm": another entity
        follower = doc[chunk.end] if chunk.end < len(doc) else None
        if follower is not None and (article.id, follower.i) in by_token and follower.pos_ == "PROPN":
            continue  # "the production company Ardent Vale": the name that follows, found by NER
        target = None
        office = _office(root, head)
        if office in titles and head not in ORG_NOUNS:
            target = titles[office]
        elif head in PERSON_NOUNS:
            target = titles.get(office) or (None if head in _NEEDS_TITLE or office != head else main_person)
        elif head in ORG_NOUNS and not any(t.pos_ == "PROPN" and (article.id, t.i) not in by_token for t in chunk):
            target = None if head in _NEEDS_TITLE else main_org
        if root.dep_ == "appos" and (article.id, root.head.i) in by_token:
            target = by_token[(article.id, root.head.i)]  # "Jonah Pell, a teacher"
            # A title (`_titles`) is a person's, like the nouns of PERSON_NOUNS.
            person_noun = head not in ORG_NOUNS and (head in PERSON_NOUNS or head in titles)
            person = kinds.get(target) == "PERSON"
            if (person_noun and not person) or (head in ORG_NOUNS and person):
                continue  # "Egypt, a spokeswoman ...": a list, or the parse's slip; a person is no place
        if target is None or target not in names_here or _subject_of_clause(article, root, by_token) == target:
            continue  # "X sued the firm": a clause's object is not its own subject
        for token in chunk:
            if (article.id, token.i) not in by_token:
                by_token[(article.id, token.i)] = target
                named.append(token.i)
        aliases[target][chunk.text] += 1
        extra[target].append(Span(article.id, chunk.start_char, chunk.end_char))


_DETERMINERS = ("the", "a", "an", "this", "that")
# The dependency labels of spaCy's English noun chunks (spacy.lang.en.syntax_iterators).
_NP_LABELS = ("oprd", "nsubj", "dobj", "nsubjpass", "pcomp", "pobj", "dative", "appos", "attr", "ROOT")


def _noun_chunk_bounds(doc) -> list[tuple[int, int]]:
    """(start, end) of each of `doc.noun_chunks`, in order, without a Span per chunk nor
    a Token per word (1.5 million Token objects for 300 news articles). spaCy's English
    iterator goes on from a word only when it is a noun, proper noun or pronoun, and
    yields it only when its dependency is one of `_NP_LABELS` or "conj": those words
    are found on the doc's arrays, and the iterator's own steps are run for them alone,
    in order (the rest could change nothing). A doc of another language's iterator, or
    without a parse, is read through `doc.noun_chunks` itself."""
    import numpy as np
    from spacy.lang.en import syntax_iterators
    from spacy.symbols import NOUN, PRON, PROPN

    if doc.noun_chunks_iterator is not syntax_iterators.noun_chunks or not doc.has_annotation("DEP"):
        return [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
    strings = doc.vocab.strings
    np_deps = {strings.add(label) for label in _NP_LABELS}
    conj = strings.add("conj")
    columns = doc.to_array(["POS", "DEP"])
    if not len(columns):
        return []
    pos, deps = columns[:, 0], columns[:, 1]
    wanted = np.isin(pos, np.array([NOUN, PROPN, PRON], dtype=pos.dtype))
    wanted &= np.isin(deps, np.array([*np_deps, conj], dtype=deps.dtype))
    out = []
    prev_end = -1
    for i in np.flatnonzero(wanted).tolist():
        word = doc[i]
        left = word.left_edge.i
        if left <= prev_end:  # nested chunks are not produced
            continue
        if word.dep in np_deps:
            prev_end = i
            out.append((left, i + 1))
        else:  # conj: an NP when coordinated to one
            head = word.head
            while head.dep == conj and head.head.i < head.i:
                head = head.head
            if head.dep in np_deps:
                prev_end = i
                out.append((left, i + 1))
    return out


_SUBJECT_DEPS = ("nsubj", "nsubjpass")


def _subject_of_clause(article, token, by_token) -> str | None:
    """The entity that is the subject of the clause a non-subject noun belongs
    to ("X filed a lawsuit against the firm" -> X), or None."""
    if token.dep_ in _SUBJECT_DEPS or token.dep_ in ("appos", "attr", "conj") or token.head.dep_ in _SUBJECT_DEPS:
        return None  # a subject, or a description of one ("X, a teacher, ..."; "X is a teacher")
    for _ in range(8):
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("amod", "compound"):
            break
        if token.head.i == token.i:
            return None
        token = token.head
    for child in token.children:
        if child.dep_ in _SUBJECT_DEPS:
            return by_token.get((article.id, child.i)) or next(
                (by_token[(article.id, t.i)] for t in child.subtree if (article.id, t.i) in by_token), None
            )
    return None


def _is_subject(token) -> bool:
    return token.dep_ in _SUBJECT_DEPS or (token.dep_ in ("compound", "appos") and token.head.dep_ in _SUBJECT_DEPS)


def _resolve_pronouns(article, doc, by_token, kinds, named) -> None:
    """Pronouns name the last entity of their kind mentioned before them, and
    preferably the last one that was the subject of a clause (the centre of
    attention: in "Kim has taken to Twitter. She said" she is Kim, not Twitter)."""
    last: dict[str, str] = {}
    last_subject: dict[str, str] = {}
    # Only names and pronouns change or use what was last mentioned.
    wanted = set(named) | {t.i for t in tokens_where(doc, "POS", ("PRON",))}
    for token in (doc[i] for i in sorted(wanted)):
        name = by_token.get((article.id, token.i))
        lower = token.lower_
        if name:
            kind = "PERSON" if kinds.get(name, "PERSON") == "PERSON" else "ORG"
            last[kind] = name
            if _is_subject(token):
                last_subject[kind] = name
            continue
        if token.pos_ != "PRON":
            continue
        quoted = in_quote(article.text, token.idx)
        kind = None
        if lower in _FIRST_PERSON and quoted or lower in _PERSON_PRONOUNS and not quoted:
            kind = "PERSON"
        elif lower in _ORG_PRONOUNS and not quoted:
            kind = "ORG"
        target = (last_subject.get(kind) or last.get(kind)) if kind else None
        if target:
            by_token[(article.id, token.i)] = target
