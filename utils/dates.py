"""Human-readable dates and their ISO translations: a seeded generator, input normalisation, a plain reader
that checks what a text states, vocabularies, encoding, and `translate`, the trained model behind one call.

Taught in notebooks/w3a1_date_translation_attention.ipynb: the generator, `normalize` and `read_date` in
section 1 (data), `string_to_int` and `preprocess_data` in section 1 (encoding), `translate` in section 8.

Dates run from 1950-01-01 through 2049-12-31, so a two-digit year is never ambiguous: 50-99 read as
1950-1999 and 00-49 as 2000-2049. The formats are the written forms of Babel's CLDR data for en_US and en_GB
(always the year pattern `y`: CLDR's `Y` is the week-based year, which is wrong around New Year), hand-written
templates for ordinals, abbreviations with a period and weekdays, and all-numeric dates with `-`, `/` or `.`
between the fields, in month-day-year, day-month-year and year-month-day order.

One rule keeps numeric dates unambiguous: day first only when the day is above 12. A numeric date whose
first two fields could both be a month (`03/04/2001`) is always read, and only ever generated, month first,
as in en_US; `13/04/2001` can only be day first. Random choices come from a seeded Faker instance, so
`load_dataset(m, seed)` returns the same dates on every machine with the same Faker and Babel versions
(data/README.md records the versions and the SHA-256 of the test split).

Every input, in training and at inference alike, goes through `normalize` first; the model only ever sees
normalised text.
"""

import hashlib
import re
import unicodedata
from datetime import date

import numpy as np
from babel import Locale
from babel.dates import format_date, get_day_names, get_month_names
from faker import Faker

from utils.checks import (
    check_choice,
    check_errors,
    check_keys,
    check_number,
    check_strings,
    describe,
    unreadable,
)

Tx, Ty = 30, 10  # longest (normalised) input, and the length of "YYYY-MM-DD"
FIRST_DATE, LAST_DATE = date(1950, 1, 1), date(2049, 12, 31)
LOCALES = ("en_US", "en_GB")
SEPARATORS = ("-", "/", ".")  # between the fields of a numeric date

# The CLDR written forms that give a whole date with the month as a word: the locale's named formats and its
# skeletons for year-month-day (with and without a weekday). Numeric CLDR forms (en_US `M/d/yy`, en_GB
# `dd/MM/y`) belong to the numeric families below, which add the other separators.
CLDR_FORMATS = ("medium", "long", "full")
CLDR_SKELETONS = ("yMMMd", "yMMMMd", "yMMMEd", "yMMMMEd", "yMMMEEEEd", "yMMMMEEEEd")


def cldr_patterns(locale: str) -> tuple[str, ...]:
    """The distinct CLDR patterns of `locale` that write a whole date with the month as a word."""
    data = Locale.parse(locale)
    patterns = [data.date_formats[name].pattern for name in CLDR_FORMATS]
    patterns += [data.datetime_skeletons[key].pattern for key in CLDR_SKELETONS if key in data.datetime_skeletons]
    return tuple(dict.fromkeys(p for p in patterns if "ddd" not in p and "Y" not in p))


