"""Every number stated in a notebook's prose is shown by the notebook itself (README, "Numbers are printed").

A number in a markdown cell must appear, as printed or rounded from a printed value, in the output or the
source of a code cell above it. Not counted as claims: LaTeX maths, `code`, links and image addresses,
numbers glued to letters (W1A2, 6B, 3CosMul, 50-d, 2-D), whole numbers up to 12, years (1900 to 2050,
as in citations and example dates), a heading's section number, and the numbers a notebook lists in its metadata (`companion.published_numbers`): facts it cites
from the course or a paper, each with its source in the prose.

    python -m tools.prose_numbers            # list every unshown number, notebook by notebook
"""

import re
import sys

from tools import notebooks as nbtools

# Constants that carry no measurement wherever they appear.
ALLOWED = {"1e-6", "1e-7", "1e-8", "1e-12", "0.5", "100", "1000", "1,000", "10,000", "1.0", "0.0"}
SMALLEST_CLAIM = 12  # whole numbers up to this are counts of things ("3 gates", "step 1"), not measurements

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)
_LINK = re.compile(r"\]\([^)]*\)|<[^>]+>|https?://\S+")
_HEADING_NUMBER = re.compile(r"^(#+\s*)[\d.]+\s", re.MULTILINE)
_NUMBER = re.compile(r"(?<![\w.,\-/])[−-]?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?%?(?![\w\-/]|\.\d)")


def prose(markdown: str) -> str:
    """The markdown with maths, code, links and section numbers taken out."""
    for pattern in (_MATH, _CODE, _LINK):
        markdown = pattern.sub(" ", markdown)
    return _HEADING_NUMBER.sub(r"\1", markdown)


def numbers_in(text: str) -> list[str]:
    """Number tokens as written (thousands separators and a trailing % kept), a sentence's final full stop dropped."""
    return [match.group().rstrip(",") for match in _NUMBER.finditer(text)]


def value(token: str) -> float:
    return float(token.replace(",", "").replace("−", "-").rstrip("%"))


def decimals(token: str) -> int:
    digits = token.rstrip("%").split("e")[0]
    return len(digits.split(".")[1]) if "." in digits else 0


def is_claim(token: str) -> bool:
    if token in ALLOWED:
        return False
    number = value(token)
    whole = number == int(number) and "." not in token and "," not in token and "%" not in token
    return not (whole and (abs(number) <= SMALLEST_CLAIM or 1900 <= number <= 2050))


def shown(token: str, printed: list[float]) -> bool:
    """True when some printed value, rounded to the token's decimals, is the token (x% also matches x/100)."""
    targets = [value(token)]
    if token.endswith("%"):
        targets.append(value(token) / 100)
    for target in targets:
        places = decimals(token) + (2 if target is not targets[0] else 0)
        if any(round(abs(p), places) == round(abs(target), places) for p in printed):
            return True
    return False


def output_text(cell) -> str:
    """What a code cell printed or displayed as text (nbformat has already joined multi-line strings)."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [output.get("data", {}).get(kind, "") for kind in ("text/plain", "text/markdown", "text/html")]
    return "\n".join(parts)


def unshown_numbers(notebook) -> list[tuple[int, str, str]]:
    """(cell number, token, the sentence around it) for every claimed number that nothing above shows."""
    published = set(notebook.metadata.get("companion", {}).get("published_numbers", {}))
    printed: list[float] = []
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            text = cell.source + "\n" + output_text(cell)
            printed += [value(token) for token in numbers_in(text.replace("−", "-"))]
            continue
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        for match in _NUMBER.finditer(text):
            token = match.group().rstrip(",")
            if is_claim(token) and token not in published and not shown(token, printed):
                start = max(0, match.start() - 50)
                found.append((index, token, " ".join(text[start:match.end() + 30].split())))
    return found


def main() -> int:
    total = 0
    for path in nbtools.notebook_paths():
        for index, token, context in unshown_numbers(nbtools.read(path)):
            print(f"{path.name} cell {index}: {token}  ... {context} ...")
            total += 1
    print(f"{total} numbers in prose that no cell above shows")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
