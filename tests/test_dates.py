"""utils.dates: the seeded date generator, normalisation, the plain reader, vocabularies and encoding, and
`translate`, which answers only with real dates and refuses what it cannot read."""

import random
import re
from datetime import date

import numpy as np
import pytest

from utils import dates
from utils.dates import (
    FAMILIES,
    HUMAN_VOCAB,
    INV_MACHINE_VOCAB,
    MACHINE_VOCAB,
    SEPARATORS,
    Tx,
    Ty,
    add_noise,
    cldr_patterns,
    dataset_sha256,
    decode_outputs,
    format_human,
    int_to_string,
    load_dataset,
    model_text,
    normalize,
    ordinal,
    prepare_inputs,
    preprocess_data,
    read_date,
    split_dataset,
    string_to_int,
    translate,
)
from utils.paths import DATA


@pytest.fixture(scope="module")
def sample():
    return load_dataset(3000, seed=1)


def numeric_fields(text):
    """The three fields and the separator of a numeric date text, or None."""
    match = re.search(r"(\d+)([-/.])(\d+)\2(\d+)$", normalize(text))
    return match and (match[1], match[3], match[4], match[2])


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


def test_the_reader_reads_every_generated_text_as_its_date(sample):
    assert all(read_date(human).isoformat() == iso for human, iso, _ in sample)


def test_day_first_is_written_only_for_days_above_12(sample):
    days = [int(iso[-2:]) for _, iso, family in sample if family == "dmy"]
    assert len(days) > 100 and min(days) == 13


def test_a_numeric_date_that_could_be_either_way_is_always_month_first(sample):
    ambiguous = [(numeric_fields(h), iso) for h, iso, family in sample if family in ("mdy", "dmy")
                 and int(numeric_fields(h)[0]) <= 12 and int(numeric_fields(h)[1]) <= 12]
    assert len(ambiguous) > 50
    assert all(int(fields[0]) == int(iso[5:7]) for fields, iso in ambiguous)


@pytest.mark.parametrize("family", ["mdy", "dmy", "ymd"])
def test_numeric_families_use_every_separator(sample, family):
    assert {numeric_fields(h)[3] for h, _, f in sample if f == family} == set(SEPARATORS)


def test_year_first_always_has_four_digits(sample):
    assert all(len(numeric_fields(h)[0]) == 4 for h, _, f in sample if f == "ymd")


def test_two_digit_years_read_50_99_as_1900s_and_00_49_as_2000s(sample):
    numeric = [(numeric_fields(h)[2], iso) for h, iso, f in sample if f in ("mdy", "dmy")
               and len(numeric_fields(h)[2]) == 2]
    assert len(numeric) > 50
    for yy, iso in numeric:
        assert int(iso[:4]) == (1900 + int(yy) if int(yy) >= 50 else 2000 + int(yy))


def test_year_is_the_calendar_year_not_the_week_based_one():
    assert not any("Y" in pattern for locale in ("en_US", "en_GB") for pattern in cldr_patterns(locale))
    assert format_human(date(2001, 12, 31), "en_GB", _always("d MMMM y")) == "31 December 2001"  # Y gives 2002


@pytest.mark.parametrize("locale, pattern, text", [
    ("en_US", "MMM d, y", "Sep 23, 2001"),
    ("en_US", "EEEE, MMMM d, y", "Sunday, September 23, 2001"),
    ("en_GB", "d MMM y", "23 Sept 2001"),
    ("en_GB", "EEEE, d MMMM y", "Sunday, 23 September 2001"),
])
def test_locale_families_write_babels_cldr_forms(locale, pattern, text):
    assert pattern in cldr_patterns(locale)
    assert format_human(date(2001, 9, 23), locale, _always(pattern)) == text


