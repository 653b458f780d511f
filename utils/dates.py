"""Human-readable dates and their ISO translations: a seeded generator, input normalisation, vocabularies,
encoding, and `translate`, the trained attention model behind one function call.

Taught in notebooks/w3a1_date_translation_attention.ipynb: the generator and `normalize` in section 1 (data),
`string_to_int` and `preprocess_data` in section 1 (encoding), `translate` in section 8.

Dates run from 1950-01-01 through 2049-12-31, so a two-digit year is never ambiguous: 50-99 read as
1950-1999 and 00-49 as 2000-2049. Month and weekday names come from Babel's CLDR data for en_US (always the
year pattern `y`: CLDR's `Y` is the week-based year, which is wrong around New Year), random choices from a
seeded Faker instance, so `load_dataset(m, seed)` returns the same dates on every machine with the same
Faker and Babel versions.

Every input, in training and at inference alike, goes through `normalize` first; the model only ever sees
normalised text.
"""

import re
from datetime import date

import numpy as np
from babel.dates import format_date, get_day_names, get_month_names
from faker import Faker

Tx, Ty = 30, 10  # longest (normalised) input, and the length of "YYYY-MM-DD"
FIRST_DATE, LAST_DATE = date(1950, 1, 1), date(2049, 12, 31)
LOCALE = "en_US"

# The course's en_US formats: Babel's named formats and CLDR patterns (year `y`, never `Y`).
COURSE_FORMATS = ("short", "medium", "long", "full", "d MMM y", "d MMMM y", "dd MMM y", "d MMM, y", "d MMMM, y",
                  "dd, MMM y", "d MM yy", "MMMM d y", "MMMM d, y", "dd.MM.yy")

# The ways people write dates that the course's formats miss, as templates over the fields of `_fields`.
TEMPLATES = {
    "ordinal": ("{MMMM} {ord}, {y}", "{MMMM} {ord} {y}", "the {ord} of {MMMM} {y}", "the {ord} of {MMMM}, {y}",
                "{ord} {MMMM} {y}", "{ord} of {MMMM} {y}", "{MMM} {ord}, {y}", "{ord} {MMM} {y}"),
    "slash": ("{M}/{d}/{y}", "{MM}/{dd}/{y}"),
    "abbreviated": ("{MMM}. {d}, {y}", "{d} {MMM}. {y}", "{MMM}. {ord}, {y}", "{dd} {MMM}. {y}", "{MMM}. {d} {y}"),
    "weekday": ("{EEEE}, {MMMM} {d}, {y}", "{EEE}, {MMM} {d}, {y}", "{EEE} {d} {MMM} {y}", "{EEEE} {d} {MMMM} {y}",
                "{EEEE}, {MMMM} {ord}, {y}", "{EEE}, {ord} {MMM} {y}", "{EEE}. {MMM}. {d} {y}",
                "{EEE} the {ord} of {MMMM} {y}", "{EEE} {MMM} {d} {y}"),
    "iso": ("{y}-{MM}-{dd}",),
}
# Format families and how often each is drawn. "course" uses COURSE_FORMATS, the others TEMPLATES.
FAMILIES = {"course": 0.35, "ordinal": 0.2, "slash": 0.1, "abbreviated": 0.1, "weekday": 0.15, "iso": 0.1}

_MONTHS = get_month_names("wide", locale=LOCALE)
_MONTHS_SHORT = get_month_names("abbreviated", locale=LOCALE)
_DAYS = get_day_names("wide", locale=LOCALE)  # keyed 0 = Monday, as date.weekday()
_DAYS_SHORT = get_day_names("abbreviated", locale=LOCALE)

# Input vocabulary: every character `normalize` can leave in a generated date, plus <unk> and <pad>.
# Output vocabulary: '-' and the ten digits.
_LETTERS = sorted(set(("".join(_MONTHS.values()) + "".join(_DAYS.values()) + "stndrdthof").lower()))
HUMAN_VOCAB = {char: i for i, char in enumerate([" ", "-", ".", "/", *"0123456789", *_LETTERS, "<unk>", "<pad>"])}
MACHINE_VOCAB = {char: i for i, char in enumerate("-0123456789")}
INV_MACHINE_VOCAB = {i: char for char, i in MACHINE_VOCAB.items()}


