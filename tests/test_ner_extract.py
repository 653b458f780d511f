"""The named-entity tagger: entity scores, tags read per word, the shipped head and baseline, and `extract`."""

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
from utils.ner_model import MAX_TOKENS, baseline_ids, word_tags


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
