"""Learner mode: exercise notebooks generated from the solution notebooks, and proof that their checks are real.

In a notebook's `exercise` cell the part a learner writes sits between nbgrader's markers, after the signature
and the docstring; a `# Hint:` line just above the first marker says, in one line, what to do:

    def rnn_cell_forward(xt, a_prev, parameters):
        \"\"\"... docstring ...\"\"\"
        # Hint: a_next = tanh(Waa a_prev + Wax xt + ba); yt_pred = softmax(Wya a_next + by).
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

`learner_source` replaces each marked part with a stub that raises NotImplementedError carrying that hint;
`learner_notebook` does so for every exercise cell and clears every output, leaving all other cells as they are.
The markers are nbgrader's own, so the solution notebooks also work with nbgrader's ClearSolutions. We do not
depend on nbgrader itself: it brings a database layer and ipywidgets (which changes how every notebook stores its
progress bars) for what is here one small function.

`mutants` makes small deliberate bugs in a solution (a missing term, a transposed matrix, a wrong axis, an
off-by-one index, a flipped sign) and `mutation_report` runs each exercise's check cell against them in a live
kernel: a real check fails on the stub and on most of the bugs.

    python -m tools.exercises write              # write exercises/*.ipynb (`make exercises`)
    python -m tools.exercises check              # exit 1 when exercises/ is out of date
    python -m tools.exercises mutants NOTEBOOK   # the mutation test of one notebook, with its tally
"""

import ast
import copy
import sys
from pathlib import Path

import nbformat

from tools import notebooks as nbtools

EXERCISES = nbtools.ROOT / "exercises"
BEGIN, END, HINT = "### BEGIN SOLUTION", "### END SOLUTION", "# Hint:"
DEFAULT_HINT = "write this part"


def defined_name(source: str) -> str:
    """The name of the one function or class an exercise cell defines."""
    names = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef | ast.ClassDef)]
    if len(names) != 1:
        raise ValueError(f"an exercise cell defines exactly one function or class, this one defines {names}")
    return names[0]


def solution_regions(source: str) -> list[tuple[int, int]]:
    """(first, last) line numbers (0-based, markers included) of each marked solution in `source`."""
    regions, start = [], None
    for number, line in enumerate(source.splitlines()):
        marker = line.strip()
        if marker == BEGIN:
            if start is not None:
                raise ValueError(f"line {number + 1}: {BEGIN} inside another solution")
            start = number
        elif marker == END:
            if start is None:
                raise ValueError(f"line {number + 1}: {END} without {BEGIN}")
            regions.append((start, number))
            start = None
    if start is not None:
        raise ValueError(f"line {start + 1}: {BEGIN} is never closed by {END}")
    return regions


def hint_above(lines: list[str], begin: int) -> str:
    above = lines[begin - 1].strip() if begin > 0 else ""
    return above[len(HINT):].strip() if above.startswith(HINT) else DEFAULT_HINT


def learner_source(source: str) -> str:
    """The exercise cell a learner sees: each marked solution becomes a stub raising NotImplementedError(hint)."""
    regions = solution_regions(source)
    if not regions:
        raise ValueError(f"exercise {defined_name(source)} has no {BEGIN} ... {END} part to clear")
    name, lines = defined_name(source), source.splitlines()
    out, previous = [], 0
    for begin, end in regions:
        indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
        message = f"{name}: {hint_above(lines, begin)}"
        out += lines[previous:begin] + [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError({message!r})"]
        previous = end + 1
    return "\n".join(out + lines[previous:])


def mark(source: str) -> str:
    """`source` with the body of its one function (after the docstring) between the markers: the first draft of
    an exercise's solution region, to be narrowed and given a `# Hint:` line by hand."""
    if solution_regions(source):
        return source
    node = next(n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef | ast.ClassDef))
    if isinstance(node, ast.ClassDef):
        raise TypeError(f"mark the methods of class {node.name} by hand")
    body = node.body[1:] if isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant) \
        else node.body
    lines = source.splitlines()
    first, last = body[0].lineno - 1, body[-1].end_lineno
    while first > 0 and lines[first - 1].strip().startswith("#"):
        first -= 1  # comments just above the first statement belong to the solution
    indent = lines[body[0].lineno - 1][: len(lines[body[0].lineno - 1]) - len(lines[body[0].lineno - 1].lstrip())]
    return "\n".join(lines[:first] + [indent + BEGIN] + lines[first:last] + [indent + END] + lines[last:])


