"""Longest match over the lexicon vs jieba for the duty-text reader (queries/texts.py).

    python bench/texts_segmenter.py

Both run the same rules (scope, negation, actor); only the way terms are found differs.
Precision/recall are over the labelled (span, tag) pairs of tests/data/duty_text_cases.csv;
speed is texts per second over those texts repeated, after a warm-up (jieba's dictionary
load is reported apart).
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queries.texts import load_lexicon, longest_matches, read_text  # noqa: E402

CASES = ROOT / "tests" / "data" / "duty_text_cases.csv"


def cases():
    with CASES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            want = Counter(tuple(p.rsplit(":", 1)) for p in row["expected"].split())
            yield row["text"], row["owner"], want


def jieba_matcher(add_terms: bool):
    import jieba

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()  # its own dictionary, so the two variants do not share words
    lex = load_lexicon()
    t0 = time.perf_counter()
    tk.initialize()
    if add_terms:
        for term in lex.terms:
            tk.add_word(term, freq=100000)
    load = time.perf_counter() - t0

    def matches(text, lexicon):
        tokens = tk.lcut(text, HMM=False)
        out, pos, i = [], 0, 0
        starts = []
        for tok in tokens:
            starts.append(pos)
            pos += len(tok)
        while i < len(tokens):
            for k in range(min(4, len(tokens) - i), 0, -1):  # re-join up to 4 tokens into a term
                joined = "".join(tokens[i:i + k])
                term = lexicon.terms.get(joined)
                if term is not None and term.cls not in ("actor", "actor_marker"):
                    out.append((starts[i], starts[i] + len(joined), term))
                    i += k
                    break
            else:
                i += 1
        return out

    return matches, load


def score(matcher):
    tp = fp = fn = 0
    wrong = []
    for text, owner, want in cases():
        got = Counter((h.span, h.tag) for h in read_text(text, owner, matcher=matcher).hits)
        tp += sum((got & want).values())
        fp += sum((got - want).values())
        fn += sum((want - got).values())
        if got != want:
            wrong.append(text)
    texts = [t for t, _, _ in cases()] * 50
    t0 = time.perf_counter()
    for t in texts:
        read_text(t, matcher=matcher)
    per_s = len(texts) / (time.perf_counter() - t0)
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), per_s, wrong


def main():
    rows = [("longest match", *score(longest_matches), 0.0)]
    try:
        for add in (False, True):
            jm, load = jieba_matcher(add)
            rows.append((f"jieba{' + lexicon words' if add else ''}", *score(jm), load))
    except ImportError:
        print("jieba is not installed: pip install jieba")
    print("| matcher | precision | recall | texts/s | dictionary load s | cases wrong |")
    print("|---|---|---|---|---|---|")
    for name, p, r, speed, wrong, load in rows:
        print(f"| {name} | {p:.3f} | {r:.3f} | {speed:,.0f} | {load:.2f} | {len(wrong)} |")
    for name, *_, wrong, _load in rows:
        for t in wrong:
            print(f"{name} wrong: {t}")


if __name__ == "__main__":
    main()
