"""utils.ner: seeded synthetic résumé lines and hand-written ones, with BIO tags aligned to the words of the text."""

import pytest

from utils.encoder import load_tokenizer
from utils.ner import (
    CLAUSES,
    DEV_TEMPLATES,
    ENTITY_TYPES,
    HELD_OUT_TEMPLATES,
    IGNORE,
    MORE_CLAUSES,
    SLOT,
    STYLED_CLAUSES,
    TAG_TO_ID,
    TAGS,
    TRAIN_TEMPLATES,
    Entity,
    bio_tags,
    entities_from_tags,
    load_handwritten,
    load_handwritten_dev,
    make_composed_lines,
    make_resume_lines,
    parse_marked,
    tokenize,
)
from utils.ner_model import tokenize_and_align_labels


@pytest.fixture(scope="module")
def lines():
    return {"train": make_resume_lines(120, seed=5), "test": make_resume_lines(50, seed=5, split="test"),
            "dev": make_resume_lines(50, seed=5, split="dev"), "composed": make_composed_lines(300, seed=5),
            "styled": make_composed_lines(300, seed=5, styled=True),
            "wide": make_resume_lines(50, seed=5, split="dev", wide=True),
            "handwritten": load_handwritten(), "handwritten_dev": load_handwritten_dev()}


def test_the_same_seed_gives_the_same_lines_and_another_seed_others():
    first = make_resume_lines(12, seed=7)
    assert make_resume_lines(12, seed=7) == first
    assert make_resume_lines(12, seed=8) != first


@pytest.mark.parametrize("split", ["train", "dev", "test", "composed", "styled", "wide", "handwritten",
                                   "handwritten_dev"])
def test_every_entity_is_the_text_between_its_offsets(lines, split):
    for line in lines[split]:
        assert line.entities
        for entity in line.entities:
            assert line.text[entity.start:entity.end] == entity.text and entity.label in ENTITY_TYPES


@pytest.mark.parametrize("split", ["train", "dev", "test", "composed", "styled", "wide", "handwritten",
                                   "handwritten_dev"])
def test_tags_mark_each_entity_with_b_then_i_and_read_back_to_the_same_entities(lines, split):
    for line in lines[split]:
        tokens, tags = line.tokens, line.tags
        assert len(tags) == len(tokens) and set(tags) <= set(TAGS)
        assert sum(tag.startswith("B-") for tag in tags) == len(line.entities)
        assert entities_from_tags(line.text, tokens, tags) == list(line.entities)


@pytest.mark.parametrize("split", ["train", "dev", "test", "composed", "styled", "wide", "handwritten",
                                   "handwritten_dev"])
def test_every_entity_type_occurs(lines, split):
    assert {entity.label for line in lines[split] for entity in line.entities} == set(ENTITY_TYPES)


def test_held_out_lines_come_from_templates_the_training_lines_never_use(lines):
    assert not set(TRAIN_TEMPLATES) & set(HELD_OUT_TEMPLATES)
    assert {line.source for line in lines["train"]} == set(TRAIN_TEMPLATES)
    assert {line.source for line in lines["test"]} == set(HELD_OUT_TEMPLATES)


def test_dev_lines_come_from_a_third_family_of_templates_with_other_people(lines):
    assert not set(DEV_TEMPLATES) & (set(TRAIN_TEMPLATES) | set(HELD_OUT_TEMPLATES))
    assert {line.source for line in lines["dev"]} == set(DEV_TEMPLATES)
    names = {entity.text for split in ("dev", "test") for line in lines[split] for entity in line.entities
             if entity.label == "NAME"}
    assert len(names) > 0.9 * sum(len(lines[split]) for split in ("dev", "test")) / 2  # not the same people twice


def test_composed_lines_are_seeded(lines):
    assert make_composed_lines(30, seed=5) == lines["composed"][:30]
    assert make_composed_lines(30, seed=6) != lines["composed"][:30]
    assert {line.source for line in lines["composed"]} == {"composed"}


def test_styled_lines_are_seeded_and_differ_from_the_composed_ones(lines):
    assert make_composed_lines(30, seed=5, styled=True) == lines["styled"][:30]
    assert make_composed_lines(30, seed=6, styled=True) != lines["styled"][:30]
    assert {line.source for line in lines["styled"]} == {"styled"}
    assert not {line.text for line in lines["styled"]} & {line.text for line in lines["composed"]}


