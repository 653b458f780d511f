"""Draw the diagrams used by the W1A1 "RNN step by step" notebook.

The figures are hand-placed SVG written with the standard library only, so
they come out byte-identical on every run. Each SVG also gets a PNG copy,
rendered by resvg (the `resvg-py` wheel in requirements.txt): notebooks show
the two together (`utils.plotting.show_image`), so that JupyterLab can show
the PNG in an untrusted notebook, where it does not render SVG outputs.

Run from the repository root (or `make figures`):

    .venv/bin/python tools/make_figures.py

It (re)writes images/rnn_cell.svg, images/rnn_unrolled.svg,
images/lstm_cell.svg and images/gru_cell.svg, and a .png beside each.

Labels use a tiny markup: ``x_{ab}`` is a subscript and ``x^{ab}`` a
superscript, so ``a^{⟨t−1⟩}`` draws the course's a⟨t−1⟩.
"""

import re
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "images"

FONT = "DejaVu Sans, Arial, sans-serif"
INK = "#2b2b2b"  # text and operator outlines
WIRE = "#555555"  # data arrows
MUTED = "#6e6e6e"  # notes and captions

# (fill, stroke) pairs, one colour per kind of block.
GATE = ("#fdebd0", "#ca6f1e")  # sigmoid gates
ACT = ("#d6eaf8", "#2874a6")  # tanh blocks
AFFINE = ("#e8f6ef", "#1e8449")  # affine step W·[...] + b
OUTPUT = ("#f4ecf7", "#7d3c98")  # softmax prediction
CELL = ("#f7f8f9", "#aab0b6")  # the cell outline

# Frequently used labels.
A_PREV = "a^{⟨t−1⟩}"
A_T = "a^{⟨t⟩}"
C_PREV = "c^{⟨t−1⟩}"
C_T = "c^{⟨t⟩}"
C_CAND = "c\u0303^{⟨t⟩}"
X_T = "x^{⟨t⟩}"
Y_T = "ŷ^{⟨t⟩}"


# --------------------------------------------------------------- helpers


def _fmt(v):
    """Format a coordinate without a trailing '.0'."""
    return f"{v:g}"


def rich(s, size):
    """Turn the ``_{..}`` / ``^{..}`` markup into SVG text with tspans."""
    shifts = {"_": round(size * 0.3), "^": -round(size * 0.4)}
    small = round(size * 0.72)
    out, offset = [], 0
    for part in re.split(r"([_^]\{[^}]*\})", s):
        if not part:
            continue
        target = shifts[part[0]] if part[0] in "_^" and part[1:2] == "{" else 0
        body = escape(part[2:-1] if target else part)
        attrs = f' dy="{target - offset}"' if target != offset else ""
        if target:
            attrs += f' font-size="{small}"'
        if attrs and body.startswith(" "):
            # librsvg drops a space at the start of a shifted tspan, so keep
            # it outside, between the two tspans.
            out.append(" ")
            body = body.lstrip(" ")
        out.append(f"<tspan{attrs}>{body}</tspan>" if attrs else body)
        offset = target
    return "".join(out)


def text(x, y, s, size=15, anchor="middle", fill=INK, style=""):
    """A label whose baseline sits at y."""
    extra = f' font-style="{style}"' if style else ""
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}" '
        f'text-anchor="{anchor}" fill="{fill}"{extra}>{rich(s, size)}</text>'
    )


def box(cx, cy, w, h, label, colours, note=None, size=15):
    """A rounded box centred on (cx, cy) with a label and an optional note."""
    fill, stroke = colours
    parts = [
        (
            f'<rect x="{_fmt(cx - w / 2)}" y="{_fmt(cy - h / 2)}" width="{w}" '
            f'height="{h}" rx="7" fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.6"/>'
        )
    ]
    if note is None:
        parts.append(text(cx, cy + size * 0.35, label, size))
    else:
        parts.append(text(cx, cy - 2, label, size))
        parts.append(text(cx, cy + 15, note, 11, fill=MUTED))
    return "".join(parts)


