"""spaCy's two rule-based components of en_core_web_sm, done on the doc's arrays.

The attribute ruler (part of speech and morphology from the tagger's fine tags,
with exceptions) and the rule lemmatizer cost more CPU than the dependency parser
itself: a Matcher of 179 patterns tried at every token, and a Python call per
token. Measured on 20 long Timeline17 articles (44k tokens, one core, CPU s):
attribute_ruler 1.82 + lemmatizer 1.23 of a whole parse of 11.45 s.

`ArrayRules` gives exactly their result (tests/test_spacy_rules.py compares every
token's POS, TAG, DEP, MORPH and LEMMA with the stock components'):

- each ruler pattern becomes a boolean mask over the doc's columns (TAG, LOWER,
  DEP, IS_SPACE; IN, NOT_IN and REGEX as the Matcher reads them), and its
  attributes are written where it matches, patterns in the order the ruler
  applies them (a later pattern overrides an earlier one);
- the lemmatizer's rule lemma is a function of (form, POS, morphology) alone, so
  it is asked once per distinct triple (the stock component asks once per token;
  its own cache skips the tokens it calls base forms, most of them).

Anything the translation does not know (another model's patterns) raises
`Unsupported` and the stock components stay in the pipeline.
"""

from __future__ import annotations

import re

COMPONENT = "corroborate_array_rules"


def _spacy_puts_indexed_forms_first() -> bool:
    """Whether the installed spaCy's rule lemmatizer moves forms found in the word
    index ahead of the others (3.8.7 and later; see `ArrayRules._rule_lemma`). Read
    from the package's metadata: importing spaCy here would make this module heavy."""
    from importlib.metadata import version

    from packaging.version import Version  # a dependency of spaCy's

    return Version(version("spacy")) >= Version("3.8.7")


_INDEXED_FORMS_FIRST = _spacy_puts_indexed_forms_first()
_MATCHED_COLUMNS = ("TAG", "LOWER", "DEP", "IS_SPACE")


def register() -> None:
    """Register the component factory (it reads the pipeline's own ruler and lemmatizer)."""
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.factory(COMPONENT, func=_make)


