"""utils.dates: the seeded date generator, normalisation, vocabularies and encoding, and `translate`."""

import random
import re
from datetime import date

import numpy as np
import pytest

from utils import dates
from utils.dates import (
    COURSE_FORMATS,
    FAMILIES,
    HUMAN_VOCAB,
    INV_MACHINE_VOCAB,
    MACHINE_VOCAB,
    Tx,
    Ty,
    add_noise,
    format_human,
    int_to_string,
    load_dataset,
    normalize,
    ordinal,
    preprocess_data,
    split_dataset,
    string_to_int,
    translate,
)


@pytest.fixture(scope="module")
def sample():
    return load_dataset(3000, seed=1)


# The generator


def test_every_family_appears_and_nothing_else(sample):
    assert {family for *_, family in sample} == set(FAMILIES)


def test_dates_lie_in_1950_through_2049(sample):
    isos = [iso for _, iso, _ in sample]
    assert min(isos) >= "1950-01-01" and max(isos) <= "2049-12-31"
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso) for iso in isos)


def test_draws_cover_both_centuries(sample):
    years = {int(iso[:4]) for _, iso, _ in sample}
    assert min(years) < 1955 and max(years) > 2044


@pytest.mark.parametrize("year, two_digits", [(1950, "50"), (1999, "99"), (2000, "00"), (2049, "49")])
def test_two_digit_years_of_the_course_formats(year, two_digits):
    d = date(year, 12, 31)
    assert format_human(d, "course", _always("short")) == f"12/31/{two_digits}"
    assert format_human(d, "course", _always("dd.MM.yy")) == f"31.12.{two_digits}"


def test_two_digit_years_read_50_99_as_1900s_and_00_49_as_2000s(sample):
    numeric = [(normalize(human), iso) for human, iso, _ in sample
               if re.fullmatch(r"\d{1,2}[./ ]\d{1,2}[./ ]\d{2}", normalize(human))]
    assert len(numeric) > 20
    for text, iso in numeric:
        yy = int(text[-2:])
        assert int(iso[:4]) == (1900 + yy if yy >= 50 else 2000 + yy)


def test_year_is_the_calendar_year_not_the_week_based_one():
    assert not any("Y" in pattern for pattern in COURSE_FORMATS)
    assert format_human(date(2001, 12, 31), "course", _always("d MMMM y")) == "31 December 2001"  # Y gives 2002


def test_course_formats_come_from_babel_en_us():
    d = date(2001, 3, 3)
    assert format_human(d, "course", _always("medium")) == "Mar 3, 2001"
    assert format_human(d, "course", _always("full")) == "Saturday, March 3, 2001"


@pytest.mark.parametrize("family, pattern", [
    ("ordinal", r".*\b(3rd)\b.*"),
    ("slash", r"0?3/0?3/2001"),
    ("abbreviated", r".*(Mar|Sept?)\..*"),
    ("weekday", r"(Saturday|Sat)\b.*"),
    ("iso", r"2001-03-03"),
])
def test_each_family_writes_its_kind_of_date(family, pattern):
    rng = random.Random(0)
    for _ in range(20):
        assert re.fullmatch(pattern, format_human(date(2001, 3, 3), family, rng)), family


def test_unknown_family_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown format family"):
        format_human(date(2001, 3, 3), "roman", random.Random(0))