def op(cx, cy, symbol, r=13):
    """A pointwise operator: a small white circle holding ×, + or 1−."""
    size = 18 if len(symbol) == 1 else 13
    return (
        f'<circle cx="{_fmt(cx)}" cy="{_fmt(cy)}" r="{r}" fill="#ffffff" '
        f'stroke="{INK}" stroke-width="1.6"/>'
        + text(cx, cy + size * 0.36, symbol, size)
    )


def wire(*points, arrow=True, width=1.6):
    """A data path through the given (x, y) points, optionally with a head."""
    pts = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    head = ' marker-end="url(#head)"' if arrow else ""
    return (
        f'<polyline points="{pts}" fill="none" stroke="{WIRE}" '
        f'stroke-width="{width}" stroke-linejoin="round"{head}/>'
    )


def path(d, arrow=True, width=1.6):
    """A free-form data path (used for the little hops over other wires)."""
    head = ' marker-end="url(#head)"' if arrow else ""
    return (
        f'<path d="{d}" fill="none" stroke="{WIRE}" stroke-width="{width}"{head}/>'
    )


def dot(x, y):
    """A junction where one signal is copied to two places."""
    return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3.5" fill="{WIRE}"/>'


def frame(x, y, w, h, colours=CELL, name=None):
    """The light rounded outline that marks the inside of a cell."""
    fill, stroke = colours
    parts = [
        (
            f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="14" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.4" '
            'stroke-dasharray="6 4"/>'
        )
    ]
    if name:
        parts.append(text(x + 12, y + 20, name, 13, anchor="start", fill=MUTED))
    return "".join(parts)


def equations(x, y, lines, step=27, size=15):
    """A left-aligned block of equations, one per line."""
    return "".join(
        text(x, y + i * step, line, size, anchor="start")
        for i, line in enumerate(lines)
    )


def panel(x, y, w, h):
    """A pale background for the equations block."""
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" '
        'fill="#fbfbfb" stroke="#d5d8dc" stroke-width="1"/>'
    )


def svg(width, height, title, desc, parts):
    """Wrap the drawing in an SVG document with a white background."""
    return "\n".join(
        [
            (
                f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
                f'height="{height}" viewBox="0 0 {width} {height}" '
                f'font-family="{FONT}">'
            ),
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(desc)}</desc>",
            "<defs>",
            (
                '<marker id="head" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="6.5" markerHeight="6.5" orient="auto">'
                f'<path d="M0,0 L10,5 L0,10 z" fill="{WIRE}"/></marker>'
            ),
            "</defs>",
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *parts,
            "</svg>",
            "",
        ]
    )


# --------------------------------------------------------------- figures


def rnn_cell():
    """One basic RNN cell.

    Shown in notebooks/w1a1_rnn_step_by_step.ipynb, section 1.
    """
    parts = [
        frame(110, 120, 510, 190, name="RNN cell"),
        # a<t-1> in from the left, x<t> in from below, into the affine step.
        wire((20, 250), (158, 250)),
        text(62, 238, A_PREV),
        wire((285, 395), (285, 274)),
        text(285, 418, X_T),
        box(285, 250, 250, 46, "W_{aa} " + A_PREV + " + W_{ax} " + X_T + " + b_{a}",
            AFFINE),
        wire((410, 250), (448, 250)),
        box(483, 250, 70, 40, "tanh", ACT),
        # a<t> leaves to the right and is copied up to the prediction.
        wire((518, 250), (700, 250)),
        dot(560, 250),
        text(668, 238, A_T),
        wire((560, 250), (560, 188)),
        box(560, 165, 210, 44, "softmax(W_{ya} " + A_T + " + b_{y})", OUTPUT),
        wire((560, 143), (560, 72)),
        text(560, 58, Y_T),
        # The two equations the cell computes.
        panel(330, 350, 370, 82),
        equations(346, 381, [
            A_T + " = tanh(W_{aa} " + A_PREV + " + W_{ax} " + X_T + " + b_{a})",
            Y_T + " = softmax(W_{ya} " + A_T + " + b_{y})",
        ]),
    ]
    return svg(
        720, 450, "A basic RNN cell",
        "a<t-1> and x<t> go through an affine step and tanh to give a<t>, "
        "which leaves the cell and also feeds softmax to predict y-hat<t>.",
        parts,
    )