def _make(nlp, name: str) -> ArrayRules:
    return ArrayRules(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer"))


class Unsupported(Exception):
    """A pattern or setting this translation does not reproduce."""


def _compiled(value, strings):
    """One Matcher value as (kind, operand) with its strings hashed once, not per doc."""
    import numpy as np

    if isinstance(value, bool):
        return "equal", int(value)
    if isinstance(value, str):
        return "equal", strings[value]
    if isinstance(value, dict) and len(value) == 1:
        (operator, operand), = value.items()
        if operator in ("IN", "NOT_IN"):
            return operator, np.array([strings[v] for v in operand], dtype=np.uint64)
        if operator == "REGEX":
            return operator, (re.compile(operand), {})  # with its answers by string hash
    raise Unsupported(f"matcher value {value!r}")


def _condition(column, compiled, strings):
    """A boolean mask of the tokens whose `column` (hashes) satisfies one compiled Matcher value."""
    import numpy as np

    kind, operand = compiled
    if kind == "equal":
        return column == operand
    if kind in ("IN", "NOT_IN"):
        inside = np.isin(column, operand)
        return inside if kind == "IN" else ~inside
    pattern, answers = operand
    hits = []
    for h in np.unique(column).tolist():
        if h not in answers:
            answers[h] = bool(h) and pattern.search(strings[h]) is not None
        if answers[h]:
            hits.append(h)
    return np.isin(column, np.array(hits, dtype=column.dtype))


class ArrayRules:
    """The attribute ruler then the rule lemmatizer, on arrays (see the module doc)."""

    def __init__(self, ruler, lemmatizer) -> None:
        from spacy import attrs

        if lemmatizer.mode != "rule" or lemmatizer.overwrite:
            raise Unsupported(f"lemmatizer mode {lemmatizer.mode!r}, overwrite {lemmatizer.overwrite}")
        self.vocab = ruler.vocab
        self.lemmatizer = lemmatizer
        self._columns = [getattr(attrs, name) for name in _MATCHED_COLUMNS]
        self._written = [attrs.POS, attrs.TAG, attrs.DEP, attrs.MORPH, attrs.LEMMA]
        # (patterns, token index in the match, {written column position: value}) in
        # the order AttributeRuler.set_annotations applies them: by rule number.
        self.rules = []
        for number, (normalised, index) in enumerate(zip(ruler.attrs, ruler.indices)):
            _, patterns = ruler.matcher.get(str(number))
            for pattern in patterns:
                for token in pattern:
                    if set(token) - set(_MATCHED_COLUMNS):
                        raise Unsupported(f"pattern attribute {sorted(set(token) - set(_MATCHED_COLUMNS))}")
            if set(normalised) - set(self._written):
                raise Unsupported(f"ruler sets {sorted(normalised)}")
            written = {self._written.index(attr): value for attr, value in normalised.items()}
            compiled = [[[(name, _compiled(value, self.vocab.strings)) for name, value in token.items()] for token in pattern]
                        for pattern in patterns]  # fmt: skip
            self.rules.append((compiled, index, written))
        self._lemmas: dict[tuple[int, int, int], int] = {}  # (form, POS, morphology) -> lemma hash
        self._lemma_tables: dict[str, tuple[set, dict, list]] = {}

    def __call__(self, doc):
        self._apply([doc])
        return doc

    def pipe(self, docs, batch_size: int = 128):
        """Docs in batches: the rules' cost is mostly per call (some 300 array
        operations), so a batch of short docs is matched as one stretch of tokens."""
        from spacy.util import minibatch

        for batch in minibatch(docs, size=batch_size):
            self._apply(batch)
            yield from batch

    def _apply(self, docs) -> None:
        import numpy as np

        docs = [doc for doc in docs if len(doc)]
        if not docs:
            return
        strings = self.vocab.strings
        matched = np.concatenate([doc.to_array(self._columns).astype(np.uint64) for doc in docs])
        columns = dict(zip(_MATCHED_COLUMNS, matched.T))
        written = np.concatenate([doc.to_array(self._written).astype(np.uint64) for doc in docs])
        before = written.copy()
        length = len(written)
        # A pattern matches inside one doc only: a window is kept where its first and
        # last tokens belong to the same doc.
        owner = np.repeat(np.arange(len(docs)), [len(doc) for doc in docs])
        for patterns, index, values in self.rules:
            for pattern in patterns:
                width = len(pattern)
                if width > length:
                    continue
                count = length - width + 1
                starts = owner[:count] == owner[width - 1 :] if width > 1 else np.ones(count, dtype=bool)
                for offset, token in enumerate(pattern):
                    for name, compiled in token:
                        starts &= _condition(columns[name][offset : offset + count], compiled, strings)
                targets = np.flatnonzero(starts) + (index if index >= 0 else width + index)
                for position, value in values.items():
                    written[targets, position] = value
        start = 0
        for doc in docs:
            end = start + len(doc)
            mine, mine_before = written[start:end], before[start:end]
            changed = [position for position in range(len(self._written)) if (mine[:, position] != mine_before[:, position]).any()]
            if changed:
                doc.from_array([self._written[p] for p in changed], mine[:, changed])
            self._lemmatise(doc)
            start = end

    def _lemmatise(self, doc) -> None:
        """The rule lemma of every token the ruler gave none, asked once per (form, POS, morphology)."""
        import numpy as np
        from spacy import attrs

        known = doc.to_array([attrs.ORTH, attrs.POS, attrs.MORPH, attrs.LEMMA]).astype(np.uint64)
        missing = np.flatnonzero(known[:, 3] == 0)
        if not len(missing):
            return
        for i in missing:
            key = (int(known[i, 0]), int(known[i, 1]), int(known[i, 2]))
            found = self._lemmas.get(key)
            if found is None:
                found = self._lemmas[key] = self.vocab.strings.add(self._rule_lemma(doc[int(i)]))
            known[i, 3] = found
        doc.from_array([attrs.LEMMA], known[:, 3:4])

    def _rule_lemma(self, token) -> str:
        """spacy.pipeline.Lemmatizer.rule_lemmatize's first form, step for step, but with
        each part of speech's word index as a set: the stock one searches a list (57k
        nouns) for every candidate form, ~80 us a token.

        As the installed spaCy does it: 3.8.6 (pinned by pyproject.toml below Python
        3.13) keeps forms in the order of the rules; 3.8.7 on put forms found in the
        index first, the last rule's first, which turns "hated", "staged" and "slated"
        into "hat", "stag" and "slat"."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space") or self.lemmatizer.is_base_form(token):
            return string.lower()
        index, exceptions, rules = self._tables(univ_pos)
        if not (index or exceptions or rules):
            return string if univ_pos == "propn" else string.lower()
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index and _INDEXED_FORMS_FIRST:
                    forms.insert(0, form)
                elif form in index or not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        if not forms:
            forms.append(orig)
        return forms[0]

    def _tables(self, univ_pos: str) -> tuple[set, dict, list]:
        if univ_pos not in self._lemma_tables:
            lookups = self.lemmatizer.lookups
            self._lemma_tables[univ_pos] = (
                set(lookups.get_table("lemma_index", {}).get(univ_pos, ())),
                lookups.get_table("lemma_exc", {}).get(univ_pos, {}),
                lookups.get_table("lemma_rules", {}).get(univ_pos, []),
            )
        return self._lemma_tables[univ_pos]