def test_styled_lines_hold_names_with_initials_and_designations_in_lower_and_upper_case(lines):
    entities = [entity for line in lines["styled"] for entity in line.entities]
    names = [entity.text for entity in entities if entity.label == "NAME"]
    designations = [entity.text for entity in entities if entity.label == "DESIGNATION"]
    assert any(". " in name for name in names)
    assert any(text == text.lower() for text in designations) and any(text == text.upper() for text in designations)


def test_styled_must_be_a_bool():
    with pytest.raises(TypeError, match="styled"):
        make_composed_lines(3, styled="yes")


def test_no_clause_of_the_composed_lines_copies_the_wording_of_a_dev_or_test_template():
    def words(template):  # the literal words of a template or clause, slots left out
        return {word.lower() for word in SLOT.sub(" ", template).split() if len(word) > 3}

    for clause in CLAUSES + MORE_CLAUSES + STYLED_CLAUSES:
        for template in DEV_TEMPLATES + HELD_OUT_TEMPLATES:
            shared = words(clause) & words(template)
            assert len(shared) < 2, (clause, template, shared)


def test_wide_lines_keep_their_templates_with_other_values_and_are_seeded(lines):
    plain = make_resume_lines(50, seed=5, split="dev")
    assert {line.source for line in lines["wide"]} == set(DEV_TEMPLATES)
    assert [line.text for line in lines["wide"]] != [line.text for line in plain]
    assert make_resume_lines(20, seed=5, split="dev", wide=True) == lines["wide"][:20]


def test_composed_skill_lists_with_other_separators_tag_each_skill_on_its_own(lines):
    joined = [line for line in lines["composed"] if " / " in line.text or " | " in line.text]
    skills = [entity for line in joined for entity in line.entities if entity.label == "SKILLS"]
    assert joined and all("/" not in skill.text.replace("A/B", "") and "|" not in skill.text for skill in skills)


def test_there_are_at_least_fifty_hand_written_lines_all_different(lines):
    texts = [line.text for line in lines["handwritten"]]
    assert len(texts) >= 50 and len(set(texts)) == len(texts)


def test_the_hand_written_dev_lines_are_at_least_fifty_and_none_is_a_test_line(lines):
    dev = [line.text for line in lines["handwritten_dev"]]
    assert len(dev) >= 50 and len(set(dev)) == len(dev)
    assert not set(dev) & {line.text for line in lines["handwritten"]}
    assert {line.source for line in lines["handwritten_dev"]} == {"handwritten"}


def test_words_are_split_at_spaces_and_at_punctuation_on_their_edges():
    text = "Skills: C++, Node.js (5+ years); mail jane.doe@mail.com. B.Sc. O'Neil"
    tokens = tokenize(text)
    assert [token.text for token in tokens] == ["Skills", ":", "C++", ",", "Node.js", "(", "5+", "years", ")", ";",
                                                "mail", "jane.doe@mail.com", ".", "B.Sc", ".", "O'Neil"]
    assert all(text[token.start:token.end] == token.text for token in tokens)


def test_an_entity_is_tagged_b_on_its_first_word_and_i_on_the_rest():
    text = "Asha Iyer lives in Pune, India."
    tags = bio_tags(text, [Entity("NAME", 0, 9, "Asha Iyer"), Entity("LOCATION", 19, 30, "Pune, India")])
    assert tags == ["B-NAME", "I-NAME", "O", "O", "B-LOCATION", "I-LOCATION", "I-LOCATION", "O"]


@pytest.mark.parametrize("entities, words", [
    ([("NAME", 0, 3)], "word boundaries"),  # "Ash" inside "Asha"
    ([("NAME", 0, 9), ("NAME", 5, 9)], "overlaps"),
    ([("PERSON", 0, 9)], "entity label"),
])
def test_entities_that_do_not_fit_the_words_are_refused(entities, words):
    with pytest.raises(ValueError, match=words):
        bio_tags("Asha Iyer lives in Pune.", entities)


def test_an_i_tag_without_a_b_before_it_still_starts_an_entity():
    text = "Asha Iyer"
    assert entities_from_tags(text, tokenize(text), ["I-NAME", "I-NAME"]) == [Entity("NAME", 0, 9, "Asha Iyer")]
    assert entities_from_tags(text, tokenize(text), ["B-NAME", "I-COMPANY"]) == [
        Entity("NAME", 0, 4, "Asha"), Entity("COMPANY", 5, 9, "Iyer")]