def rnn_unrolled():
    """The basic RNN unrolled over T_x time steps.

    Shown in notebooks/w1a1_rnn_step_by_step.ipynb, section 1.
    """
    mid = 160  # the hidden state travels along this line
    centres = [(125, "1"), (285, "2"), (445, "3"), (685, "Tₓ")]
    parts = [
        wire((20, mid), (78, mid)),
        text(44, mid - 12, "a^{⟨0⟩}"),
    ]
    for cx, t in centres:
        parts += [
            box(cx, mid, 94, 64, "RNN cell", ACT),
            wire((cx, mid + 100), (cx, mid + 34)),
            text(cx, mid + 124, "x^{⟨" + t + "⟩}"),
            wire((cx, mid - 32), (cx, mid - 98)),
            text(cx, mid - 114, "ŷ^{⟨" + t + "⟩}"),
        ]
    # Hidden state passed to the right between neighbouring cells.
    for x0, x1, label in [
        (172, 236, "a^{⟨1⟩}"),
        (332, 396, "a^{⟨2⟩}"),
        (492, 528, "a^{⟨3⟩}"),
        (576, 636, "a^{⟨Tₓ−1⟩}"),
        (732, 800, "a^{⟨Tₓ⟩}"),
    ]:
        parts += [wire((x0, mid), (x1, mid)), text((x0 + x1) / 2, mid - 12, label)]
    parts += [
        text(552, mid + 5, "…", 20),
        text(552, mid - 109, "…", 20),
        text(552, mid + 119, "…", 20),
        text(410, mid + 172, "same parameters W_{aa}, W_{ax}, W_{ya}, b_{a}, b_{y} "
             "at every step", 14, fill=MUTED, style="italic"),
    ]
    return svg(
        820, 360, "An RNN unrolled over T_x time steps",
        "A row of identical RNN cells; a<0> enters the first, each cell reads "
        "x<t>, predicts y-hat<t> and passes a<t> to the next cell.",
        parts,
    )


