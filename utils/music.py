"""Jazz-style solos over chord progressions: the corpus, its tokens, `improvise` and rendering to sound.

Taught in notebooks/w1a3_jazz_improvisation.ipynb: the chord progressions and the rule-based corpus in section 1,
the tokens ("values") in section 2, `improvise` and `render_audio` in section 6. The network itself (`djmodel`,
`music_inference_model`, `predict_and_sample`, sampling with a temperature) is in `utils.jazz_lstm`, generated
from the notebook.

A solo is a `Solo`: the chord symbols of its bars and a list of events `(offset, duration, pitch)` in quarter
notes (exact fractions, so triplets add up), with `pitch` a MIDI number or None for a rest. Events never cross
a barline and cover the whole form. Solos become music21 scores with `to_score` and come back with `from_score`;
the code uses `recurse()` and never `.flat` or part indices, so it runs on music21 9.9 and 10.x alike.

The generator follows the grammatical approach of Keller & Morrison (2007) and Gillick, Tang & Keller (2010):
every note is a chord tone, a colour (scale) tone, an approach tone a semitone from a chord tone, or another
note; phrases of swing eighths, triplets and longer notes alternate with rests, approach tones resolve by step,
and motifs come back, transposed and varied.
"""

import functools
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from utils.checks import check_choice, check_number, check_string, describe

# One chord symbol per bar, in music21's spelling (flats are "-": "B-7" is B-flat seven).
PROGRESSIONS = {
    "blues_F": ["F7", "B-7", "F7", "F7", "B-7", "B-7", "F7", "D7", "Gm7", "C7", "F7", "C7"],
    "blues_Bb": ["B-7", "E-7", "B-7", "B-7", "E-7", "E-7", "B-7", "G7", "Cm7", "F7", "B-7", "F7"],
    "ii_V_I_C": ["Dm7", "G7", "Cmaj7", "Cmaj7"],
    "ii_V_I_F": ["Gm7", "C7", "Fmaj7", "Fmaj7"],
    "ii_V_I_Bb": ["Cm7", "F7", "B-maj7", "B-maj7"],
    "ii_V_I_Eb": ["Fm7", "B-7", "E-maj7", "E-maj7"],
    "ii_V_i_Cm": ["Dm7b5", "G7", "Cm6", "Cm6"],
    "ii_V_i_Am": ["Bm7b5", "E7", "Am6", "Am6"],
    "ii_V_i_Dm": ["Em7b5", "A7", "Dm6", "Dm6"],
    # The A section of rhythm changes in B-flat, its two chords a bar spread over two bars each.
    "rhythm_changes_A": ["B-6", "G7", "Cm7", "F7", "B-6", "G7", "Cm7", "F7",
                         "B-6", "B-7", "E-6", "Edim7", "B-6", "G7", "Cm7", "F7"],
    # A minor-key cycle of fifths, the harmony of many standards: ii-V-I in B-flat, then ii-V-i in G minor.
    "minor_cycle_Gm": ["Cm7", "F7", "B-maj7", "E-maj7", "Am7b5", "D7", "Gm6", "Gm6"],
}
BEATS_PER_BAR = 4
LOW, HIGH = 53, 79  # the solo's range, F3 to G5 (MIDI numbers)
CLASSES = ("C", "L", "A", "X")  # chord tone, colour (scale) tone, approach tone, other; "R" is a rest
REST = "R"
DEFAULT_TEMPO = 132  # quarter notes a minute
# Interval buckets of a token: the signed semitones from the previous note, by range.
BUCKETS = ((0, 0), (1, 2), (3, 4), (5, 7), (8, 24))
# The scale of each chord quality, as semitones above the root (the colour tones are those not in the chord).
SCALES = {
    (0, 4, 7, 10): (0, 2, 4, 5, 7, 9, 10),  # dominant seventh: mixolydian
    (0, 4, 7, 11): (0, 2, 4, 7, 9, 11),  # major seventh: major scale without the avoided fourth
    (0, 3, 7, 10): (0, 2, 3, 5, 7, 9, 10),  # minor seventh: dorian
    (0, 3, 6, 10): (0, 1, 3, 5, 6, 8, 10),  # half-diminished: locrian
    (0, 3, 6, 9): (0, 2, 3, 5, 6, 8, 9, 11),  # diminished seventh: whole-half diminished
    (0, 4, 7, 9): (0, 2, 4, 7, 9, 11),  # major sixth: major scale without the fourth
    (0, 3, 7, 9): (0, 2, 3, 5, 7, 9, 11),  # minor sixth: melodic minor
}
ALTERED_DOMINANT = (0, 1, 3, 4, 7, 8, 10)  # a dominant that resolves to minor: b9, #9, b13


