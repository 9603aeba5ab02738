"""An experiment of issue 12 (not adopted): spaCy's NER run only on the sentences
that can hold a name, measured by parse_cost.py.

The entities any stage reads are names (entities.NAME_LABELS, and a name must hold a
capital letter: entities.build_index drops the others; the quotes stage reads names
for its speakers). A sentence with no capital letter after its first word, whose
first word is a stop word or has no capital ("The", "But", "it"), holds almost none.
`SelectiveNer` runs the pipeline's NER on a doc made of the other sentences (with
their norms and sentence starts) and copies the entities back by token; skipped
tokens are outside any entity. NER reads each token with four tokens of context
either side, so a token beside a skipped sentence can be tagged differently than in
the whole text. Measured: see BENCHMARKS.md, "Parse: which model work is needed".
"""

from __future__ import annotations


class SelectiveNer:
    """The pipeline's "ner" run only on the sentences that can hold a name (call it on
    a doc that the pipeline's other pipes have annotated)."""

    def __init__(self, nlp) -> None:
        self.vocab = nlp.vocab
        self.ner = nlp.get_pipe("ner")
        self._capitalised: dict[int, bool] = {}  # ORTH hash -> holds an upper-case letter

    def kept_tokens(self, doc):
        """Indices of the tokens of sentences that can hold a name."""
        import numpy as np
        from spacy import attrs

        orth = doc.to_array([attrs.ORTH])
        columns = doc.to_array([attrs.SENT_START, attrs.IS_STOP]).astype(np.int64)
        sent_start, stop = columns[:, 0], columns[:, 1]
        strings = self.vocab.strings
        known = self._capitalised
        for value in np.unique(orth).tolist():
            if value not in known:
                known[value] = any(ch.isupper() for ch in strings[value])
        capital = np.fromiter((known[v] for v in orth.tolist()), dtype=bool, count=len(orth))
        first = sent_start == 1
        first[0] = True
        starts = np.flatnonzero(first)
        sentence = np.cumsum(first) - 1
        # A sentence keeps NER if any word after its first has a capital, or its first
        # word has one and is not a stop word.
        reason = (capital & ~first) | (capital & first & (stop == 0))
        keep_sentence = np.zeros(len(starts), dtype=bool)
        np.logical_or.at(keep_sentence, sentence, reason)
        return np.flatnonzero(keep_sentence[sentence])

    def __call__(self, doc):
        import numpy as np
        from spacy import attrs
        from spacy.tokens import Doc

        if not len(doc):
            return doc
        kept = self.kept_tokens(doc)
        annotations = np.zeros((len(doc), 2), dtype=np.uint64)
        annotations[:, 0] = 2  # "O": outside any entity
        if len(kept):
            tokens = doc.to_array([attrs.ORTH, attrs.SPACY, attrs.NORM, attrs.SENT_START])[kept]
            strings = self.vocab.strings
            words = [strings[int(h)] for h in tokens[:, 0]]
            part = Doc(self.vocab, words=words, spaces=[bool(s) for s in tokens[:, 1]])
            # The norms the tokenizer set ("n't" -> "not"), and the sentences: NER reads both.
            part.from_array([attrs.NORM, attrs.SENT_START], tokens[:, 2:4])
            part = self.ner(part)
            found = part.to_array([attrs.ENT_IOB, attrs.ENT_TYPE]).astype(np.uint64)
            # An entity never runs on across a skipped sentence: "I" after a gap begins one.
            after_gap = np.concatenate(([True], np.diff(kept) > 1))
            found[after_gap & (found[:, 0] == 1), 0] = 3
            annotations[kept] = found
        doc.from_array([attrs.ENT_IOB, attrs.ENT_TYPE], annotations)
        return doc