def ordinal(day: int) -> str:
    """1 -> '1st', 2 -> '2nd', 3 -> '3rd', 11 -> '11th', 22 -> '22nd'."""
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _fields(d: date, rng) -> dict:
    short_month = _MONTHS_SHORT[d.month]
    if d.month == 9 and rng.random() < 0.5:
        short_month = "Sept"  # as often written as CLDR's "Sep"
    return {"EEEE": _DAYS[d.weekday()], "EEE": _DAYS_SHORT[d.weekday()], "MMMM": _MONTHS[d.month],
            "MMM": short_month, "M": str(d.month), "MM": f"{d.month:02d}", "d": str(d.day), "dd": f"{d.day:02d}",
            "ord": ordinal(d.day), "y": str(d.year), "yy": f"{d.year % 100:02d}"}


def format_human(d: date, family: str, rng) -> str:
    """`d` written in a random format of `family` (a key of FAMILIES), before any noise or normalisation."""
    if family == "course":
        return format_date(d, rng.choice(COURSE_FORMATS), locale=LOCALE)
    if family not in TEMPLATES:
        raise ValueError(f"unknown format family {family!r}; choose one of {sorted(FAMILIES)}")
    return rng.choice(TEMPLATES[family]).format(**_fields(d, rng))


def add_noise(text: str, rng) -> str:
    """What people add that carries no meaning: any letter case, stray commas and spaces."""
    case = rng.choice(("lower", "as is", "as is", "upper", "title", "random"))
    if case == "lower":
        text = text.lower()
    elif case == "upper":
        text = text.upper()
    elif case == "title":
        text = text.title()
    elif case == "random":
        text = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)
    words = text.split(" ")
    if len(words) > 1 and rng.random() < 0.2:  # a stray comma after a word
        i = rng.randrange(len(words) - 1)
        words[i] = words[i].rstrip(",") + ","
    if rng.random() < 0.2:  # doubled spaces, or spaces around the whole string
        gaps = [" " * rng.choice((1, 1, 2, 3)) for _ in words[1:]]
        text = words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:]))
        text = " " * rng.choice((0, 1)) + text + " " * rng.choice((0, 1))
    else:
        text = " ".join(words)
    return text


def normalize(text: str) -> str:
    """The one normalisation of every input, in training and at inference.

    Lower case; commas become spaces, and so does a period right after a letter ("Mar.", "Sat."), while
    periods between digits ("03.03.01") stay; runs of whitespace collapse to one space; ends are stripped.
    """
    if not isinstance(text, str):
        raise TypeError(f"a date must be a string, got {type(text).__name__}: {text!r}")
    text = text.lower().replace(",", " ")
    text = re.sub(r"(?<=[a-z])\.", " ", text)
    return " ".join(text.split())


def load_date(fake: Faker) -> tuple[str, str, str]:
    """One example: (human text as written, ISO date, format family). Draws again when the text is too long."""
    rng = fake.random
    d = fake.date_between_dates(date_start=FIRST_DATE, date_end=LAST_DATE)
    family = rng.choices(list(FAMILIES), weights=list(FAMILIES.values()))[0]
    while True:
        human = add_noise(format_human(d, family, rng), rng)
        if len(normalize(human)) <= Tx:
            return human, d.isoformat(), family