@dataclass
class Solo:
    """A solo: chord symbols, one per bar, and events (offset, duration, pitch or None) in quarter notes."""

    chords: list
    events: list = field(default_factory=list)
    progression: str = ""

    @property
    def length(self) -> Fraction:
        """The form's length in quarter notes."""
        return Fraction(BEATS_PER_BAR * len(self.chords))

    def notes(self) -> list:
        """The events that are notes (not rests)."""
        return [event for event in self.events if event[2] is not None]


# ---------------------------------------------------------------------------------------------------------
# Chords: tones, scales and the class of a note

@functools.cache
def chord_tones(symbol: str) -> tuple[int, frozenset]:
    """(root pitch class, pitch classes of the chord) of a music21 chord symbol such as "Dm7" or "B-7"."""
    from music21 import harmony
    from music21.exceptions21 import Music21Exception

    check_string(symbol, "chord symbol")
    try:
        chord = harmony.ChordSymbol(symbol)
    except (ValueError, KeyError, Music21Exception) as error:
        raise ValueError(f"cannot read the chord symbol {symbol!r} (music21 spelling, flats as '-': "
                         f"'B-7'): {error}") from None
    return chord.root().pitchClass, frozenset(p.pitchClass for p in chord.pitches)


@functools.cache
def pitch_classes(symbol: str, next_symbol: str | None = None) -> dict:
    """The pitch classes of each grammar class over `symbol`: {"C": chord, "L": colour, "A": approach, "X": other}.

    A dominant seventh that resolves a fifth down to a minor chord takes the altered scale (b9, #9, b13).
    """
    root, chord = chord_tones(symbol)
    shape = tuple(sorted((pc - root) % 12 for pc in chord))
    scale = SCALES.get(shape, shape)
    if shape == (0, 4, 7, 10) and next_symbol is not None:
        next_root, next_chord = chord_tones(next_symbol)
        if (root - next_root) % 12 == 7 and (next_root + 3) % 12 in next_chord:
            scale = ALTERED_DOMINANT
    colour = frozenset((root + step) % 12 for step in scale) - chord
    approach = frozenset(pc for pc in range(12) if pc not in chord | colour
                         and ((pc + 1) % 12 in chord or (pc - 1) % 12 in chord))
    other = frozenset(range(12)) - chord - colour - approach
    return {"C": chord, "L": colour, "A": approach, "X": other}


def note_class(pitch: int, symbol: str, next_symbol: str | None = None) -> str:
    """The grammar class ("C", "L", "A" or "X") of MIDI `pitch` over the chord `symbol`."""
    for name, members in pitch_classes(symbol, next_symbol).items():
        if pitch % 12 in members:
            return name
    raise AssertionError("the four classes cover every pitch class")