def strip_markers(source: str) -> str:
    """The solution with the marker lines removed (what the exported modules could hold)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in (BEGIN, END))


def learner_notebook(notebook, solution_name: str):
    """A copy of `notebook` for learners: exercises stubbed, every output cleared, a note on top."""
    learner = copy.deepcopy(notebook)
    for cell in learner.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        if "exercise" in nbtools.tags(cell):
            cell.source = learner_source(cell.source)
    note = nbformat.v4.new_markdown_cell(
        f"> **Exercise version.** Write the parts marked `# YOUR CODE HERE`; the check cell after each exercise "
        f"tells you whether it is right. The worked solutions are in `notebooks/{solution_name}`. "
        "Generated by `make exercises`: edit the solution notebook, not this file.")
    note.metadata["tags"] = ["learner-note"]
    learner.cells.insert(0, note)
    learner.cells = [nbformat.from_dict(dict(cell, id=f"cell-{i}")) for i, cell in enumerate(learner.cells)]
    return learner


def exercise_cells(notebook) -> list:
    return [cell for cell in nbtools.code_cells(notebook) if "exercise" in nbtools.tags(cell)]


def has_exercises(notebook) -> bool:
    """True when the notebook's exercise cells carry solution markers (a notebook converts all its cells at once)."""
    return any(solution_regions(cell.source) for cell in exercise_cells(notebook))


def learner_text(path: Path) -> str:
    return nbformat.writes(learner_notebook(nbtools.read(path), path.name)) + "\n"


def stale_exercises() -> list[str]:
    """Learner notebooks that are missing or differ from what `write` would make now."""
    stale = []
    for path in nbtools.notebook_paths():
        if not has_exercises(nbtools.read(path)):
            continue
        target = EXERCISES / path.name
        if not target.exists() or target.read_text() != learner_text(path):
            stale.append(str(target.relative_to(nbtools.ROOT)))
    return stale


def write() -> None:
    EXERCISES.mkdir(exist_ok=True)
    for path in nbtools.notebook_paths():
        if has_exercises(nbtools.read(path)):
            (EXERCISES / path.name).write_text(learner_text(path))
            print(f"notebooks/{path.name} -> exercises/{path.name}")


# --- mutants: small deliberate bugs, made only inside the marked solution ------------------------------------

class _Mutator(ast.NodeTransformer):
    """Applies the `target`-th possible mutation of kind `kind` inside lines [low, high] (1-based)."""

    def __init__(self, kind: str, target: int, low: int, high: int):
        self.kind, self.target, self.low, self.high = kind, target, low, high
        self.seen, self.done = 0, False

    def _hit(self, node) -> bool:
        if self.done or not (self.low <= getattr(node, "lineno", 0) <= self.high):
            return False
        self.seen += 1
        if self.seen - 1 == self.target:
            self.done = True
            return True
        return False

    def visit_BinOp(self, node):
        self.generic_visit(node)
        if self.kind == "missing term" and isinstance(node.op, ast.Add) and self._hit(node):
            return node.left
        if self.kind == "flipped sign" and isinstance(node.op, ast.Sub) and self._hit(node):
            return ast.BinOp(node.left, ast.Add(), node.right)
        if self.kind == "transposed matrix" and isinstance(node.op, ast.MatMult) and self._hit(node):
            return ast.BinOp(ast.Attribute(node.left, "T", ast.Load()), node.op, node.right)
        return node

    def visit_keyword(self, node):
        self.generic_visit(node)
        constant = node.value
        if (self.kind == "wrong axis" and node.arg == "axis" and isinstance(constant, ast.Constant)
                and isinstance(constant.value, int) and self._hit(constant)):
            return ast.keyword("axis", ast.Constant(0 if constant.value != 0 else 1))
        return node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        index = node.slice
        items = index.elts if isinstance(index, ast.Tuple) else [index]
        names = [i for i, item in enumerate(items) if isinstance(item, ast.Name)]
        if self.kind == "off-by-one index" and names and self._hit(node):
            shifted = ast.BinOp(items[names[-1]], ast.Sub(), ast.Constant(1))
            items = [shifted if i == names[-1] else item for i, item in enumerate(items)]
            node.slice = ast.Tuple(items, ast.Load()) if isinstance(index, ast.Tuple) else items[0]
        return node