@pytest.mark.parametrize("family, pattern", [
    ("ordinal", r".*\b(3rd)\b.*"),
    ("abbreviated", r".*(Mar|Sept?)\..*"),
    ("weekday", r"(Saturday|Sat)\b.*"),
    ("mdy", r"(Sat, )?0?3([-/.])0?3\2(2001|01)"),
    ("ymd", r"2001([-/.])0?3\1(03|3)"),
])
def test_each_family_writes_its_kind_of_date(family, pattern):
    rng = random.Random(0)
    for _ in range(30):
        assert re.fullmatch(pattern, format_human(date(2001, 3, 3), family, rng)), family


def test_day_first_family_writes_day_then_month():
    rng = random.Random(0)
    for _ in range(30):
        assert re.fullmatch(r"(Sat, )?24([-/.])0?3\2(2001|01)", format_human(date(2001, 3, 24), "dmy", rng))


def test_day_first_family_refuses_a_day_that_could_be_a_month():
    with pytest.raises(ValueError, match="above 12"):
        format_human(date(2001, 3, 3), "dmy", random.Random(0))


@pytest.mark.parametrize("d, error", [("2001-03-03", TypeError), (20010303, TypeError), (date(1949, 12, 31), ValueError),
                                      (date(2050, 1, 1), ValueError)])
def test_format_human_refuses_what_is_not_a_date_in_range(d, error):
    with pytest.raises(error, match="d must"):
        format_human(d, "ordinal", random.Random(0))


def test_unknown_family_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown format family"):
        format_human(date(2001, 3, 3), "roman", random.Random(0))


