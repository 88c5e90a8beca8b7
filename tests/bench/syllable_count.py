#!/usr/bin/env python3
"""The independent syllable count for scripts/syllable_count.lua, on Python 3's
standard library only: every stored article text from the database, NFC,
casefold, then \\w+ runs of letters (\\w without digits and underscore, so
"10/4/2021và" gives "và" as trang's tokenizer does) outside URLs (which
trang keeps as one token). Prints the top N as "syllable<TAB>count", most
frequent first, ties in code point order (= UTF-8 byte order, as in Lua).

    python3 tests/bench/syllable_count.py DB [N]
"""
import collections
import re
import sqlite3
import sys
import unicodedata

URL = re.compile(r"(?:https?://|www\.)\S+")
LETTERS = re.compile(r"[^\W\d_]+")


def syllables(text):
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return LETTERS.findall(URL.sub(" ", folded))


def main():
    db = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    counts = collections.Counter()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for (text,) in con.execute("SELECT text FROM articles ORDER BY id"):
        counts.update(syllables(text))
    con.close()
    for word, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
        print(f"{word}\t{count}")


if __name__ == "__main__":
    main()