# The ways people write dates that CLDR's forms miss, and the numeric forms, as templates over `_fields`.
# In the numeric templates `{s}` is one separator drawn from SEPARATORS.
TEMPLATES = {
    "ordinal": ("{MMMM} {ord}, {y}", "{MMMM} {ord} {y}", "the {ord} of {MMMM} {y}", "the {ord} of {MMMM}, {y}",
                "{ord} {MMMM} {y}", "{ord} of {MMMM} {y}", "{MMM} {ord}, {y}", "{ord} {MMM} {y}"),
    "abbreviated": ("{MMM}. {d}, {y}", "{d} {MMM}. {y}", "{MMM}. {ord}, {y}", "{dd} {MMM}. {y}", "{MMM}. {d} {y}"),
    "weekday": ("{EEEE}, {MMMM} {d}, {y}", "{EEE}, {MMM} {d}, {y}", "{EEE} {d} {MMM} {y}", "{EEEE} {d} {MMMM} {y}",
                "{EEEE}, {MMMM} {ord}, {y}", "{EEE}, {ord} {MMM} {y}", "{EEE}. {MMM}. {d} {y}",
                "{EEE} the {ord} of {MMMM} {y}", "{EEE} {MMM} {d} {y}"),
    # month first: en_US's short M/d/yy and M/d/y, padded or not, and its yMEd with a weekday
    "mdy": ("{M}{s}{d}{s}{yy}", "{M}{s}{d}{s}{y}", "{MM}{s}{dd}{s}{y}", "{MM}{s}{dd}{s}{yy}", "{EEE}, {M}{s}{d}{s}{y}"),
    # day first (drawn only for days 13-31): en_GB's short dd/MM/y and its yMEd, and the unpadded forms
    "dmy": ("{dd}{s}{MM}{s}{y}", "{d}{s}{M}{s}{y}", "{dd}{s}{MM}{s}{yy}", "{d}{s}{M}{s}{yy}", "{EEE}, {dd}{s}{MM}{s}{y}"),
    # year first, always four digits: ISO 8601 and its look-alikes
    "ymd": ("{y}{s}{MM}{s}{dd}", "{y}{s}{MM}{s}{dd}", "{y}{s}{M}{s}{d}"),
}
# Format families and how often each is drawn. "en_US" and "en_GB" use cldr_patterns, the others TEMPLATES.
FAMILIES = {"en_US": 0.14, "en_GB": 0.14, "ordinal": 0.12, "abbreviated": 0.08, "weekday": 0.12,
            "mdy": 0.14, "dmy": 0.12, "ymd": 0.14}
NUMERIC_FAMILIES = ("mdy", "dmy", "ymd")

_MONTHS = get_month_names("wide", locale="en_US")
_MONTHS_SHORT = get_month_names("abbreviated", locale="en_US")
_DAYS = get_day_names("wide", locale="en_US")  # keyed 0 = Monday, as date.weekday()
_DAYS_SHORT = get_day_names("abbreviated", locale="en_US")

# What the reader accepts as words, lower case: every month and weekday name and abbreviation of both locales.
MONTH_WORDS = {name.lower(): month for locale in LOCALES for width in ("wide", "abbreviated")
               for month, name in get_month_names(width, locale=locale).items()} | {"sept": 9}
WEEKDAY_WORDS = {name.lower(): day for locale in LOCALES for width in ("wide", "abbreviated")
                 for day, name in get_day_names(width, locale=locale).items()}
FILLER_WORDS = ("the", "of")

# Input vocabulary: every character `normalize` can leave in a generated date, plus <unk> and <pad>.
# Output vocabulary: '-' and the ten digits.
_LETTERS = sorted(set("".join(MONTH_WORDS) + "".join(WEEKDAY_WORDS) + "stndrdthof"))
HUMAN_VOCAB = {char: i for i, char in enumerate([" ", "-", ".", "/", *"0123456789", *_LETTERS, "<unk>", "<pad>"])}
MACHINE_VOCAB = {char: i for i, char in enumerate("-0123456789")}
INV_MACHINE_VOCAB = {i: char for char, i in MACHINE_VOCAB.items()}


def ordinal(day: int) -> str:
    """1 -> '1st', 2 -> '2nd', 3 -> '3rd', 11 -> '11th', 22 -> '22nd'."""
    day = check_number(day, "day", low=1, integer=True)
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _check_date(d, name: str = "d") -> date:
    if not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date, got {describe(d)}")
    if not FIRST_DATE <= d <= LAST_DATE:
        raise ValueError(f"{name} must lie in {FIRST_DATE} .. {LAST_DATE}, got {d}")
    return d


def _fields(d: date, rng) -> dict:
    short_month = _MONTHS_SHORT[d.month]
    if d.month == 9 and rng.random() < 0.5:
        short_month = "Sept"  # as often written as en_US's "Sep" (and en_GB's own abbreviation)
    return {"EEEE": _DAYS[d.weekday()], "EEE": _DAYS_SHORT[d.weekday()], "MMMM": _MONTHS[d.month],
            "MMM": short_month, "M": str(d.month), "MM": f"{d.month:02d}", "d": str(d.day), "dd": f"{d.day:02d}",
            "ord": ordinal(d.day), "y": str(d.year), "yy": f"{d.year % 100:02d}", "s": rng.choice(SEPARATORS)}