@pytest.mark.parametrize("day, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_ordinals(day, text):
    assert ordinal(day) == text


def test_same_seed_same_dates_and_other_seed_other_dates():
    assert load_dataset(300, seed=3) == load_dataset(300, seed=3)
    assert load_dataset(300, seed=3) != load_dataset(300, seed=4)


def test_a_longer_draw_starts_with_the_shorter_one():
    assert load_dataset(500, seed=3)[:100] == load_dataset(100, seed=3)


def test_no_normalised_text_repeats_and_all_fit_tx(sample):
    texts = [normalize(human) for human, *_ in sample]
    assert len(set(texts)) == len(texts)
    assert max(map(len, texts)) <= Tx


def test_splits_share_no_date_string_and_test_set_does_not_depend_on_training_size():
    train, val, test = split_dataset(load_dataset(1000, seed=2), n_val=100, n_test=200)
    assert (len(train), len(val), len(test)) == (700, 100, 200)
    sets = [{normalize(h) for h, *_ in split} for split in (train, val, test)]
    assert not (sets[0] & sets[1] or sets[0] & sets[2] or sets[1] & sets[2])
    assert split_dataset(load_dataset(2000, seed=2), n_val=100, n_test=200)[2] == test


def test_split_refuses_to_leave_nothing_to_train_on():
    with pytest.raises(ValueError, match="hold out"):
        split_dataset(load_dataset(10, seed=0), n_val=5, n_test=5)


def test_load_dataset_needs_a_positive_size():
    with pytest.raises(ValueError, match="positive"):
        load_dataset(0)


# Normalisation


@pytest.mark.parametrize("text, expected", [
    ("  SATURDAY, March 3rd,  2001", "saturday march 3rd 2001"),
    ("Mar. 3, 2001", "mar 3 2001"),
    ("sat.mar.3 2001", "sat mar 3 2001"),
    ("03.03.01", "03.03.01"),
    ("2001-03-03 ", "2001-03-03"),
    ("3/3/2001", "3/3/2001"),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_noise_never_changes_the_normalised_text(sample):
    rng = random.Random(5)
    for human, *_ in sample[:500]:
        assert normalize(add_noise(human, rng)) == normalize(human)


def test_normalize_rejects_non_strings():
    with pytest.raises(TypeError, match="string"):
        normalize(20010303)


# Vocabularies and encoding


def test_vocabularies():
    assert list(MACHINE_VOCAB) == list("-0123456789")
    assert {"<unk>", "<pad>", " ", "-", ".", "/"} <= set(HUMAN_VOCAB)
    assert sorted(HUMAN_VOCAB.values()) == list(range(len(HUMAN_VOCAB)))


def test_every_generated_character_is_in_the_vocabulary(sample):
    assert set("".join(normalize(human) for human, *_ in sample)) <= set(HUMAN_VOCAB)


def test_encoding_round_trip(sample):
    inverse = {i: char for char, i in HUMAN_VOCAB.items()}
    for human, *_ in sample[:200]:
        ints = string_to_int(human, Tx, HUMAN_VOCAB)
        assert len(ints) == Tx
        assert int_to_string(ints, inverse).replace("<pad>", "") == normalize(human)


def test_unknown_characters_map_to_unk_and_padding_fills_to_length():
    ints = string_to_int("3 März", 10, HUMAN_VOCAB)
    assert ints[3] == HUMAN_VOCAB["<unk>"]
    assert ints[6:] == [HUMAN_VOCAB["<pad>"]] * 4


def test_too_long_input_is_an_error_not_a_truncation():
    with pytest.raises(ValueError, match="at most 30"):
        string_to_int("wednesday the 30th of september 2048", Tx, HUMAN_VOCAB)


def test_preprocess_data_shapes_and_one_hot(sample):
    X, Y, Xoh, Yoh = preprocess_data(sample[:50], HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty)
    assert X.shape == (50, Tx) and Y.shape == (50, Ty)
    assert Xoh.shape == (50, Tx, len(HUMAN_VOCAB)) and Yoh.shape == (50, Ty, len(MACHINE_VOCAB))
    assert np.array_equal(Xoh.argmax(-1), X) and np.allclose(Xoh.sum(-1), 1)
    assert int_to_string(Y[0], INV_MACHINE_VOCAB) == sample[0][1]


# translate (loads the shipped weights once; the model is cached inside utils.dates)


def test_translate_reads_dates_the_way_people_write_them():
    texts = ["Saturday, March 3rd, 2001", "the 21st of June 1999", "3/3/01", "MAR. 3, 2001", "2001-03-03",
             "12/31/2049", "1 jan 1950"]
    assert translate(texts) == ["2001-03-03", "1999-06-21", "2001-03-03", "2001-03-03", "2001-03-03",
                                "2049-12-31", "1950-01-01"]


def test_translate_maps_unknown_characters_and_still_returns_an_iso_shaped_date():
    [iso] = translate(["3 März 2001"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso)


def test_translate_edge_cases():
    assert translate([]) == []
    with pytest.raises(TypeError, match="list"):
        translate("3/3/01")
    with pytest.raises(ValueError, match="at most 30"):
        translate(["Wednesday, the 30th of September, 2048"])


def test_translate_names_missing_weights(monkeypatch):
    monkeypatch.setattr(dates, "WEIGHTS", "no_such.weights.h5")
    monkeypatch.setattr(dates, "_translator", {})
    with pytest.raises(FileNotFoundError, match="no_such.weights.h5"):
        translate(["3/3/01"])


def _always(pattern):
    """A stand-in random generator whose choice among the course's formats is always `pattern`."""
    class Always(random.Random):
        def choice(self, options):
            return pattern if pattern in options else super().choice(options)
    return Always(0)