def lstm_cell():
    """The LSTM cell with its four gates.

    Shown in notebooks/w1a1_rnn_step_by_step.ipynb, section 2.
    """
    bus_y, gate_y = 440, 375
    gf, gu, cc, go = 230, 345, 460, 575  # x of the four gate boxes
    cy = 185  # the cell state runs along this line
    parts = [
        frame(95, 150, 585, 340, name="LSTM cell"),
        # Cell state along the top: forget (×) then add the candidate (+).
        wire((20, cy), (217, cy)),
        text(58, cy - 12, C_PREV),
        op(gf, cy, "×"),
        wire((gf + 13, cy), (389, cy)),
        op(402, cy, "+"),
        wire((415, cy), (800, cy)),
        text(770, cy - 12, C_T),
        # a<t-1> and x<t> are stacked into one vector for all four boxes.
        wire((20, bus_y), (150, bus_y), arrow=False),
        text(58, bus_y - 12, A_PREV),
        wire((150, 540), (150, bus_y), arrow=False),
        text(150, 560, X_T),
        dot(150, bus_y),
        wire((150, bus_y), (go, bus_y), arrow=False),
        text(310, bus_y + 26, "[" + A_PREV + "; " + X_T + "]", 14, fill=MUTED),
    ]
    for x, label, note, colours in [
        (gf, "Γ_{f} = σ(·)", "forget gate", GATE),
        (gu, "Γ_{u} = σ(·)", "update gate", GATE),
        (cc, C_CAND + " = tanh(·)", "candidate", ACT),
        (go, "Γ_{o} = σ(·)", "output gate", GATE),
    ]:
        parts += [
            dot(x, bus_y) if x != go else "",
            wire((x, bus_y), (x, gate_y + 25)),
            box(x, gate_y, 104, 50, label, colours, note=note, size=14),
        ]
    parts += [
        # Γ_f scales the old cell state.
        wire((gf, gate_y - 25), (gf, cy + 13)),
        # Γ_u × c̃ is added to it.
        wire((gu, gate_y - 25), (gu, 280), (389, 280)),
        wire((cc, gate_y - 25), (cc, 280), (415, 280)),
        op(402, 280, "×"),
        wire((402, 267), (402, cy + 13)),
        # a<t> = Γ_o × tanh(c<t>).
        dot(640, cy),
        wire((640, cy), (640, 222)),
        box(640, 240, 62, 32, "tanh", ACT, size=14),
        wire((640, 256), (640, 287)),
        wire((go, gate_y - 25), (go, 300), (627, 300)),
        op(640, 300, "×"),
        wire((653, 300), (800, 300)),
        dot(710, 300),
        text(770, 288, A_T),
        # a<t> goes up to the prediction, hopping over the cell state.
        path(f"M710,300 V{cy + 9} A9,9 0 0 0 710,{cy - 9} V122"),
        box(710, 102, 184, 38, "softmax(W_{y} " + A_T + " + b_{y})", OUTPUT,
            size=14),
        wire((710, 83), (710, 44)),
        text(710, 30, Y_T),
        # Equations.
        panel(20, 590, 780, 145),
        equations(36, 618, [
            "Γ_{f} = σ(W_{f}[" + A_PREV + "; " + X_T + "] + b_{f})",
            "Γ_{u} = σ(W_{i}[" + A_PREV + "; " + X_T + "] + b_{i})",
            C_CAND + " = tanh(W_{c}[" + A_PREV + "; " + X_T + "] + b_{c})",
            "Γ_{o} = σ(W_{o}[" + A_PREV + "; " + X_T + "] + b_{o})",
        ]),
        equations(420, 618, [
            C_T + " = Γ_{f} ⊙ " + C_PREV + " + Γ_{u} ⊙ " + C_CAND,
            A_T + " = Γ_{o} ⊙ tanh(" + C_T + ")",
            Y_T + " = softmax(W_{y} " + A_T + " + b_{y})",
        ]),
        text(420, 714, "⊙ is element-wise; W_{i}, b_{i} are the update-gate "
             "parameters", 12, anchor="start", fill=MUTED),
    ]
    return svg(
        820, 755, "An LSTM cell",
        "The cell state c runs along the top, scaled by the forget gate and "
        "increased by update gate times candidate; the output gate times "
        "tanh(c<t>) gives a<t>, which feeds softmax to predict y-hat<t>.",
        parts,
    )


