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

The check cell after each exercise prints a verdict (`utils.checks.verdict`): one line when every check passes,
otherwise what was expected and what came back. A verdict never raises, and a cell that calls an unwritten
exercise says so and stops without an error (`utils.setup.skip_unwritten`), so a learner can run an exercise
notebook top to bottom at any stage. A failed verdict prints a line starting with `utils.checks.FAILED`.

`mutants` makes small deliberate bugs in a solution (a missing term, a transposed matrix, a wrong axis, an
off-by-one index, a flipped sign, a missing numpy or keras.ops function such as an activation, a product for a quotient,
a Keras layer skipped) and `mutation_report` runs each exercise's check cell against them in a live
kernel: a real check fails on the stub and on most of the bugs. A check "fails" when its cell raises or prints a
failed verdict. To stay quick, the report runs only the cells that the exercises and their checks need (by the
names they read; a cell that does not parse always runs), so a check cell that draws random numbers seeds its
own generator.

    python -m tools.exercises write              # write exercises/*.ipynb (`make exercises`)
    python -m tools.exercises check              # exit 1 when exercises/ is out of date
    python -m tools.exercises mutants NOTEBOOK   # the mutation test of one notebook, with its tally
"""

import ast
import copy
import symtable
import sys
from pathlib import Path

import nbformat

from tools import notebooks as nbtools
from utils.checks import NOT_WRITTEN, failed

EXERCISES = nbtools.ROOT / "exercises"
BEGIN, END, HINT = nbtools.BEGIN, nbtools.END, "# Hint:"
DEFAULT_HINT = "write this part"
strip_markers = nbtools.strip_markers


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
        message = NOT_WRITTEN.format(name=name, hint=hint_above(lines, begin))
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
        "> **Exercise version.** Replace each `# YOUR CODE HERE` stub with your code; the `# Hint:` line above it "
        "says what to do. The check cell after each exercise prints ✔ when every check passes, or what it "
        "expected and what came back. You can run the whole notebook at any stage: a cell that needs an exercise "
        "you have not written yet says so and stops, and the next cells still run. The worked solutions are in "
        f"`notebooks/{solution_name}`. Generated by `make exercises`: edit the solution notebook, not this file.")
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

MODULES = {"np", "ops", "keras", "layers", "tf", "math"}  # calls through these are functions, not layers
CONTAINER_METHODS = {name for kind in (list, dict, set, str) for name in dir(kind)}  # append, get, split ...


def _applies_a_layer(node: ast.Call) -> bool:
    """True for a call that applies a layer (or model) to its first argument: one built on the spot
    (`layers.LSTM(128)(x)`) or one held in an object (`self.ffn(x)`, `shared.densor1(concat)`); not a module's
    function (`np.dot`, `ops.matmul`) nor a list, dict or string method (`outputs.append(y)`)."""
    function = node.func
    if isinstance(function, ast.Call):
        return True
    if not isinstance(function, ast.Attribute) or function.attr in CONTAINER_METHODS:
        return False
    root = function.value
    while isinstance(root, ast.Attribute):
        root = root.value
    return isinstance(root, ast.Name) and root.id not in MODULES


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
        if self.kind == "missing term" and isinstance(node.op, ast.Add | ast.Sub) and self._hit(node):
            return node.left
        if self.kind == "flipped sign" and isinstance(node.op, ast.Sub) and self._hit(node):
            return ast.BinOp(node.left, ast.Add(), node.right)
        if self.kind == "transposed matrix" and isinstance(node.op, ast.MatMult) and self._hit(node):
            return ast.BinOp(ast.Attribute(node.left, "T", ast.Load()), node.op, node.right)
        if self.kind == "multiplied, not divided" and isinstance(node.op, ast.Div) and self._hit(node):
            return ast.BinOp(node.left, ast.Mult(), node.right)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        function = node.func
        while isinstance(function, ast.Attribute):
            function = function.value
        numpy_function = (isinstance(node.func, ast.Attribute) and isinstance(function, ast.Name)
                          and function.id in ("np", "ops"))  # keras.ops mirrors numpy
        if (self.kind == "missing function" and numpy_function and len(node.args) == 1 and not node.keywords
                and self._hit(node)):
            return node.args[0]  # np.tanh(z) -> z: a missing activation, square root, exponential ...
        if self.kind == "missing layer" and node.args and _applies_a_layer(node) and self._hit(node):
            return node.args[0]  # layers.Dense(5)(x) -> x, self.layernorm1(x + y) -> x + y: a layer skipped
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


MUTATIONS = ("missing term", "transposed matrix", "wrong axis", "off-by-one index", "flipped sign", "missing function",
             "multiplied, not divided", "missing layer")


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


def cell_names(source: str) -> tuple[set[str], set[str]] | None:
    """(names a cell binds at its top level, names it reads from the notebook's namespace, in nested functions
    too), or None when the cell is not plain Python (an IPython magic)."""
    try:
        table = symtable.symtable(source, "<cell>", "exec")
    except SyntaxError:
        return None
    symbols = table.get_symbols()
    bound = {s.get_name() for s in symbols if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read, scopes = {s.get_name() for s in symbols if s.is_referenced()}, list(table.get_children())
    while scopes:
        scope = scopes.pop()
        read |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
        scopes += scope.get_children()
    return bound, read


def needed_cells(sources: list[str], targets: set[int], always: set[int] = frozenset()) -> list[int]:
    """Indices of the cells that must run, in order, before and including the `targets`: the targets, the
    `always` cells, any cell that is not plain Python, and every cell that binds a name a later needed cell reads.
    """
    names = [cell_names(source) for source in sources]
    needed, wanted = set(), set()
    for index in range(max(targets), -1, -1):
        if names[index] is None or index in targets | set(always) or names[index][0] & wanted:
            needed.add(index)
            wanted |= names[index][1] if names[index] else set()
    return sorted(needed)


def mutation_report(path: Path, per_kind: int = 2, timeout: int = 600) -> list[dict]:
    """Run the cells that the notebook's exercises and their checks need, in a kernel; for each exercise, run its
    check cell against the learner's stub and against each mutant, then against the solution again. One row per
    exercise: name, stub caught, mutants tried and caught, the missed ones, solution passes again, and for each
    caught mutant how its check said so (`verdicts`).
    A check that fails on the solution itself is an error (RuntimeError), not a result.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbtools.read(path)
    cells = notebook.cells
    code = [i for i, cell in enumerate(cells) if cell.cell_type == "code" and cell.source.strip()]
    exercises = [i for i in code if "exercise" in nbtools.tags(cells[i])]
    checks = {next(j for j in code if j > i): i for i in exercises}  # check cell -> its exercise
    always = {i for i in code if set(nbtools.tags(cells[i])) & {"setup", "parameters", "export"}}
    run = needed_cells([cell.source if i in code else "" for i, cell in enumerate(cells)],
                       set(exercises) | set(checks), always)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})

    def verdict(source: str | None, check: int) -> str | None:
        """How the check cell fails after `source` is defined (None: it passes): its first failed-verdict line,
        or the error it raised."""
        try:
            if source is not None:
                client.execute_cell(nbformat.v4.new_code_cell(source), 0)
            cell = client.execute_cell(copy.deepcopy(cells[check]), check)
        except CellExecutionError as error:
            return f"raised {error.ename}: {error.evalue}"
        text = "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")
        return next((line for line in text.splitlines() if failed(line)), None) if failed(text) else None

    rows = []
    with client.setup_kernel():
        for index in run:
            if index not in checks:
                client.execute_cell(cells[index], index)
                continue
            source = cells[checks[index]].source
            if verdict(None, index):
                raise RuntimeError(f"{path.name}: the check of {defined_name(source)} fails on the solution: "
                                   f"{verdict(None, index)}")
            row = {"exercise": defined_name(source), "stub caught": verdict(learner_source(source), index) is not None}
            found = {description: verdict(mutant, index) for description, mutant in mutants(source, per_kind)}
            row |= {"mutants": len(found), "caught": sum(v is not None for v in found.values()),
                    "missed": [d for d, v in found.items() if v is None],
                    "solution passes again": verdict(source, index) is None,
                    "verdicts": {d: v for d, v in found.items() if v is not None}}
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
            print({key: value for key, value in row.items() if key != "verdicts"})
            for description, line in row["verdicts"].items():
                print(f"    {description}: {line}")
        tried, caught = sum(r["mutants"] for r in rows), sum(r["caught"] for r in rows)
        stubs = sum(r["stub caught"] for r in rows)
        print(f"{len(rows)} exercises: stub caught by {stubs}; mutants caught {caught} of {tried}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