def load_dataset(m: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """`m` examples (human text, ISO date, family) whose normalised texts are all different; same seed, same list."""
    if m < 1:
        raise ValueError(f"m must be a positive number of examples, got {m}")
    fake = Faker(LOCALE)
    fake.seed_instance(seed)
    seen, dataset = set(), []
    while len(dataset) < m:
        example = load_date(fake)
        key = normalize(example[0])
        if key not in seen:
            seen.add(key)
            dataset.append(example)
    return dataset


def split_dataset(dataset: list, n_val: int, n_test: int) -> tuple[list, list, list]:
    """(train, validation, test) from `load_dataset`'s list: the first n_test examples are the test set, the next
    n_val the validation set, the rest the training set. The held-out sets therefore stay the same whatever the
    training size, and since `load_dataset` never repeats a normalised text, no date string is in two splits."""
    if n_val < 0 or n_test < 0 or n_val + n_test >= len(dataset):
        raise ValueError(f"cannot hold out {n_val} + {n_test} of {len(dataset)} examples and keep some to train on")
    return dataset[n_test + n_val:], dataset[n_test:n_test + n_val], dataset[:n_test]


def string_to_int(string: str, length: int, vocab: dict) -> list[int]:
    """Indices of the normalised `string`'s characters, padded with <pad> to `length`; unknown characters
    become <unk>. Raises ValueError when the normalised text is longer than `length` (cutting it would
    silently change the date)."""
    text = normalize(string)
    if len(text) > length:
        raise ValueError(f"{string!r} is {len(text)} characters after normalisation; the model reads at most {length}")
    unk, pad = vocab["<unk>"], vocab["<pad>"]
    return [vocab.get(char, unk) for char in text] + [pad] * (length - len(text))


def int_to_string(ints, inv_vocab: dict) -> str:
    """Characters of a sequence of indices (the inverse of the encoding, padding included as '<pad>')."""
    return "".join(inv_vocab[int(i)] for i in ints)


def preprocess_data(dataset, human_vocab: dict, machine_vocab: dict, Tx: int = Tx, Ty: int = Ty):
    """Arrays for training: X (m, Tx) and Y (m, Ty) indices, Xoh (m, Tx, len(human_vocab)) one-hot inputs and
    Yoh (m, Ty, len(machine_vocab)) one-hot targets."""
    X = np.array([string_to_int(human, Tx, human_vocab) for human, *_ in dataset], dtype=np.int32)
    Y = np.array([[machine_vocab[char] for char in machine] for _, machine, *_ in dataset], dtype=np.int32)
    if Y.shape[1:] != (Ty,):
        raise ValueError(f"targets should have {Ty} characters, got shape {Y.shape}")
    Xoh = np.eye(len(human_vocab), dtype=np.float32)[X]
    Yoh = np.eye(len(machine_vocab), dtype=np.float32)[Y]
    return X, Y, Xoh, Yoh


WEIGHTS = "nmt_attention.weights.h5"
_translator = {}


def _model():
    """The attention model with the shipped weights, built once from code (utils/date_attention.py)."""
    if "model" not in _translator:
        from utils.date_attention import modelf
        from utils.paths import pretrained_path

        path = pretrained_path(WEIGHTS)
        model = modelf(Tx, Ty, n_a=32, n_s=64, human_vocab_size=len(HUMAN_VOCAB),
                       machine_vocab_size=len(MACHINE_VOCAB))
        model.load_weights(path)
        _translator["model"] = model
    return _translator["model"]


def translate(texts: list[str]) -> list[str]:
    """ISO dates ("YYYY-MM-DD") for human-written dates, from the shipped weights in pretrained/.

    Each text is normalised as in training (case, commas, abbreviation periods, spaces); characters the
    model never saw map to <unk>. A text longer than Tx = 30 characters after normalisation raises
    ValueError naming it (it is not truncated). The model is built and its weights loaded on the first call.
    """
    if isinstance(texts, str):
        raise TypeError("translate takes a list of strings; wrap a single date in a list: translate([text])")
    texts = list(texts)
    if not texts:
        return []
    from utils.date_attention import predict_indices

    X = np.array([string_to_int(text, Tx, HUMAN_VOCAB) for text in texts], dtype=np.int32)  # (m, Tx)
    Xoh = np.eye(len(HUMAN_VOCAB), dtype=np.float32)[X]  # (m, Tx, vocabulary)
    return [int_to_string(row, INV_MACHINE_VOCAB) for row in predict_indices(_model(), Xoh)]