def format_human(d: date, family: str, rng) -> str:
    """`d` written in a random format of `family` (a key of FAMILIES), before any noise or normalisation.

    "dmy" writes only days above 12: a day of 12 or less written first would read as a month.
    """
    _check_date(d)
    if family not in FAMILIES:
        raise ValueError(f"unknown format family {family!r}; choose one of {sorted(FAMILIES)}")
    if family == "dmy" and d.day <= 12:
        raise ValueError(f"the dmy family writes only days above 12 (day first is read only then), got {d}")
    if family in LOCALES:
        return format_date(d, rng.choice(cldr_patterns(family)), locale=family)
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


def _plain_character(char: str) -> str:
    """A digit of any script as 0-9, any dash as '-', the fraction and division slashes as '/'."""
    if char.isdecimal() and not char.isascii():
        return str(unicodedata.decimal(char))
    if unicodedata.category(char) == "Pd":
        return "-"
    return "/" if char in "\u2044\u2215" else char


def normalize(text: str) -> str:
    """The one normalisation of every input, in training and at inference.

    Unicode NFKC (full-width digits and punctuation, superscript letters, no-break spaces become plain ones),
    then digits of any script become 0-9 and every dash '-'; lower case; commas become spaces, and so does a
    period right after a letter ("Mar.", "Sat."), while periods between digits ("03.03.01") stay; runs of
    whitespace collapse to one space; ends are stripped. Normalising twice changes nothing.
    """
    if not isinstance(text, str):
        raise TypeError(f"a date must be a string, got {describe(text)}")
    text = "".join(map(_plain_character, unicodedata.normalize("NFKC", text)))
    text = text.lower().replace(",", " ")
    text = re.sub(r"(?<=[a-z])\.", " ", text)
    return " ".join(text.split())


_NUMERIC_DATE = re.compile(r"(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})")
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)")


def _year(digits: str) -> int:
    """A year written with four digits as is, with two as 1950-2049 (50-99 -> 19xx, 00-49 -> 20xx)."""
    if len(digits) == 2:
        return 1900 + int(digits) if int(digits) >= 50 else 2000 + int(digits)
    if len(digits) != 4:
        raise ValueError(f"a year has two or four digits, not {digits!r}")
    return int(digits)


def _numeric_fields(a: str, b: str, c: str) -> dict:
    """(year, month, day) of a numeric date a-b-c: year first when `a` has four digits; otherwise the year is
    last and the first field is the day only when it is above 12 (else the month, as in en_US)."""
    if len(a) == 4:
        return {"year": _year(a), "month": int(b), "day": int(c)}
    if len(a) > 2:
        raise ValueError(f"a numeric date starts with a year of four digits or a day or month of at most two, not {a!r}")
    if int(a) > 12:
        return {"year": _year(c), "month": int(b), "day": int(a)}
    return {"year": _year(c), "month": int(a), "day": int(b)}