def chord_at(chords: list, offset) -> tuple[str, str | None]:
    """(chord symbol at `offset`, the next bar's symbol or None at the end) of a list of bar chords."""
    bar = min(int(offset // BEATS_PER_BAR), len(chords) - 1)
    return chords[bar], (chords[bar + 1] if bar + 1 < len(chords) else None)


def check_progression(progression: str) -> list:
    """The bar chords of a progression named in PROGRESSIONS, or a clear error listing the names."""
    check_string(progression, "progression")
    check_choice(progression, "progression", PROGRESSIONS)
    return list(PROGRESSIONS[progression])


# ---------------------------------------------------------------------------------------------------------
# The rule-based generator

H, T = Fraction(1, 2), Fraction(1, 3)
# Rhythm cells: durations that fill one beat or two; a negative duration is a rest.
ONE_BEAT = [((1,), 3), ((H, H), 10), ((T, T, T), 2), ((-H, H), 2), ((H, -H), 1)]
TWO_BEATS = [((2,), 1), ((Fraction(3, 2), H), 2), ((H, 1, H), 2), ((2 * T, 2 * T, 2 * T), 1)]
STEPS = ((1, 2), (3, 4), (5, 7), (8, 9))  # ranges of a melodic move, in semitones
STEP_WEIGHTS = (0.62, 0.25, 0.1, 0.03)


def _pick(rng, weighted):
    items, weights = zip(*weighted)
    weights = np.asarray(weights, dtype=float)
    return items[rng.choice(len(items), p=weights / weights.sum())]


def _rhythm(rng, start: Fraction, beats: int) -> list:
    """Durations (negative for rests) that fill `beats` beats from `start` without crossing a barline."""
    out, position, end = [], start, start + beats
    if position % 1:  # a pickup eighth up to the beat
        out.append(1 - position % 1)
        position += out[-1]
    while position < end:
        in_bar = position % BEATS_PER_BAR
        two_fit = position + 2 <= end and in_bar + 2 <= BEATS_PER_BAR and in_bar % 1 == 0
        cell = _pick(rng, ONE_BEAT + (TWO_BEATS if two_fit else []))
        out.extend(Fraction(d) for d in cell)
        position += sum(abs(Fraction(d)) for d in cell)
    return out


def _nearest(rng, candidates, target: float) -> int:
    """The candidate pitch nearest to `target` (ties broken at random)."""
    candidates = np.asarray(sorted(candidates))
    gaps = np.abs(candidates - target)
    return int(rng.choice(candidates[gaps == gaps.min()]))


@functools.cache
def _pitches(members, low=LOW, high=HIGH) -> list:
    return [p for p in range(low, high + 1) if p % 12 in members]


class _Line:
    """The melodic state of the generator: the last pitch and the direction of travel."""

    def __init__(self, rng, start: int):
        self.rng, self.pitch, self.direction = rng, start, 1

    def move(self, members) -> int:
        """A pitch of `members` a sampled step away in the current direction, turning at the range's edges."""
        rng = self.rng
        if rng.random() < 0.18 or not LOW + 4 < self.pitch < HIGH - 4:
            self.direction = -1 if self.pitch > (LOW + HIGH) / 2 else 1 if rng.random() < 0.7 else -self.direction
        low, high = STEPS[rng.choice(len(STEPS), p=STEP_WEIGHTS)]
        target = self.pitch + self.direction * rng.integers(low, high + 1)
        pitch = _nearest(rng, [p for p in _pitches(members) if p != self.pitch] or _pitches(members), target)
        if abs(pitch - self.pitch) > 4:
            self.direction = -self.direction  # a leap is followed by a step back (gap fill)
        self.pitch = pitch
        return pitch


def _phrase(rng, line, chords, start, durations, motif):
    """Events for one phrase: chord tones on the beat, colour and approach tones between, approaches resolved."""
    events, position, pending = [], start, None  # pending: the chord tone an approach note promised
    onsets = [start + sum(abs(d) for d in durations[:i]) for i in range(len(durations))]
    for i, duration in enumerate(durations):
        length = abs(duration)
        if duration < 0:
            events.append((position, length, None))
            position += length
            continue
        symbol, next_symbol = chord_at(chords, position)
        classes = pitch_classes(symbol, next_symbol)
        on_beat, strong = position % 1 == 0, position % 2 == 0
        if pending is not None:
            pitch, pending = pending, None
        elif motif is not None and i < len(motif) and motif[i] is not None:
            wanted = line.pitch + motif[i]
            pool = classes["C"] | classes["L"] if on_beat else classes["C"] | classes["L"] | classes["A"]
            pitch = _nearest(rng, _pitches(pool), wanted)
        else:
            if strong:
                kind = _pick(rng, [("C", 0.85), ("L", 0.15)])
            elif on_beat:
                kind = _pick(rng, [("C", 0.6), ("L", 0.4)])
            else:
                kind = _pick(rng, [("L", 0.55), ("C", 0.25), ("A", 0.17), ("X", 0.03)])
            next_onset = onsets[i + 1] if i + 1 < len(onsets) else None
            if kind == "A" and next_onset is not None and durations[i + 1] > 0 and next_onset % 1 == 0:
                target_symbol, target_next = chord_at(chords, next_onset)
                target = line.move(pitch_classes(target_symbol, target_next)["C"])
                side = -1 if rng.random() < 0.6 else 1
                pitch, pending = target + side, target  # approach from a semitone below (or above), then resolve
                if pitch % 12 not in classes["A"]:  # the neighbour is a scale tone here: play it as one
                    pitch = target + 2 * side if (target + 2 * side) % 12 in classes["L"] else pitch
            else:
                pitch = line.move(classes[kind if kind != "A" else "L"] or classes["C"])
        pitch = int(min(max(pitch, LOW - 3), HIGH + 3))
        line.pitch = pitch
        events.append((position, length, pitch))
        position += length
    return events


def _intervals(events):
    """The motif of a phrase: each event's interval from the note before (None for rests and the first note)."""
    out, previous = [], None
    for _, _, pitch in events:
        out.append(None if pitch is None or previous is None else pitch - previous)
        previous = pitch if pitch is not None else previous
    return out


def _merge_rests(events):
    """Adjacent rests joined (never across a barline), so that a silence is one event per bar."""
    merged = []
    for offset, duration, pitch in events:
        if (pitch is None and merged and merged[-1][2] is None
                and offset // BEATS_PER_BAR == merged[-1][0] // BEATS_PER_BAR):
            merged[-1] = (merged[-1][0], merged[-1][1] + duration, None)
        else:
            merged.append((offset, duration, pitch))
    return merged


def _split_at_bars(events):
    """Rests cut at barlines (notes never cross one)."""
    out = []
    for offset, duration, pitch in events:
        while pitch is None and (offset % BEATS_PER_BAR) + duration > BEATS_PER_BAR:
            head = BEATS_PER_BAR - offset % BEATS_PER_BAR
            out.append((offset, head, None))
            offset, duration = offset + head, duration - head
        out.append((offset, duration, pitch))
    return out


def generate_solo(progression: str = "blues_F", choruses: int = 2, seed: int = 0) -> Solo:
    """A seeded, rule-based solo of `choruses` times the progression named `progression` (see PROGRESSIONS)."""
    chords = check_progression(progression) * check_number(choruses, "choruses", low=1, integer=True)
    seed = check_number(seed, "seed", low=0, integer=True)
    rng = np.random.default_rng([seed, sum(map(ord, progression))])
    total = Fraction(BEATS_PER_BAR * len(chords))
    first_chord = pitch_classes(*chord_at(chords, 0))["C"]
    line = _Line(rng, _nearest(rng, _pitches(first_chord), rng.integers(60, 70)))
    events, position, motifs = [], Fraction(0), []
    if rng.random() < 0.5:  # start after a short breath
        events.append((position, Fraction(rng.choice([1, 2])), None))
        position += events[-1][1]
    while position < total:
        beats = int(min(rng.integers(3, 10), total - position)) if total - position >= 1 else 0
        if beats == 0:
            events.append((position, total - position, None))
            break
        reuse = motifs and rng.random() < 0.35
        durations = motifs[rng.integers(len(motifs))][0] if reuse else _rhythm(rng, position, beats)
        if reuse and (sum(abs(d) for d in durations) > total - position
                      or any(_crosses_bar(position, durations))):
            reuse, durations = False, _rhythm(rng, position, beats)
        motif = motifs[rng.integers(len(motifs))][1] if reuse else None
        if motif is not None and rng.random() < 0.5:
            motif = [None if step is None else -step for step in motif]  # the motif upside down
        phrase = _phrase(rng, line, chords, position, durations, motif)
        if not reuse:
            motifs.append((durations, _intervals(phrase)))
        events.extend(phrase)
        position += sum(abs(d) for d in durations)
        if position < total:  # a breath between phrases
            rest = Fraction(_pick(rng, [(H, 1), (1, 3), (Fraction(3, 2), 2), (2, 3), (3, 1.5), (4, 0.7)]))
            rest = min(rest, total - position)
            events.append((position, rest, None))
            position += rest
    return Solo(chords=chords, events=_merge_rests(_split_at_bars(events)), progression=progression)


def _crosses_bar(start, durations):
    position = start
    for duration in durations:
        length = abs(duration)
        yield duration > 0 and (position % BEATS_PER_BAR) + length > BEATS_PER_BAR
        position += length


SPLIT_SEEDS = {"train": 0, "dev": 1_000_000, "test": 2_000_000}


def make_corpus(split: str = "train", n_solos: int = 300) -> list:
    """`n_solos` generated solos of the `split` ("train", "dev" or "test"), each 1 to 3 choruses of a progression.

    The splits come from disjoint ranges of seeds, so no held-out solo is a training solo. Progressions take
    turns, so each gets its share.
    """
    check_choice(split, "split", SPLIT_SEEDS)
    n_solos = check_number(n_solos, "n_solos", low=1, integer=True)
    names = list(PROGRESSIONS)
    solos = []
    for i in range(n_solos):
        seed = SPLIT_SEEDS[split] + i
        name = names[i % len(names)]
        choruses = 1 + seed % 3 if len(PROGRESSIONS[name]) >= 8 else 2 + seed % 3
        solos.append(generate_solo(name, choruses=choruses, seed=seed))
    return solos


# ---------------------------------------------------------------------------------------------------------
# Tokens ("values"): class, duration and interval range to the previous note

def _bucket(interval: int) -> str:
    size = abs(interval)
    for low, high in BUCKETS:
        if low <= size <= high:
            return "0" if high == 0 else f"{'+' if interval > 0 else '-'}{low}..{high}"
    return f"{'+' if interval > 0 else '-'}{BUCKETS[-1][0]}..{BUCKETS[-1][1]}"


def _bucket_range(text: str) -> tuple[int, int]:
    if text == "0":
        return 0, 0
    if text == "*":
        return -99, 99
    low, high = (int(part) for part in text[1:].split(".."))
    return (low, high) if text[0] == "+" else (-high, -low)


def metric_position(offset) -> str:
    """Where an event starts: "@1" on beat 1 or 3, "@2" on beat 2 or 4, "@&" half a beat after one, "@t" on a
    triplet's second or third note."""
    within = Fraction(offset) % 2
    return "@1" if within == 0 else "@2" if within == 1 else "@&" if within % 1 == Fraction(1, 2) else "@t"


def tokenise(solo: Solo) -> list:
    """The solo as tokens "class,duration,interval,@position": e.g. "C,1/2,+1..2,@1".

    That is a chord tone, an eighth, a step up, starting on beat 1 or 3. Rests are "R,duration,@position".
    The interval is the range of signed semitones from the previous note ("*" for the first note). Durations
    are exact fractions of a quarter note ("1/3" is a triplet eighth). The position (`metric_position`) says
    where the event starts: the course's values lack it, and without it the network cannot tell the strong
    beats from the others.
    """
    if not isinstance(solo, Solo):
        raise TypeError(f"solo must be a Solo (see utils.music.generate_solo), got {describe(solo)}")
    values, previous = [], None
    for offset, duration, pitch in solo.events:
        position = metric_position(offset)
        if pitch is None:
            values.append(f"{REST},{duration},{position}")
            continue
        kind = note_class(pitch, *chord_at(solo.chords, offset))
        interval = "*" if previous is None else _bucket(pitch - previous)
        values.append(f"{kind},{duration},{interval},{position}")
        previous = pitch
    return values


def parse_value(value: str) -> tuple[str, Fraction, str | None]:
    """(class, duration, interval range) of one token; the range is None for a rest. The position is not
    returned: where a note starts follows from the durations before it."""
    parts = check_string(value, "value").split(",")
    try:
        kind, duration = parts[0], Fraction(parts[1])
    except (IndexError, ValueError, ZeroDivisionError):
        raise ValueError(f"value {value!r} is not a token like 'C,1/2,+1..2,@1' or 'R,1,@2'") from None
    if (kind not in (*CLASSES, REST) or duration <= 0 or len(parts) != (3 if kind == REST else 4)
            or not parts[-1].startswith("@")):
        raise ValueError(f"value {value!r} is not a token like 'C,1/2,+1..2,@1' or 'R,1,@2'")
    return kind, duration, None if kind == REST else parts[2]


def detokenise(values, chords, seed: int = 0, start_pitch: int = 65) -> Solo:
    """Notes from tokens over `chords` (bar symbols): each pitch is drawn among those of the token's class
    whose interval from the previous note is in the token's range (the nearest of its class when none is).

    Tokens are laid end to end from offset 0; the last event is cut at the end of the form, and a rest fills
    what the tokens leave. A note that would cross a barline keeps going into the next bar (the score ties it).
    """
    rng = np.random.default_rng(check_number(seed, "seed", low=0, integer=True))
    total = Fraction(BEATS_PER_BAR * len(chords))
    events, position, previous = [], Fraction(0), None
    for value in values:
        if position >= total:
            break
        kind, duration, interval = parse_value(value)
        duration = min(duration, total - position)
        if kind == REST:
            events.append((position, duration, None))
        else:
            classes = pitch_classes(*chord_at(chords, position))
            members = classes[kind] or classes["C"]  # over a diminished chord no pitch class is "other"
            candidates = _pitches(members, LOW - 5, HIGH + 5)
            if previous is None:
                pitch = _nearest(rng, candidates, start_pitch)
            else:
                low, high = _bucket_range(interval)
                fitting = [p for p in candidates if low <= p - previous <= high]
                inside = [p for p in fitting if LOW <= p <= HIGH]
                if not fitting:  # nothing of the class in range: the nearest of the class, a repeat only if asked
                    fitting = [_nearest(rng, [p for p in candidates if p != previous or low == 0] or candidates,
                                        previous + (low + high) / 2)]
                pitch = int(rng.choice(inside or fitting))
            events.append((position, duration, pitch))
            previous = pitch
        position += duration
    if position < total:
        events.append((position, total - position, None))
    return Solo(chords=list(chords), events=_merge_rests(_split_at_bars(events)))


# ---------------------------------------------------------------------------------------------------------
# music21 scores

def to_score(solo: Solo, tempo: int = DEFAULT_TEMPO, title: str = "Improvisation"):
    """A music21 Score: the solo as its one part, in 4/4 with a tempo mark and a chord symbol on each bar."""
    from music21 import harmony, metadata, meter, note, stream
    from music21 import tempo as m21tempo

    if not isinstance(solo, Solo):
        raise TypeError(f"solo must be a Solo, got {describe(solo)}")
    part = stream.Part(id="solo")
    part.insert(0, meter.TimeSignature("4/4"))
    part.insert(0, m21tempo.MetronomeMark(number=check_number(tempo, "tempo", low=20, high=400)))
    for bar, symbol in enumerate(solo.chords):
        part.insert(bar * BEATS_PER_BAR, harmony.ChordSymbol(symbol))
    for offset, duration, pitch in solo.events:
        event = note.Rest(quarterLength=duration) if pitch is None else note.Note(pitch, quarterLength=duration)
        part.insert(offset, event)
    part.makeMeasures(inPlace=True)
    part.makeTies(inPlace=True)
    score = stream.Score(id="improvisation")
    score.metadata = metadata.Metadata(title=title)
    score.insert(0, part)
    return score


def solo_part(score):
    """The first part of `score` that holds notes (found by content, not by index)."""
    from music21 import harmony, stream

    for part in score.recurse().getElementsByClass(stream.Part):
        if any(not isinstance(n, harmony.ChordSymbol) for n in part.recurse().notes):
            return part
    raise ValueError("the score has no part with notes")


def from_score(score) -> Solo:
    """The Solo a score holds: its first part with notes, tied notes joined, and the chord symbol of each bar."""
    from music21 import harmony

    part = solo_part(score)
    symbols = {}
    for chord in part.recurse().getElementsByClass(harmony.ChordSymbol):
        offset = Fraction(chord.getOffsetInHierarchy(part))
        symbols.setdefault(int(offset // BEATS_PER_BAR), chord.figure)
    events = []
    for item in part.recurse().notesAndRests:
        if isinstance(item, harmony.ChordSymbol):
            continue
        offset, duration = Fraction(item.getOffsetInHierarchy(part)), Fraction(item.quarterLength)
        pitch = None if item.isRest else item.pitch.midi
        tie = getattr(item, "tie", None)
        if pitch is not None and tie is not None and tie.type in ("continue", "stop") and events:
            events[-1] = (events[-1][0], events[-1][1] + duration, events[-1][2])
        else:
            events.append((offset, duration, pitch))
    bars = max(symbols) + 1 if symbols else 0
    chords = [symbols.get(bar, symbols.get(bar - 1, "C")) for bar in range(bars)]
    return Solo(chords=chords, events=_merge_rests(_split_at_bars(events)))


# ---------------------------------------------------------------------------------------------------------
# improvise: the shipped network, one call

WEIGHTS = "jazz_lstm.weights.h5"
DEFAULT_TEMPERATURE = 0.75  # chosen in the notebook's temperature sweep (section 5), on the dev split


@functools.cache
def _shipped_model():
    """(LSTM_cell, densor, values) of the shipped model, rebuilt and loaded once per process (utils/jazz_lstm.py)."""
    from utils import jazz_lstm

    return jazz_lstm.load_pretrained()


def improvise(progression: str = "blues_F", choruses: int = 2, temperature: float | None = None, seed: int = 0):
    """A solo by the shipped LSTM over `choruses` times the progression, as a music21 Score.

    The solo is the score's first part, with a chord symbol at the start of each bar, in 4/4 with a tempo
    mark. `temperature` None takes the one chosen in the notebook (DEFAULT_TEMPERATURE); `seed` fixes the draw.
    """
    chords = check_progression(progression) * check_number(choruses, "choruses", low=1, integer=True)
    temperature = DEFAULT_TEMPERATURE if temperature is None else check_number(
        temperature, "temperature", low=0, low_open=True)
    seed = check_number(seed, "seed", low=0, integer=True)
    from utils import jazz_lstm

    solo = jazz_lstm.improvise_solo(_shipped_model(), chords, temperature=temperature, seed=seed)
    solo.progression = progression
    return to_score(solo, title=f"Improvisation on {progression}")


# ---------------------------------------------------------------------------------------------------------
# Rendering: MIDI with a rhythm section, then audio

SOUNDFONTS = (Path("/usr/share/sounds/sf2/TimGM6mb.sf2"), Path("/usr/share/sounds/sf2/default-GM.sf2"))
SOLO_PROGRAM, PIANO_PROGRAM, BASS_PROGRAM = 11, 0, 32  # General MIDI: vibraphone, piano, acoustic bass


def _swing(beats: float) -> float:
    """Swung time: an off-beat eighth (at .5 of a beat) is played at two thirds of the beat."""
    whole = np.floor(beats)
    return float(whole + 2 / 3) if abs(beats - whole - 0.5) < 1e-9 else float(beats)


def to_midi(score, swing: bool = True, accompany: bool = True):
    """A pretty_midi.PrettyMIDI of the score: the solo (swung), and a piano and a bass on the chord symbols."""
    import pretty_midi
    from music21 import tempo as m21tempo

    solo = from_score(score)
    marks = list(score.recurse().getElementsByClass(m21tempo.MetronomeMark))
    bpm = marks[0].number if marks and marks[0].number else DEFAULT_TEMPO
    seconds = 60.0 / bpm
    timing = _swing if swing else float
    midi = pretty_midi.PrettyMIDI(initial_tempo=bpm)
    lead = pretty_midi.Instrument(program=SOLO_PROGRAM, name="solo")
    for offset, duration, pitch in solo.notes():
        start, end = timing(offset) * seconds, timing(offset + duration) * seconds
        lead.notes.append(pretty_midi.Note(velocity=96, pitch=int(pitch), start=start, end=end - 0.01))
    midi.instruments.append(lead)
    if accompany:
        piano = pretty_midi.Instrument(program=PIANO_PROGRAM, name="comping")
        bass = pretty_midi.Instrument(program=BASS_PROGRAM, name="bass")
        for bar, symbol in enumerate(solo.chords):
            root, tones = chord_tones(symbol)
            voicing = sorted(48 + (pc - 48) % 12 for pc in tones)  # close voicing from C3 up
            start = bar * BEATS_PER_BAR
            for beat, length in ((0, 1.4), (2.5, 0.8)):
                for pitch in voicing:
                    piano.notes.append(pretty_midi.Note(velocity=52, pitch=pitch, start=timing(start + beat) * seconds,
                                                        end=timing(start + beat + length) * seconds))
            for beat, interval in ((0, 0), (2, 7)):
                pitch = 36 + (root + interval - 36) % 12
                bass.notes.append(pretty_midi.Note(velocity=80, pitch=pitch, start=(start + beat) * seconds,
                                                   end=(start + beat + 1.9) * seconds))
        midi.instruments += [piano, bass]
    return midi


def music_seconds(score) -> float:
    """How long the score lasts at its tempo mark, in seconds."""
    from music21 import tempo as m21tempo

    marks = list(score.recurse().getElementsByClass(m21tempo.MetronomeMark))
    bpm = marks[0].number if marks and marks[0].number else DEFAULT_TEMPO
    return float(from_score(score).length) * 60.0 / bpm


def soundfont() -> Path | None:
    """The General MIDI soundfont fluidsynth renders with (Debian's timgm6mb-soundfont), or None."""
    return next((path for path in SOUNDFONTS if path.is_file()), None)


def render_audio(score, path, sample_rate: int = 22050, swing: bool = True, accompany: bool = True,
                 engine: str = "auto") -> Path:
    """Write the score as a mono WAV file at `path` and return the path.

    `engine` "fluidsynth" renders with the fluidsynth program and the TimGM6mb soundfont; "sine" with
    pretty_midi's own synthesis (sine tones, no soundfont needed); "auto" takes fluidsynth when both are
    installed. The sound lasts as long as the music plus one second for the last notes to ring.
    """
    from utils.audio import read_wav, to_mono, write_wav

    check_choice(engine, "engine", ("auto", "fluidsynth", "sine"))
    sample_rate = check_number(sample_rate, "sample_rate", low=8000, high=96000, integer=True)
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"the folder of {path} does not exist")
    midi = to_midi(score, swing=swing, accompany=accompany)
    font = soundfont()
    use_fluidsynth = engine == "fluidsynth" or (engine == "auto" and font and shutil.which("fluidsynth"))
    if use_fluidsynth:
        if font is None or not shutil.which("fluidsynth"):
            raise FileNotFoundError("fluidsynth and a soundfont are needed: sudo apt-get install fluidsynth "
                                    "timgm6mb-soundfont (or use engine='sine')")
        with tempfile.TemporaryDirectory() as folder:
            midi_path, wav_path = Path(folder) / "solo.mid", Path(folder) / "solo.wav"
            midi.write(str(midi_path))
            subprocess.run(["fluidsynth", "-ni", "-q", "-g", "0.6", "-r", str(sample_rate), "-T", "wav",
                            "-F", str(wav_path), str(font), str(midi_path)], check=True, capture_output=True)
            samples, rate = read_wav(wav_path)
        samples = to_mono(samples)
    else:
        samples, rate = midi.synthesize(fs=sample_rate).astype(np.float32), sample_rate
    wanted = round((music_seconds(score) + 1.0) * rate)
    samples = np.pad(samples[:wanted], (0, max(0, wanted - len(samples))))
    peak = float(np.max(np.abs(samples))) or 1.0
    return write_wav(path, 0.9 * samples / peak, rate)