@pytest.mark.parametrize("day, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                       (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_ordinals(day, text):
    assert ordinal(day) == text


@pytest.mark.parametrize("day, error", [(0, ValueError), (2.5, ValueError), ("3", TypeError)])
def test_ordinal_refuses_what_is_not_a_day(day, error):
    with pytest.raises(error, match="day"):
        ordinal(day)


def test_same_seed_same_dates_and_other_seed_other_dates():
    assert load_dataset(300, seed=3) == load_dataset(300, seed=3)
    assert load_dataset(300, seed=3) != load_dataset(300, seed=4)


def test_a_longer_draw_starts_with_the_shorter_one():
    assert load_dataset(500, seed=3)[:100] == load_dataset(100, seed=3)


def test_the_generator_still_makes_the_test_set_recorded_in_data_readme():
    recorded = re.search(r"SHA-256 of the test split \| `([0-9a-f]{64})`", (DATA / "README.md").read_text())
    assert recorded, "data/README.md records no SHA-256 of the date test split"
    assert dataset_sha256(load_dataset(5000, seed=0)) == recorded[1]


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


@pytest.mark.parametrize("n_val, error", [(-1, ValueError), (2.5, ValueError), (float("nan"), ValueError),
                                          ("5", TypeError), (None, TypeError)])
def test_split_refuses_sizes_that_are_not_counts(n_val, error):
    with pytest.raises(error, match="n_val"):
        split_dataset(load_dataset(10, seed=0), n_val=n_val, n_test=2)


@pytest.mark.parametrize("m, error", [(0, ValueError), (-5, ValueError), (2.5, ValueError), (float("inf"), ValueError),
                                      (float("nan"), ValueError), ("10", TypeError), (True, TypeError)])
def test_load_dataset_needs_a_positive_whole_size(m, error):
    with pytest.raises(error, match="m"):
        load_dataset(m)


def test_load_dataset_refuses_a_negative_seed():
    with pytest.raises(ValueError, match="seed"):
        load_dataset(10, seed=-1)


# Normalisation


@pytest.mark.parametrize("text, expected", [
    ("  SATURDAY, March 3rd,  2001", "saturday march 3rd 2001"),
    ("Mar. 3, 2001", "mar 3 2001"),
    ("sat.mar.3 2001", "sat mar 3 2001"),
    ("03.03.01", "03.03.01"),
    ("2001-03-03 ", "2001-03-03"),
    ("3/3/2001", "3/3/2001"),
    ("\uff12\uff10\uff10\uff11\uff0d\uff10\uff13\uff0d\uff10\uff13", "2001-03-03"),  # full-width digits and dash
    ("\u0662\u0660\u0660\u0661-\u0660\u0663-\u0660\u0663", "2001-03-03"),  # Arabic-Indic digits
    ("2001\u201303\u201303", "2001-03-03"),  # en dashes
    ("3\u02b3\u1d48 March\u00a02001", "3rd march 2001"),  # superscript ordinal, no-break space
])
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_normalising_twice_changes_nothing(sample):
    assert all(normalize(normalize(human)) == normalize(human) for human, *_ in sample)


def test_noise_never_changes_the_normalised_text(sample):
    rng = random.Random(5)
    for human, *_ in sample[:500]:
        assert normalize(add_noise(human, rng)) == normalize(human)


def test_normalize_rejects_non_strings():
    with pytest.raises(TypeError, match="string"):
        normalize(20010303)


# The plain reader


@pytest.mark.parametrize("text, iso", [
    ("03/04/2001", "2001-03-04"),  # both fields could be a month: month first, as en_US
    ("13/04/2001", "2001-04-13"),  # 13 cannot be a month: day first
    ("04/13/2001", "2001-04-13"),
    ("2001.4.13", "2001-04-13"),
    ("13-4-49", "2049-04-13"),
    ("the 3rd of March, 2001", "2001-03-03"),
    ("Monday 3 Sept 2001", "2001-09-03"),
    ("2001\u201303\u201304", "2001-03-04"),
])
def test_read_date(text, iso):
    assert read_date(text).isoformat() == iso


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("  ,  ", "empty"),
    ("next tuesday", "'next' is not"),
    ("3 März 2001", "'märz' is not"),
    ("February 30, 2001", "not a real date"),
    ("29 Feb 2001", "not a real date"),
    ("2021-13-45", "not a real date"),
    ("31/04/2001", "not a real date"),
    ("13/13/2001", "not a real date"),
    ("Friday, March 3, 2001", "names a Friday"),
    ("March 3, 1949", "outside 1950-2049"),
    ("2050-01-01", "outside 1950-2049"),
    ("March 2001", "no day"),
    ("3 March", "no year"),
    ("3 4 2001", "day twice"),
    ("March 3 2001 April", "month twice"),
    ("03/04/201", "two or four digits"),
    ("123/04/2001", "four digits"),
])
def test_read_date_refuses_what_is_not_a_real_date(text, message):
    with pytest.raises(ValueError, match=message) as caught:
        read_date(text)
    assert repr(text) in str(caught.value)


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


@pytest.mark.parametrize("args, error, message", [
    ((20010303, Tx, HUMAN_VOCAB), TypeError, "string"),
    (("3/3/01", 0, HUMAN_VOCAB), ValueError, "length"),
    (("3/3/01", 2.5, HUMAN_VOCAB), ValueError, "length"),
    (("3/3/01", float("nan"), HUMAN_VOCAB), ValueError, "length"),
    (("3/3/01", Tx, ["a", "b"]), TypeError, "vocab"),
    (("3/3/01", Tx, {"a": 0}), ValueError, "<unk>"),
])
def test_string_to_int_refuses_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        string_to_int(*args)


@pytest.mark.parametrize("ints, error, message", [
    ([[1, 2], [3, 4]], ValueError, "1-D"),
    ([1.5, 2.0], ValueError, "whole-number"),
    ([1, 99], ValueError, r"\[99\]"),
    ("123", ValueError, "1-D"),
])
def test_int_to_string_refuses_what_it_cannot_decode(ints, error, message):
    with pytest.raises(error, match=message):
        int_to_string(ints, INV_MACHINE_VOCAB)