def test_marked_up_lines_become_text_and_spans():
    line = parse_marked("[Asha Iyer](NAME) joined [Kestrel Health](COMPANY) in [2019](GRADUATION_YEAR).")
    assert line.text == "Asha Iyer joined Kestrel Health in 2019."
    assert line.entities == (Entity("NAME", 0, 9, "Asha Iyer"), Entity("COMPANY", 17, 31, "Kestrel Health"),
                             Entity("GRADUATION_YEAR", 35, 39, "2019"))


@pytest.mark.parametrize("line, error, words", [
    ("[Asha](PERSON) is here", ValueError, "label"),
    ("[Asha Iyer(NAME) is here", ValueError, "markup"),
    ("   ", ValueError, "empty"),
    (None, TypeError, "string"),
])
def test_bad_markup_is_refused_with_a_clear_error(line, error, words):
    with pytest.raises(error, match=words):
        parse_marked(line)


@pytest.mark.parametrize("kwargs, error", [({"n": 0}, ValueError), ({"n": 2.5}, ValueError), ({"n": "3"}, TypeError),
                                           ({"n": 3, "split": "validation"}, ValueError),
                                           ({"n": 3, "wide": "yes"}, TypeError)])
def test_the_generator_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error):
        make_resume_lines(**kwargs)


@pytest.fixture(scope="module")
def tokenizer():
    return load_tokenizer()


def test_the_first_piece_of_a_word_takes_its_tag_and_the_other_pieces_are_ignored(tokenizer):
    words, tags = ["Unaffable", "Asha", "Iyer"], ["O", "B-NAME", "I-NAME"]  # "Unaffable": una ##ff ##able
    inputs = tokenize_and_align_labels(tokenizer, [words], [tags], sequence_length=10)
    assert inputs["word_ids"].tolist() == [[-1, 0, 0, 0, 1, 2, 2, -1, -1, -1]]  # "Iyer": two pieces
    name, inside = TAG_TO_ID["B-NAME"], TAG_TO_ID["I-NAME"]
    assert inputs["labels"].tolist() == [[IGNORE, 0, IGNORE, IGNORE, name, inside, IGNORE, IGNORE, IGNORE, IGNORE]]


def test_with_label_all_tokens_later_pieces_take_the_inside_tag(tokenizer):
    inputs = tokenize_and_align_labels(tokenizer, [["Asha", "Iyer"]], [["I-NAME", "B-COMPANY"]], 6,
                                       label_all_tokens=True)
    labels = [TAG_TO_ID[tag] for tag in ("I-NAME", "B-COMPANY", "I-COMPANY")]
    assert inputs["labels"].tolist() == [[IGNORE, *labels, IGNORE, IGNORE]]


def test_every_kept_word_is_labelled_exactly_once_with_its_own_tag(lines, tokenizer):
    sample = lines["train"][:20] + lines["handwritten"][:20]
    inputs = tokenize_and_align_labels(tokenizer, [line.words for line in sample], [line.tags for line in sample], 64)
    for line, labels, word_ids in zip(sample, inputs["labels"], inputs["word_ids"]):
        kept = word_ids.max() + 1
        assert kept == len(line.words)  # these lines fit in 64 tokens
        assert [TAGS[label] for label in labels if label != IGNORE] == line.tags[:kept]


def test_tag_ids_and_tag_names_give_the_same_labels(tokenizer):
    words, tags = ["Asha", "Iyer"], ["B-NAME", "I-NAME"]
    by_name = tokenize_and_align_labels(tokenizer, [words], [tags], 8)["labels"]
    by_id = tokenize_and_align_labels(tokenizer, [words], [[TAG_TO_ID[tag] for tag in tags]], 8)["labels"]
    assert by_name.tolist() == by_id.tolist()


@pytest.mark.parametrize("tags, words", [
    ([["O"]], "2 words but 1 tags"),
    ([["O", "B-PERSON"]], "not in TAGS"),
    ([["O", 99]], "not in TAGS"),
    ("O O", "one list of tags per example"),
])
def test_tags_that_do_not_match_the_words_are_refused(tokenizer, tags, words):
    with pytest.raises(ValueError, match=words):
        tokenize_and_align_labels(tokenizer, [["Asha", "Iyer"]], tags)
