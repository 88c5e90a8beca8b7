#!/usr/bin/env python3
"""The independent syllable count for scripts/syllable_count.lua: Python 3's
standard library only. Reads every stored article text from the database,
NFC, casefold, \\w+ (words with a digit or an underscore are not syllables:
trang's tokenizer calls them numbers or abbreviations), and prints the top N
as "syllable<TAB>count", most frequent first, ties in code point order.

    python3 tests/bench/syllable_count.py DB [N]
"""
import collections
import re
import sqlite3
import sys
import unicodedata

WORD = re.compile(r"\w+")


def main():
    db = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    counts = collections.Counter()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for (text,) in con.execute("SELECT text FROM articles ORDER BY id"):
        folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
        counts.update(w for w in WORD.findall(folded) if not any(c.isdigit() or c == "_" for c in w))
    con.close()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    for word, count in top:
        print(f"{word}\t{count}")


if __name__ == "__main__":
    main()