def test_preprocess_data_shapes_and_one_hot(sample):
    X, Y, Xoh, Yoh = preprocess_data(sample[:50], HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty)
    assert X.shape == (50, Tx) and Y.shape == (50, Ty)
    assert Xoh.shape == (50, Tx, len(HUMAN_VOCAB)) and Yoh.shape == (50, Ty, len(MACHINE_VOCAB))
    assert np.array_equal(Xoh.argmax(-1), X) and np.allclose(Xoh.sum(-1), 1)
    assert int_to_string(Y[0], INV_MACHINE_VOCAB) == sample[0][1]


@pytest.mark.parametrize("dataset, error, message", [
    ("3/3/01", TypeError, "list"),
    ([], TypeError, "non-empty"),
    (["3/3/01"], TypeError, "tuples"),
    ([("3/3/01", "2001-03-3")], ValueError, "10 characters"),
    ([("3/3/01", "2001/03/03")], ValueError, "machine_vocab lacks"),
])
def test_preprocess_data_refuses_what_is_not_a_dataset(dataset, error, message):
    with pytest.raises(error, match=message):
        preprocess_data(dataset, HUMAN_VOCAB, MACHINE_VOCAB, Tx, Ty)


# translate: inputs are read and checked before the model, outputs after it


def test_model_text_drops_a_leading_weekday_only_when_it_would_not_fit():
    assert model_text("Wednesday, the 30th of September, 2048") == "the 30th of september 2048"
    assert model_text("Sat, March 3, 2001") == "sat march 3 2001"
    with pytest.raises(ValueError, match="at most 30"):
        model_text("the the the the 3rd of March 2001")


def test_prepare_inputs_encodes_the_readable_texts_and_marks_the_others():
    X, stated = prepare_inputs(["3/3/01", "February 30, 2001", "2001-03-04"], errors="coerce")
    assert X.shape == (2, Tx)
    assert stated == [date(2001, 3, 3), None, date(2001, 3, 4)]


def iso_indices(*isos):
    return np.array([[MACHINE_VOCAB[c] for c in iso] for iso in isos])


def test_decode_outputs_refuses_an_output_that_is_not_a_real_date():
    texts, stated = ["Feb 28, 2001"], [date(2001, 2, 28)]
    with pytest.raises(ValueError, match="'Feb 28, 2001' as '2001-02-30'"):
        decode_outputs(iso_indices("2001-02-30"), texts, stated)
    assert decode_outputs(iso_indices("2001-02-30"), texts, stated, errors="coerce") == [None]
    assert decode_outputs(iso_indices("20-1-02-28"), texts, stated, errors="coerce") == [None]
    assert decode_outputs(iso_indices("2051-02-28"), texts, stated, errors="coerce") == [None]


def test_decode_outputs_refuses_an_output_that_is_not_the_stated_date():
    with pytest.raises(ValueError, match="states 2001-02-28"):
        decode_outputs(iso_indices("2001-02-27"), ["Feb 28, 2001"], [date(2001, 2, 28)])


def test_decode_outputs_keeps_unreadable_texts_in_place():
    answers = decode_outputs(iso_indices("2001-03-04"), ["x", "2001-03-04"], [None, date(2001, 3, 4)])
    assert answers == [None, "2001-03-04"]


def test_decode_outputs_needs_one_row_per_readable_text():
    with pytest.raises(ValueError, match="one row per readable text"):
        decode_outputs(iso_indices("2001-03-04", "2001-03-04"), ["2001-03-04"], [date(2001, 3, 4)])


# translate (loads the shipped weights once; the model is cached inside utils.dates)


def test_translate_reads_dates_the_way_people_write_them():
    texts = ["Saturday, March 3rd, 2001", "the 21st of June 1999", "3/3/01", "MAR. 3, 2001", "2001-03-03",
             "12/31/2049", "1 jan 1950"]
    assert translate(texts) == ["2001-03-03", "1999-06-21", "2001-03-03", "2001-03-03", "2001-03-03",
                                "2049-12-31", "1950-01-01"]