def read_date(text: str) -> date:
    """The date `text` states, read without any model, or ValueError naming the text and what is wrong.

    Reads the words of the generator's formats in any order: month and weekday names and abbreviations of
    en_US and en_GB, "the", "of", a day (3, 03 or 3rd), a four-digit year, or a numeric date a-b-c with one
    separator of `-`, `/`, `.` (see `_numeric_fields`). Refuses words it does not know, a missing or repeated
    field, a date that does not exist (February 30, month 13), a year outside 1950-2049 and a weekday that is
    not the date's. `translate` uses it to check the model, never in place of it.
    """
    normal = normalize(text)
    if not normal:
        raise ValueError(f"cannot read {text!r} as a date: it is empty")
    fields = {}

    def put(name, value):
        if name in fields:
            raise ValueError(f"cannot read {text!r} as a date: it gives the {name} twice")
        fields[name] = value

    for word in normal.split(" "):
        numeric, ordinal_day = _NUMERIC_DATE.fullmatch(word), _ORDINAL.fullmatch(word)
        if word in FILLER_WORDS:
            continue
        if word in MONTH_WORDS:
            put("month", MONTH_WORDS[word])
        elif word in WEEKDAY_WORDS:
            put("weekday", WEEKDAY_WORDS[word])
        elif numeric:
            try:
                parts = _numeric_fields(numeric[1], numeric[3], numeric[4])
            except ValueError as error:
                raise ValueError(f"cannot read {text!r} as a date: {error}") from None
            for name, value in parts.items():
                put(name, value)
        elif ordinal_day:
            put("day", int(ordinal_day[1]))
        elif re.fullmatch(r"\d{4}", word):
            put("year", int(word))
        elif re.fullmatch(r"\d{1,2}", word):
            put("day", int(word))
        else:
            raise ValueError(f"cannot read {text!r} as a date: {word!r} is not a month, a weekday, a day or a year")
    missing = [name for name in ("year", "month", "day") if name not in fields]
    if missing:
        raise ValueError(f"cannot read {text!r} as a date: it gives no {' and no '.join(missing)}")
    if not FIRST_DATE.year <= fields["year"] <= LAST_DATE.year:
        raise ValueError(f"cannot read {text!r}: the year {fields['year']} is outside {FIRST_DATE.year}-{LAST_DATE.year}")
    try:
        stated = date(fields["year"], fields["month"], fields["day"])
    except ValueError as error:
        raise ValueError(f"{text!r} is not a real date ({error})") from None
    if "weekday" in fields and fields["weekday"] != stated.weekday():
        raise ValueError(f"{text!r} names a {_DAYS[fields['weekday']]}, but {stated:%d %B %Y} was a {_DAYS[stated.weekday()]}")
    return stated


def load_date(fake: Faker) -> tuple[str, str, str]:
    """One example: (human text as written, ISO date, format family). Draws again when the text is too long."""
    rng = fake.random
    family = rng.choices(list(FAMILIES), weights=list(FAMILIES.values()))[0]
    d = fake.date_between_dates(date_start=FIRST_DATE, date_end=LAST_DATE)
    while family == "dmy" and d.day <= 12:  # day first only when it cannot be a month
        d = fake.date_between_dates(date_start=FIRST_DATE, date_end=LAST_DATE)
    while True:
        human = add_noise(format_human(d, family, rng), rng)
        if len(normalize(human)) <= Tx:
            return human, d.isoformat(), family


