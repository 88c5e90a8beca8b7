"""Builds a benchmark corpus of about TARGET bytes from copies of SRC.

usage: make_corpus.py SRC DEST TARGET_BYTES

Copy N of SRC/F.txt is DEST/copyN/F-N.txt; its `url:` header (or, without
one, its last line) gets a copy marker so no two copies are exact duplicates.
"""
import os
import sys


def main():
    src, dest, target = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files = sorted(f for f in os.listdir(src) if f.endswith(".txt"))
    texts = [open(os.path.join(src, f), "rb").read() for f in files]
    total, n = 0, 0
    while total < target:
        n += 1
        os.makedirs(os.path.join(dest, f"copy{n}"), exist_ok=True)
        marker = f"?copy={n}".encode()
        for name, data in zip(files, texts):
            lines = data.split(b"\n")
            for i, line in enumerate(lines[:8]):
                if line.startswith(b"url:"):
                    lines[i] = line + marker
                    break
            else:
                lines.append(b"copy " + str(n).encode())
            out = b"\n".join(lines)
            with open(os.path.join(dest, f"copy{n}", name[:-4] + f"-{n}.txt"), "wb") as f:
                f.write(out)
            total += len(out)


if __name__ == "__main__":
    main()
