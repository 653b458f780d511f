"""utils.qa: seeded bAbI-style stories whose answer is a word of the story, at the character span given."""

import dataclasses
import re

import numpy as np
import pytest

from utils.encoder import load_tokenizer, tokenize
from utils.qa import (
    BASELINE_FILE,
    HEAD_FILE,
    PLACES,
    TASKS,
    TRAIN,
    answer,
    encode_questions,
    make_stories,
    prepare_qa,
    scratch_vocabulary,
    splits,
)
from utils.qa_spans import answer_token_span, best_spans, exact_match, token_f1, token_span_to_chars


@pytest.fixture(scope="module")
def stories():
    return {task: make_stories(200, task, seed=3) for task in TASKS}


@pytest.mark.parametrize("task", TASKS)
def test_the_same_seed_gives_the_same_stories_and_another_seed_others(task):
    assert make_stories(10, task, seed=1) == make_stories(10, task, seed=1)
    assert make_stories(10, task, seed=1) != make_stories(10, task, seed=2)


@pytest.mark.parametrize("task", TASKS)
def test_the_answer_is_the_text_at_its_span_inside_the_supporting_sentence(stories, task):
    for story in stories[task]:
        assert story.context[story.start:story.end] == story.answer and story.task == task
        starts = [0] + [match.end() + 1 for match in re.finditer(r"\.(?= )", story.context)]  # of each sentence
        start = starts[story.supporting]
        end = story.context.index(".", start) + 1
        assert start <= story.start < story.end < end


def relation_answer(story):
    """The answer a reader finds by looking the question up among the story's "The a is d of the b." facts."""
    facts = re.findall(r"The (\w+) is (\w+) of the (\w+)\.", story.context)
    if match := re.fullmatch(r"What is (\w+) of the (\w+)\?", story.question):
        found = {a for a, d, b in facts if (d, b) == match.groups()}
    else:
        a_asked, d_asked = re.fullmatch(r"What is the (\w+) (\w+) of\?", story.question).groups()
        found = {b for a, d, b in facts if (a, d) == (a_asked, d_asked)}
    assert len(found) == 1, story
    return found.pop()


@pytest.mark.parametrize("task", ["two_arguments", "distractors"])
def test_relation_questions_have_the_one_answer_the_facts_give(stories, task):
    assert all(relation_answer(story) == story.answer for story in stories[task])


def test_two_argument_stories_state_two_facts_and_distractor_stories_add_people_moving(stories):
    assert all(story.context.count(".") == 2 for story in stories["two_arguments"])
    for story in stories["distractors"]:
        assert len(re.findall(r"The \w+ is \w+ of the \w+\.", story.context)) == 4
        assert 2 <= story.context.count(".") - 4 <= 4


def test_where_is_someone_is_answered_by_the_last_place_they_went(stories):
    for story in stories["single_fact"]:
        person = re.fullmatch(r"Where is (\w+)\?", story.question).group(1)
        places = re.findall(rf"{person} [a-z ]+ the (\w+)\.", story.context)
        assert places and places[-1] == story.answer


@pytest.mark.parametrize("kwargs, error", [({"n": 0}, ValueError), ({"n": 5, "task": "yes_no"}, ValueError),
                                           ({"n": "5"}, TypeError)])
def test_the_generator_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_stories(**kwargs)


@pytest.mark.parametrize("task", TASKS)
def test_other_place_names_make_stories_in_those_names_with_answers_still_at_their_spans(task):
    places = ("veranda", "greenhouse", "workshop", "chapel", "sauna", "gallery")
    for story in make_stories(20, task, seed=5, places=places):
        assert story.answer in places and story.context[story.start:story.end] == story.answer
        assert not set(re.findall(r"the (\w+)", story.context)) - set(places)


