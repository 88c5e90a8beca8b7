"""The Python peer of `trang ingest` for `make bench`: what an analyst would
write with the standard library alone. Reads each .txt file, normalises it
to NFC with unicodedata, splits it into paragraphs (the header's title, then
each non-empty body line, as trang stores them) and inserts them into an
FTS5 table with `unicode61 remove_diacritics 2`, next to an articles table.
Same journal settings and batch size as trang (WAL, 500 files a commit).

usage: ingest_peer.py CORPUS DB
"""
import os
import sqlite3
import sys
import unicodedata


def articles(root):
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".txt"):
                yield os.path.join(folder, name)


def paragraphs(text):
    lines = text.split("\n")
    title = None
    i = 0
    while i < len(lines) and lines[i].strip():
        if lines[i].startswith("title:"):
            title = lines[i][6:].strip()
        i += 1
    out = [title] if title else []
    out.extend(line.strip() for line in lines[i:] if line.strip())
    return title, out


def main():
    root, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE articles(id INTEGER PRIMARY KEY, path TEXT UNIQUE, title TEXT, text TEXT)")
    db.execute("CREATE VIRTUAL TABLE paragraphs USING fts5(article UNINDEXED, text, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.execute("BEGIN")
    n = 0
    for name in articles(root):
        with open(name, "rb") as f:
            text = unicodedata.normalize("NFC", f.read().decode("utf-8", "replace"))
        title, paras = paragraphs(text)
        cur = db.execute("INSERT INTO articles(path, title, text) VALUES (?, ?, ?)", (name, title, text))
        db.executemany("INSERT INTO paragraphs(article, text) VALUES (?, ?)",
                       ((cur.lastrowid, p) for p in paras))
        n += 1
        if n % 500 == 0:
            db.execute("COMMIT")
            db.execute("BEGIN")
    db.execute("COMMIT")
    db.close()


if __name__ == "__main__":
    main()