MUTATIONS = ("missing term", "transposed matrix", "wrong axis", "off-by-one index", "flipped sign")


def mutants(source: str, per_kind: int = 2) -> list[tuple[str, str]]:
    """(description, mutated source) pairs: up to `per_kind` bugs of each kind, all inside the marked solution."""
    regions = solution_regions(source)
    found = []
    for kind in MUTATIONS:
        for target in range(per_kind):
            for first, last in regions:
                mutator = _Mutator(kind, target, first + 1, last + 1)
                tree = mutator.visit(ast.parse(source))
                if mutator.done:
                    found.append((f"{kind} #{target + 1}", ast.unparse(ast.fix_missing_locations(tree))))
                    break
    return found


def mutation_report(path: Path, per_kind: int = 2, timeout: int = 600) -> list[dict]:
    """Run the notebook up to its last exercise check in a kernel; for each exercise, run its check cell against
    the learner's stub and against each mutant. One row per exercise: name, stub caught, mutants tried and caught.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbtools.read(path)
    cells = notebook.cells
    code = [i for i, cell in enumerate(cells) if cell.cell_type == "code" and cell.source.strip()]
    exercises = [i for i in code if "exercise" in nbtools.tags(cells[i])]
    checks = {i: next(j for j in code if j > i) for i in exercises}
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})

    def fails(source: str, check: int) -> bool:
        try:
            client.execute_cell(nbformat.v4.new_code_cell(source), 0)
            client.execute_cell(copy.deepcopy(cells[check]), check)
        except CellExecutionError:
            return True
        return False

    rows = []
    with client.setup_kernel():
        for index in range(max(checks.values()) + 1):
            if cells[index].cell_type != "code":
                continue
            client.execute_cell(cells[index], index)
            exercise = next((i for i, check in checks.items() if check == index), None)
            if exercise is None:
                continue
            source = cells[exercise].source
            row = {"exercise": defined_name(source), "stub caught": fails(learner_source(source), index)}
            tried = mutants(source, per_kind)
            caught = [description for description, mutant in tried if fails(mutant, index)]
            row |= {"mutants": len(tried), "caught": len(caught),
                    "missed": [d for d, _ in tried if d not in caught]}
            row["solution passes again"] = not fails(source, index)
            rows.append(row)
    return rows


def main(argv: list[str]) -> int:
    if argv == ["write"]:
        write()
        return 0
    if argv == ["check"]:
        stale = stale_exercises()
        for name in stale:
            print(f"out of date: {name}; run `make exercises`")
        return 1 if stale else 0
    if len(argv) == 2 and argv[0] == "mutants":
        rows = mutation_report(Path(argv[1]).resolve())
        for row in rows:
            print(row)
        tried, caught = sum(r["mutants"] for r in rows), sum(r["caught"] for r in rows)
        stubs = sum(r["stub caught"] for r in rows)
        print(f"{len(rows)} exercises: stub caught by {stubs}; mutants caught {caught} of {tried}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
