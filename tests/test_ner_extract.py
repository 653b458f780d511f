"""The named-entity tagger: entity scores, tags read per word, the shipped head and baseline, and `extract`."""

import itertools

import numpy as np
import pytest

from utils.ner import (
    ENTITY_TYPES,
    TAG_TO_ID,
    TAGS,
    Found,
    entity_scores,
    extract,
    load_baseline,
    load_tagger,
    make_resume_lines,
    tag_words,
)
from utils.ner_model import MAX_TOKENS, baseline_ids, bio_word_tags, context_head, word_tags


def test_a_perfect_prediction_scores_one_for_every_type_it_holds():
    gold = [["B-NAME", "I-NAME", "O", "B-LOCATION"]]
    report = entity_scores(gold, gold)
    assert report["micro avg"]["f1-score"] == 1.0 and report["NAME"]["support"] == 1


def test_an_entity_with_one_end_wrong_counts_as_missed_and_as_a_false_one():
    gold, predicted = [["B-NAME", "I-NAME", "O"]], [["B-NAME", "O", "O"]]
    report = entity_scores(gold, predicted)
    assert report["NAME"]["precision"] == 0.0 and report["NAME"]["recall"] == 0.0


def test_words_that_did_not_fit_count_as_outside_any_entity():
    report = entity_scores([["B-NAME", "O", "B-EMAIL"]], [["B-NAME", "O"]])
    assert report["NAME"]["recall"] == 1.0 and report["EMAIL"]["recall"] == 0.0


def test_scores_need_one_prediction_per_line():
    with pytest.raises(ValueError, match="one tag list per line"):
        entity_scores([["O"], ["O"]], [["O"]])


def test_a_word_takes_the_tag_predicted_at_its_first_piece():
    logits = np.zeros((1, 5, len(TAGS)))
    for position, tag in enumerate(["O", "B-NAME", "O", "I-NAME", "O"]):
        logits[0, position, TAG_TO_ID[tag]] = 1.0
    word_ids = np.array([[-1, 0, 0, 1, -1]])  # [CLS] word0 (two pieces) word1 [SEP]
    assert word_tags(logits, word_ids) == [["B-NAME", "I-NAME"]]


def test_bio_decoding_turns_an_inside_tag_without_a_beginning_into_a_valid_entity():
    probabilities = np.full((1, 4, len(TAGS)), 1e-3)
    for position, tag, p in ((1, "O", 0.6), (1, "B-LOCATION", 0.3), (2, "I-LOCATION", 0.9)):
        probabilities[0, position, TAG_TO_ID[tag]] = p
    word_ids = np.array([[-1, 0, 1, -1]])
    assert word_tags(np.log(probabilities), word_ids) == [["O", "I-LOCATION"]]
    assert bio_word_tags(np.log(probabilities), word_ids) == [["B-LOCATION", "I-LOCATION"]]


def test_bio_decoding_never_puts_an_inside_tag_after_another_type_or_outside():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(30, 12, len(TAGS)))
    word_ids = np.tile(np.array([-1, 0, 0, 1, 2, 3, 4, 4, 5, 6, -1, -1]), (30, 1))
    for row in bio_word_tags(logits, word_ids):
        assert len(row) == 7 and not row[0].startswith("I-")
        for before, after in itertools.pairwise(row):
            assert not after.startswith("I-") or before[2:] == after[2:], (before, after)


def test_bio_decoding_keeps_a_valid_argmax_and_reads_first_pieces():
    logits = np.zeros((1, 5, len(TAGS)))
    for position, tag in enumerate(["O", "B-NAME", "O", "I-NAME", "O"]):
        logits[0, position, TAG_TO_ID[tag]] = 3.0
    word_ids = np.array([[-1, 0, 0, 1, -1]])
    assert bio_word_tags(logits, word_ids) == word_tags(logits, word_ids) == [["B-NAME", "I-NAME"]]


def test_the_context_head_tags_a_line_the_same_however_much_padding_follows_it():
    head = context_head(input_dim=6, units=4)
    x = np.random.default_rng(1).normal(size=(1, 5, 6)).astype("float32")
    padded = np.concatenate([x, np.zeros((1, 7, 6), "float32")], axis=1)
    np.testing.assert_allclose(np.asarray(head(padded, training=False))[:, :5], np.asarray(head(x, training=False)),
                               atol=1e-5)


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


def test_extract_finds_each_entity_of_a_line_with_its_offsets(tagger):
    text = "Asha Iyer is a Data Scientist at Tata Steel, based in Pune."
    (found,) = extract([text], tagger)
    assert all(isinstance(entity, Found) and text[entity.start:entity.end] == entity.text for entity in found)
    assert ("Asha Iyer", "NAME") in [(entity.text, entity.label) for entity in found]
    assert ("Pune", "LOCATION") in [(entity.text, entity.label) for entity in found]


def test_offsets_are_characters_of_the_text_as_given_even_with_odd_spacing(tagger):
    text = "  Contact   Asha Iyer\n at  asha.iyer@gmail.com ."
    (found,) = extract([text], tagger)
    assert ("asha.iyer@gmail.com", "EMAIL", 27, 46) in found
    assert all(text[entity.start:entity.end] == entity.text for entity in found)


def test_extract_answers_one_list_per_text_in_order(tagger):
    texts = ["Skills: Python and SQL", "No entities here at all", "Contact Asha Iyer at asha@mail.com."]
    found = extract(texts, tagger)
    assert len(found) == 3 and [entity.text for entity in found[0]] == ["Python", "SQL"]
    assert {entity.label for entity in found[2]} == {"NAME", "EMAIL"}


def test_the_shipped_head_reads_held_out_phrasings(tagger):
    lines = make_resume_lines(50, seed=123, split="test")
    predicted = tag_words(tagger, [line.words for line in lines])
    report = entity_scores([line.tags for line in lines], predicted)
    assert report["micro avg"]["f1-score"] >= 0.9
    assert set(ENTITY_TYPES) <= set(report)


@pytest.mark.parametrize("texts, error, words", [
    ("Asha Iyer", TypeError, "single string"),
    (["Asha Iyer", 3], TypeError, "only strings"),
    ([], ValueError, "empty"),
    (["Asha Iyer", "  "], ValueError, r"blank.*\[1\]"),
    (["Python " * MAX_TOKENS], ValueError, "must fit in"),
])
def test_bad_input_is_refused_with_an_error_naming_it(tagger, texts, error, words):
    with pytest.raises(error, match=words):
        extract(texts, tagger)


def test_the_baseline_maps_pieces_it_never_saw_to_unk_and_padding_to_zero():
    vocabulary = np.array([5, 9, 40])
    assert baseline_ids([[101, 9, 40, 7, 0, 0]], vocabulary, pad_id=0).tolist() == [[1, 3, 4, 1, 0, 0]]


def test_the_shipped_baseline_tags_words_and_scores_below_the_pretrained_head(tagger):
    lines = make_resume_lines(50, seed=123, split="test")
    gold = [line.tags for line in lines]
    ours = entity_scores(gold, tag_words(tagger, [line.words for line in lines]))["micro avg"]["f1-score"]
    base = entity_scores(gold, tag_words(load_baseline(), [line.words for line in lines]))["micro avg"]["f1-score"]
    assert 0.0 < base < ours