def gru_cell():
    """The full GRU cell, with the reset gate applied before W_c.

    Shown in notebooks/w1a1_rnn_step_by_step.ipynb, section 3.
    """
    top, bus_y, gate_y = 95, 445, 380  # memory line, gate input, gate boxes
    mul_y, bus_x = 315, 150  # row of the reset ×, x where c<t-1> drops down
    gr, gu, cand, x_in = 260, 540, 650, 195  # x of the columns
    parts = [
        frame(135, 45, 585, 490, name="GRU cell"),
        # Memory along the top: keep (1 − Γ_u) of it, add Γ_u × candidate.
        wire((10, top), (gu - 13, top)),
        text(66, top - 12, C_PREV + " = " + A_PREV),
        op(gu, top, "×"),
        wire((gu + 13, top), (cand - 13, top)),
        op(cand, top, "+"),
        wire((cand + 13, top), (810, top)),
        text(812, top - 12, C_T + " = " + A_T, anchor="end"),
        # Stack c<t-1> with x<t> for the two gates.
        dot(bus_x, top),
        wire((bus_x, top), (bus_x, bus_y), arrow=False),
        wire((x_in, 575), (x_in, bus_y), arrow=False),
        text(x_in, 595, X_T),
        dot(x_in, bus_y),
        wire((bus_x, bus_y), (gu, bus_y), arrow=False),
        text(400, bus_y + 24, "[" + C_PREV + "; " + X_T + "]", 14, fill=MUTED),
        dot(gr, bus_y),
        wire((gr, bus_y), (gr, gate_y + 25)),
        box(gr, gate_y, 124, 50, "Γ_{r} = σ(·)", GATE, note="reset gate", size=14),
        wire((gu, bus_y), (gu, gate_y + 25)),
        box(gu, gate_y, 124, 50, "Γ_{u} = σ(·)", GATE, note="update gate", size=14),
        # Reset gate scales c<t-1> before it meets x<t> in the candidate.
        dot(gr, top),
        wire((gr, top), (gr, mul_y - 13)),
        op(gr, mul_y, "×"),
        wire((gr, gate_y - 25), (gr, mul_y + 13)),
        path(f"M{gr + 13},{mul_y} H{gu - 9} A9,9 0 0 1 {gu + 9},{mul_y} "
             f"H{cand - 67}"),
        text(400, mul_y - 12, "Γ_{r} ⊙ " + C_PREV, 14),
        dot(x_in, 500),
        wire((x_in, 500), (cand, 500), (cand, mul_y + 24)),
        text(cand + 10, 425, X_T, 14, anchor="start"),
        box(cand, mul_y, 130, 48, C_CAND + " = tanh(·)", ACT, note="candidate",
            size=14),
        # Γ_u goes to the candidate's ×, and (as 1 − Γ_u) to the memory's ×.
        wire((gu, gate_y - 25), (gu, 225), arrow=False),
        dot(gu, 225),
        wire((gu, 225), (cand - 13, 225)),
        wire((gu, 225), (gu, 174)),
        op(gu, 160, "1−", r=14),
        wire((gu, 146), (gu, top + 13)),
        wire((cand, mul_y - 24), (cand, 238)),
        op(cand, 225, "×"),
        wire((cand, 212), (cand, top + 13)),
        # Equations.
        panel(20, 625, 780, 100),
        equations(36, 653, [
            "Γ_{r} = σ(W_{r}[" + C_PREV + "; " + X_T + "] + b_{r})",
            "Γ_{u} = σ(W_{u}[" + C_PREV + "; " + X_T + "] + b_{u})",
            C_CAND + " = tanh(W_{c}[Γ_{r} ⊙ " + C_PREV + "; " + X_T + "] + b_{c})",
        ]),
        equations(440, 653, [
            C_T + " = Γ_{u} ⊙ " + C_CAND + " + (1 − Γ_{u}) ⊙ " + C_PREV,
            A_T + " = " + C_T,
        ]),
        text(440, 707, "⊙ is element-wise multiplication", 12, anchor="start",
             fill=MUTED),
    ]
    return svg(
        820, 740, "A GRU cell (full GRU with reset gate)",
        "The memory c runs along the top; the reset gate scales c<t-1> before "
        "it is combined with x<t> in the tanh candidate; the update gate mixes "
        "the candidate with the old memory to give c<t> = a<t>.",
        parts,
    )


FIGURES = {
    "rnn_cell.svg": rnn_cell,
    "rnn_unrolled.svg": rnn_unrolled,
    "lstm_cell.svg": lstm_cell,
    "gru_cell.svg": gru_cell,
}


def write_png(svg_path):
    """Render `svg_path` to a PNG beside it, on a white background (dark themes keep the ink readable)."""
    try:
        import resvg_py
    except ImportError:
        raise SystemExit("the PNG copies need resvg-py: run `make install`, then .venv/bin/python") from None
    png = svg_path.with_suffix(".png")
    png.write_bytes(bytes(resvg_py.svg_to_bytes(svg_path=str(svg_path), background="#ffffff")))
    return png


def main():
    IMAGES.mkdir(exist_ok=True)
    for name, draw in FIGURES.items():
        target = IMAGES / name
        target.write_text(draw(), encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)} and {write_png(target).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