@pytest.mark.parametrize("places", [("attic", "den"), ("a b", "c", "d", "e", "f"), "attic"])
def test_too_few_names_or_names_that_are_not_single_words_are_refused(places):
    with pytest.raises((TypeError, ValueError), match="places"):
        make_stories(3, places=places)


def test_dev_and_test_stories_never_repeat_a_training_story():
    data = splits(scale=0.2, test=100)
    seen = {(story.context, story.question) for story in data["train"]}
    assert len(data["train"]) == round(0.2 * sum(TRAIN.values()))
    for split in ("dev", "test"):
        assert set(data[split]) == set(TASKS)
        assert not seen & {(s.context, s.question) for stories in data[split].values() for s in stories}
    assert all(90 <= len(stories) <= 100 for stories in data["test"].values())


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


@pytest.mark.parametrize("task", TASKS)
def test_the_answer_positions_point_back_at_the_answer_characters(stories, tokenizer, task):
    sample = stories[task][:40]
    inputs = prepare_qa(tokenizer, sample, sequence_length=128)
    for i, story in enumerate(sample):
        tokens, start, end = tokenize(story.context), inputs["start_positions"][i], inputs["end_positions"][i]
        assert 0 < start <= end and inputs["segment_ids"][i, start] == 1
        assert token_span_to_chars(tokens, inputs["word_ids"][i], start, end) == (story.start, story.end)


def test_an_answer_over_several_words_runs_from_the_first_piece_of_the_first_to_the_last_piece_of_the_last():
    tokens = tokenize("in the laundry room")
    word_ids = [-1, 0, 1, 2, 2, 3, -1]  # "laundry" in two pieces, say
    assert answer_token_span(tokens, word_ids, 7, 19) == (3, 5)
    assert answer_token_span(tokens, word_ids, 9, 12) == (3, 4)  # inside a word: the whole word


def test_an_answer_cut_off_by_truncation_points_at_cls(tokenizer):
    story = make_stories(1, "distractors", seed=0)[0]
    assert story.supporting == story.context.count(".") - 1  # the answer is in the last sentence
    inputs = prepare_qa(tokenizer, [story], sequence_length=24)
    assert (inputs["start_positions"][0], inputs["end_positions"][0]) == (0, 0)


def test_positions_outside_the_context_map_to_no_characters():
    tokens = tokenize("The office is north of the kitchen.")
    word_ids = [-1, -1, -1, 0, 1, 2, 3, 4, 5, 6, 7, -1]
    assert token_span_to_chars(tokens, word_ids, 0, 0) is None  # [CLS]
    assert token_span_to_chars(tokens, word_ids, 4, 3) is None  # end before start
    assert token_span_to_chars(tokens, word_ids, 4, 4) == (4, 10)


@pytest.mark.parametrize("change, words", [({"context": ""}, "context is empty"),
                                           ({"question": "  "}, "question is empty")])
def test_a_question_without_context_or_an_empty_question_is_refused(tokenizer, change, words):
    story = dataclasses.replace(make_stories(1, seed=0)[0], **change)
    with pytest.raises(ValueError, match=words):
        prepare_qa(tokenizer, [story])


# ---------------------------------------------------------------- inputs, the baseline's vocabulary, spans, scores

def test_answers_may_start_and_end_only_on_the_storys_tokens(tokenizer):
    inputs = encode_questions(tokenizer, ["The office is north of the kitchen."], ["What is north of the kitchen?"])
    mask, segments, word_ids = inputs["context_mask"][0], inputs["segment_ids"][0], inputs["word_ids"][0]
    assert mask.sum() == len(tokenize("The office is north of the kitchen."))
    assert np.all(segments[mask] == 1) and np.all(word_ids[mask] >= 0)
    assert not mask[0] and not mask[inputs["padding_mask"][0].sum() - 1]  # neither [CLS] nor the final [SEP]