@pytest.mark.parametrize("text, iso", [
    ("Sunday, 23 Sept 2001", "2001-09-23"),  # en_GB
    ("Sun, Sep 23, 2001", "2001-09-23"),  # en_US
    ("23.09.01", "2001-09-23"),  # day first: 23 cannot be a month
    ("9-23-2001", "2001-09-23"),
    ("2001/9/23", "2001-09-23"),
    ("03/04/2001", "2001-03-04"),  # either way round: month first
])
def test_translate_reads_every_family(text, iso):
    assert translate([text]) == [iso]


def test_the_translator_is_the_linear_energy_model():
    assert dates.ENERGIES == "linear"
    assert dates._model().get_layer("attention_energies").activation.__name__ == "linear"


def test_translate_answers_the_test_dates_right_or_not_at_all():
    test_set = load_dataset(1000, seed=0)
    answers = translate([human for human, *_ in test_set], errors="coerce")
    assert all(answer in (None, iso) for answer, (_, iso, _) in zip(answers, test_set))
    assert sum(answer is not None for answer in answers) >= 990


def test_translate_drops_a_leading_weekday_that_does_not_fit_after_checking_it():
    assert translate(["Wednesday, the 30th of September, 2048"]) == ["2048-09-30"]
    with pytest.raises(ValueError, match="names a Thursday"):
        translate(["Thursday, the 30th of September, 2048"])


def test_translate_reads_unicode_digits_and_dashes():
    assert translate(["\uff12\uff10\uff10\uff11\uff0d\uff10\uff13\uff0d\uff10\uff13"]) == ["2001-03-03"]


@pytest.mark.parametrize("text", ["", "not a date", "February 30, 2001", "2021-13-45", "Friday, March 3, 2001",
                                  "3 März 2001", "March 3, 1949"])
def test_translate_refuses_an_input_it_cannot_read_and_names_it(text):
    with pytest.raises(ValueError) as caught:
        translate([text])
    assert repr(text) in str(caught.value)


def test_translate_coerce_returns_none_for_each_unreadable_input_and_dates_for_the_rest():
    assert translate(["3/3/01", "February 30, 2001", "", "2001-03-03"], errors="coerce") == \
        ["2001-03-03", None, None, "2001-03-03"]


def test_translate_never_answers_with_a_date_the_model_got_wrong(monkeypatch):
    monkeypatch.setattr("utils.date_attention.predict_indices", lambda model, Xoh: iso_indices("2001-03-04"))
    monkeypatch.setattr(dates, "_model", lambda: None)
    assert translate(["March 3, 2001"], errors="coerce") == [None]
    with pytest.raises(ValueError, match="states 2001-03-03"):
        translate(["March 3, 2001"])


@pytest.mark.parametrize("texts, error, message", [
    ("3/3/01", TypeError, "list"),
    ([20010303], TypeError, "strings"),
    ([None], TypeError, "strings"),
    (np.array([["3/3/01"]]), ValueError, "1-D"),
])
def test_translate_refuses_what_is_not_a_list_of_strings(texts, error, message):
    with pytest.raises(error, match=message):
        translate(texts)


def test_translate_takes_a_tuple_or_array_and_an_empty_list():
    assert translate(()) == [] and translate([]) == []
    assert translate(np.array(["3/3/01"])) == ["2001-03-03"]


@pytest.mark.parametrize("errors", ["ignore", None, 1])
def test_translate_errors_is_raise_or_coerce(errors):
    with pytest.raises(ValueError, match="errors"):
        translate(["3/3/01"], errors=errors)


def test_translate_names_missing_weights(monkeypatch):
    monkeypatch.setattr(dates, "WEIGHTS", "no_such.weights.h5")
    monkeypatch.setattr(dates, "_translator", {})
    with pytest.raises(FileNotFoundError, match="no_such.weights.h5"):
        translate(["3/3/01"])


def _always(pattern):
    """A stand-in random generator whose choice among patterns is always `pattern`."""
    class Always(random.Random):
        def choice(self, options):
            return pattern if pattern in options else super().choice(options)
    return Always(0)