def load_dataset(m: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """`m` examples (human text, ISO date, family) whose normalised texts are all different; same seed, same list."""
    m = check_number(m, "m (the number of examples)", low=1, integer=True)
    seed = check_number(seed, "seed", low=0, integer=True)
    fake = Faker("en_US")
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
    if not isinstance(dataset, list):
        raise TypeError(f"dataset must be the list from load_dataset, got {describe(dataset)}")
    n_val = check_number(n_val, "n_val", low=0, integer=True)
    n_test = check_number(n_test, "n_test", low=0, integer=True)
    if n_val + n_test >= len(dataset):
        raise ValueError(f"cannot hold out {n_val} + {n_test} of {len(dataset)} examples and keep some to train on")
    return dataset[n_test + n_val:], dataset[n_test:n_test + n_val], dataset[:n_test]


def dataset_sha256(examples) -> str:
    """SHA-256 of examples (human, ISO, family) as tab-separated lines: the fingerprint data/README.md records."""
    return hashlib.sha256("\n".join("\t".join(example) for example in examples).encode("utf-8")).hexdigest()


def _check_vocab(vocab, name: str = "vocab") -> dict:
    check_keys(vocab, ("<unk>", "<pad>"), name)
    return vocab


def string_to_int(string: str, length: int, vocab: dict) -> list[int]:
    """Indices of the normalised `string`'s characters, padded with <pad> to `length`; unknown characters
    become <unk>. Raises ValueError when the normalised text is longer than `length` (cutting it would
    silently change the date)."""
    length = check_number(length, "length", low=1, integer=True)
    _check_vocab(vocab)
    text = normalize(string)
    if len(text) > length:
        raise ValueError(f"{string!r} is {len(text)} characters after normalisation; the model reads at most {length}")
    unk, pad = vocab["<unk>"], vocab["<pad>"]
    return [vocab.get(char, unk) for char in text] + [pad] * (length - len(text))


def int_to_string(ints, inv_vocab: dict) -> str:
    """Characters of a sequence of indices (the inverse of the encoding, padding included as '<pad>')."""
    if not isinstance(inv_vocab, dict):
        raise TypeError(f"inv_vocab must be a dict from index to character, got {describe(inv_vocab)}")
    ints = np.asarray(ints)
    if ints.ndim != 1 or ints.dtype.kind not in "iu":
        raise ValueError(f"ints must be a 1-D sequence of whole-number indices, got {describe(ints)}")
    unknown = sorted({int(i) for i in ints} - set(inv_vocab))
    if unknown:
        raise ValueError(f"ints holds indices that inv_vocab does not have: {unknown[:5]}")
    return "".join(inv_vocab[int(i)] for i in ints)


def preprocess_data(dataset, human_vocab: dict, machine_vocab: dict, Tx: int = Tx, Ty: int = Ty):
    """Arrays for training: X (m, Tx) and Y (m, Ty) indices, Xoh (m, Tx, len(human_vocab)) one-hot inputs and
    Yoh (m, Ty, len(machine_vocab)) one-hot targets."""
    if not isinstance(dataset, list | tuple) or not dataset:
        raise TypeError(f"dataset must be a non-empty list of (human, machine, ...) tuples, got {describe(dataset)}")
    if not all(isinstance(example, list | tuple) and len(example) >= 2 for example in dataset):
        raise TypeError("dataset must hold (human, machine, ...) tuples, as load_dataset returns")
    _check_vocab(human_vocab, "human_vocab")
    Ty = check_number(Ty, "Ty", low=1, integer=True)
    unknown = {char for _, machine, *_ in dataset for char in str(machine)} - set(machine_vocab)
    if unknown:
        raise ValueError(f"targets hold characters that machine_vocab lacks: {sorted(unknown)[:5]}")
    X = np.array([string_to_int(human, Tx, human_vocab) for human, *_ in dataset], dtype=np.int32)
    wrong = [machine for _, machine, *_ in dataset if len(machine) != Ty]
    if wrong:
        raise ValueError(f"targets should have {Ty} characters, got {wrong[:3]}")
    Y = np.array([[machine_vocab[char] for char in machine] for _, machine, *_ in dataset], dtype=np.int32)
    Xoh = np.eye(len(human_vocab), dtype=np.float32)[X]
    Yoh = np.eye(len(machine_vocab), dtype=np.float32)[Y]
    return X, Y, Xoh, Yoh


# ---------------------------------------------------------------------------------------------------------
# translate: read and check every input, run a model, check every output. The first and last steps are
# separate functions so that any model that maps (m, Tx) input indices to (m, Ty) output indices can share them.

WEIGHTS, ENERGIES = "nmt_attention_linear.weights.h5", "linear"  # the translator: weights file, energies (section 6)
_translator = {}


def _model():
    """The translator's model with the shipped weights, built once from code (utils/date_attention.py)."""
    if "model" not in _translator:
        from utils.date_attention import modelf
        from utils.paths import pretrained_path

        path = pretrained_path(WEIGHTS)
        model = modelf(Tx, Ty, n_a=32, n_s=64, human_vocab_size=len(HUMAN_VOCAB),
                       machine_vocab_size=len(MACHINE_VOCAB), energies=ENERGIES)
        model.load_weights(path)
        _translator["model"] = model
    return _translator["model"]


TRANSFORMER_WEIGHTS = "transformer_dates.weights.h5"  # the Transformer of notebooks/w4a1_transformer.ipynb
MODELS = ("attention", "transformer")  # what translate(..., model=) serves; "attention" is the default


def load_translator(model: str = "attention"):
    """The Keras model behind `translate(..., model=model)`, built from code with its shipped weights once per
    process: "attention", week 3's attention LSTM (utils/date_attention.py), or "transformer", week 4's
    Transformer (utils/transformer.py, notebooks/w4a1_transformer.ipynb section 5)."""
    check_choice(model, "model", MODELS)
    if model == "attention":
        return _model()
    if "transformer" not in _translator:
        from utils.paths import pretrained_path
        from utils.transformer import date_transformer

        path = pretrained_path(TRANSFORMER_WEIGHTS)
        transformer = date_transformer()  # the shipped sizes are its defaults
        transformer.load_weights(path)
        _translator["transformer"] = transformer
    return _translator["transformer"]


def _predict_indices(model: str, X: np.ndarray) -> np.ndarray:
    """Output indices (k, Ty) of the shipped `model` for input indices X (k, Tx), each model decoding its own way."""
    if model == "transformer":
        from utils.transformer import greedy_decode

        return greedy_decode(load_translator("transformer"), X)
    from utils.date_attention import predict_indices

    Xoh = np.eye(len(HUMAN_VOCAB), dtype=np.float32)[X]  # (k, Tx, vocabulary)
    return predict_indices(_model(), Xoh)


def model_text(text: str) -> str:
    """What the model reads of `text`: its normalised form, without a leading weekday when that alone would
    push it past Tx characters (check the weekday with `read_date` first). ValueError if it still does not fit."""
    normal = normalize(text)
    first, _, rest = normal.partition(" ")
    if len(normal) > Tx and first in WEEKDAY_WORDS:
        normal = rest
    if len(normal) > Tx:
        raise ValueError(f"{text!r} is {len(normal)} characters after normalisation; the model reads at most {Tx}")
    return normal


def prepare_inputs(texts, errors: str = "raise") -> tuple[np.ndarray, list]:
    """Check and encode the inputs of `translate`: (X, stated).

    X (k, Tx) holds the input indices of the k readable texts, in order; stated[i] is the date text i states
    (`read_date`), or None when it cannot be read (a ValueError naming it under errors="raise").
    """
    texts = check_strings(texts, "texts", allow_empty_list=True)
    errors = check_errors(errors)
    stated, encoded = [], []
    for text in texts:
        try:
            day = read_date(text)
            encoded.append(string_to_int(model_text(text), Tx, HUMAN_VOCAB))
        except ValueError as error:
            day = unreadable(str(error), errors)
        stated.append(day)
    return np.array(encoded, dtype=np.int32).reshape(len(encoded), Tx), stated


def decode_outputs(indices, texts, stated: list, errors: str = "raise") -> list:
    """The answers of `translate`: the model's output indices (k, Ty) for the readable texts, written as ISO
    dates and checked. An output that is not a real date in 1950-2049, or not the date the text states, is a
    ValueError naming the text (None under errors="coerce"), never a silent wrong answer."""
    indices = np.asarray(indices)
    readable = [i for i, day in enumerate(stated) if day is not None]
    if indices.shape != (len(readable), Ty):
        raise ValueError(f"indices must have shape ({len(readable)}, {Ty}), one row per readable text, got {indices.shape}")
    answers = [None] * len(stated)
    for i, row in zip(readable, indices):
        iso = int_to_string(row, INV_MACHINE_VOCAB)
        try:
            written = date.fromisoformat(iso) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) else None
        except ValueError:
            written = None
        if written is None or not FIRST_DATE <= written <= LAST_DATE:
            unreadable(f"the model translated {texts[i]!r} as {iso!r}, which is not a date in 1950-2049", errors)
        elif written != stated[i]:
            unreadable(f"the model translated {texts[i]!r} as {iso}, but the text states {stated[i]}", errors)
        else:
            answers[i] = iso
    return answers


def translate(texts: list[str], errors: str = "raise", model: str = "attention") -> list:
    """ISO dates ("YYYY-MM-DD") for human-written dates, from the shipped weights in pretrained/.

    Each text is normalised as in training (Unicode, case, commas, abbreviation periods, spaces). A text that
    is not a readable date in 1950-2049 (empty, unknown words, February 30, month 13, a weekday that is not the
    date's, more than Tx = 30 characters even without a leading weekday), and any output of the model that is
    not a real date or not the date the text states, raises ValueError naming the text; with errors="coerce"
    its answer is None instead. A numeric date whose first two fields could both be a month is read month
    first (03/04/2001 is March 4). `model` is "attention" (week 3's attention LSTM, the default) or
    "transformer" (week 4's Transformer); both follow exactly these rules. The model is built and its weights
    loaded on the first call.
    """
    check_choice(model, "model", MODELS)
    X, stated = prepare_inputs(texts, errors)
    texts = list(texts)
    if not len(X):
        return decode_outputs(np.zeros((0, Ty), dtype=np.int32), texts, stated, errors)
    return decode_outputs(_predict_indices(model, X), texts, stated, errors)