@pytest.mark.parametrize("contexts, questions, error, words", [
    (["A story."], ["   "], ValueError, "question is empty"), ([""], ["Why?"], ValueError, "context is empty"),
    ("A story.", ["Why?"], TypeError, "contexts"), (["One.", "Two."], ["Why?"], ValueError, "same length"),
])
def test_encoding_refuses_empty_text_bare_strings_and_unpaired_questions(tokenizer, contexts, questions, error, words):
    with pytest.raises(error, match=words):
        encode_questions(tokenizer, contexts, questions)


def test_the_baseline_knows_every_piece_of_the_generated_stories_and_nothing_else(tokenizer, stories):
    lookup = scratch_vocabulary(tokenizer)
    for task in TASKS:
        inputs = prepare_qa(tokenizer, stories[task])
        real = inputs["token_ids"][inputs["padding_mask"]]
        assert np.all(lookup[real] >= 2), task  # neither [PAD] nor [UNK]
    unknown = encode_questions(tokenizer, ["The veranda is west of the kitchen."], ["What is west of the kitchen?"])
    assert lookup[unknown["token_ids"][0, unknown["context_mask"][0]]][1] == 1  # "veranda": [UNK]


def test_the_best_span_maximises_start_plus_end_with_the_end_not_before_the_start():
    start = np.array([[0.0, 5.0, 1.0, 0.0, 9.0]])
    end = np.array([[0.0, 0.0, 4.0, 8.0, 0.0]])
    assert best_spans(start, end).tolist() == [[1, 3]]  # 5 + 8; 9 + 8 would end before it starts
    assert best_spans(start, end, max_answer_tokens=2).tolist() == [[1, 2]]  # 5 + 4: at most two tokens


@pytest.mark.parametrize("prediction, truth, em, f1", [
    ("the kitchen", "Kitchen", 1.0, 1.0), ("kitchen.", "kitchen", 1.0, 1.0), ("garden", "kitchen", 0.0, 0.0),
    ("the laundry room", "laundry", 0.0, 2 / 3), ("", "kitchen", 0.0, 0.0), ("", "", 1.0, 1.0),
])
def test_exact_match_and_token_f1_compare_words_without_case_punctuation_or_articles(prediction, truth, em, f1):
    assert exact_match(prediction, truth) == em and token_f1(prediction, truth) == pytest.approx(f1)
# ---------------------------------------------------------------- answer, with the shipped head

def test_answer_finds_the_answers_of_two_argument_stories_it_was_not_trained_on():
    sample = make_stories(10, "two_arguments", seed=99)
    right = [answer(story.context, story.question) == story.answer for story in sample]
    assert sum(right) >= 9, [(story.question, story.answer) for story, ok in zip(sample, right) if not ok]


@pytest.mark.parametrize("task", TASKS)
def test_answer_is_a_place_named_in_the_story(task):
    for story in make_stories(4, task, seed=98):
        found = answer(story.context, story.question)
        assert found in PLACES and re.search(rf"\b{found}\b", story.context), (story, found)


def test_answer_reads_a_story_written_by_hand():
    context = "Mina went to the kitchen. The garden is west of the kitchen. Tom walked to the garden."
    assert answer(context, "What is the garden west of?") == "kitchen"


@pytest.mark.parametrize("context, question, error, words", [
    ("", "Where is Ama?", ValueError, "context"), ("Ama went to the attic.", "", ValueError, "question"),
    (None, "Where is Ama?", TypeError, "context"), ("Ama went to the attic.", ["Where is Ama?"], TypeError, "question"),
    ("Ama went to the attic. " * 120, "Where is Ama?", ValueError, "too long"),
])
def test_answer_refuses_what_it_cannot_read(context, question, error, words):
    with pytest.raises(error, match=words):
        answer(context, question)


@pytest.mark.parametrize("path", [HEAD_FILE, BASELINE_FILE], ids=lambda path: path.name)
def test_the_shipped_weights_are_under_five_megabytes(path):
    assert path.stat().st_size < 5_000_000
