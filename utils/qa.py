"""Extractive question answering on bAbI-style stories: a seeded generator with the answer's character span, the
readers' inputs, and `answer(context, question)` with the shipped span head.

Taught in notebooks/w4l3_question_answering.ipynb; the span head, the readers, the best span and the scores are
generated from it into `utils.qa_spans`, the frozen encoder comes from `utils.encoder`, and the named-entity twin of
this module is `utils.ner`.

The stories imitate three kinds of bAbI task (Weston et al., 2015), with people, places and sentences of our own:

- "two_arguments": two facts relating places ("The office is north of the kitchen."), and a question about one of
  them, asked either way round ("What is north of the kitchen?" / "What is the office north of?");
- "single_fact": people moving between places ("Ines went to the garden."), and "Where is Ines?", answered by the
  last sentence that moves her;
- "distractors": the first kind made harder: four facts about places, with people moving between the same places
  mixed in, and a question about one fact.

Places lie on a grid, so every fact is true together with the others and every question has one answer. The answer
is always one word of the story: `QAExample.start` and `.end` give its characters in the supporting sentence,
which is what an extractive model predicts (as start and end positions over the story's tokens).

`prepare_qa` turns examples into the encoder's inputs, [CLS] question [SEP] story [SEP], with the answer's start
and end token positions (the course's character-span alignment); `token_span_to_chars` maps positions back.
`frozen_inputs` adds the frozen encoder's token vectors for the shipped reader, `scratch_inputs` the ids of the
from-scratch baseline; `predicted_answers` and `scores` (exact match, token F1) measure either; `splits` gives the
training, dev and test stories of `python -m tools.train_qa`, which trains both and writes pretrained/qa_head.weights.h5
and pretrained/qa_baseline.weights.h5. `answer` reads one story with the shipped head.
"""

import functools
import random
from dataclasses import dataclass

import numpy as np

from utils.checks import check_choice, check_number, check_same_length, check_string, check_strings
from utils.encoder import HIDDEN, MAX_LENGTH, encode_words, load_encoder, token_features, tokenize, word_pieces
from utils.paths import PRETRAINED
from utils.qa_spans import (
    FrozenFeatureReader,
    ScratchReader,
    answer_token_span,
    best_spans,
    exact_match,
    token_f1,
    token_span_to_chars,
)

PEOPLE = ("Ama", "Bruno", "Chloe", "Dmitri", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jamal", "Keiko", "Luca",
          "Maya", "Nikhil", "Olga", "Pablo")
PLACES = ("kitchen", "office", "hallway", "bathroom", "garden", "bedroom", "cellar", "garage", "library", "attic",
          "studio", "pantry", "porch", "nursery", "laundry", "lounge")
MOVES = ("went to", "moved to", "walked to", "ran to", "travelled to", "headed to", "went back to", "hurried to")
DIRECTIONS = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}
TASKS = ("two_arguments", "single_fact", "distractors")
SEQUENCE_LENGTH = 128  # word pieces of [CLS] question [SEP] story [SEP] in training; the longest stories take ~90
HEAD_FILE = PRETRAINED / "qa_head.weights.h5"  # the shipped span head, by `python -m tools.train_qa`
BASELINE_FILE = PRETRAINED / "qa_baseline.weights.h5"  # the from-scratch baseline, by the same command
SCORES_FILE = PRETRAINED / "qa_scores.json"  # both, scored on the whole dev and test splits (--score-shipped)
HEAD_CONFIG = {"embedding_dim": 128, "num_heads": 4, "fully_connected_dim": 256, "num_layers": 2, "dropout_rate": 0.1}
FEATURE_LAYERS = (0, 6)  # the encoder's embeddings (which word piece is where) and its last block (in context)
SCRATCH_CONFIG = {"num_encoder_layers": 2}  # the baseline's W4A1 Encoder, under a head like the shipped one


@dataclass(frozen=True)
class QAExample:
    """A story, a question about it, and the answer with its character span: context[start:end] == answer."""

    context: str
    question: str
    answer: str
    start: int
    end: int
    task: str
    supporting: int  # index of the sentence that answers the question


class _Story:
    """Sentences joined by spaces, remembering where each word that may be an answer lies."""

    def __init__(self):
        self.text, self.sentences = "", []  # sentences: (start, end) character spans

    def add(self, *parts) -> dict:
        """Append a sentence made of literal strings and ("key", word) pairs; return key -> (start, end) of each."""
        if self.text:
            self.text += " "
        start, where = len(self.text), {}
        for part in parts:
            if isinstance(part, tuple):
                key, part = part
                where[key] = (len(self.text), len(self.text) + len(part))
            self.text += part
        self.sentences.append((start, len(self.text)))
        return where


def _grid(rng: random.Random, n_places: int, places: tuple) -> list:
    """`n_places` - 1 facts (a, direction, b), "a is direction of b", over distinct places on a grid, each new
    place put next to one already placed."""
    names = rng.sample(places, n_places)
    position = {names[0]: (0, 0)}
    taken, facts = {(0, 0)}, []
    for name in names[1:]:
        while True:
            anchor = rng.choice(list(position))
            direction = rng.choice(tuple(DIRECTIONS))
            dx, dy = DIRECTIONS[direction]
            cell = (position[anchor][0] + dx, position[anchor][1] + dy)
            if cell not in taken:
                break
        position[name] = cell
        taken.add(cell)
        facts.append((name, direction, anchor) if rng.random() < 0.5 else (anchor, _opposite(direction), name))
    return facts


def _opposite(direction: str) -> str:
    return {"north": "south", "south": "north", "east": "west", "west": "east"}[direction]


def _relation_story(rng: random.Random, task: str, n_facts: int, n_moves: int, places: tuple, people: tuple):
    facts = _grid(rng, n_facts + 1, places)
    sentences = [("fact", fact) for fact in facts] + [("move", _move(rng, places, people)) for _ in range(n_moves)]
    rng.shuffle(sentences)
    story, asked = _Story(), rng.randrange(n_facts)
    for kind, value in sentences:
        if kind == "move":
            person, verb, place = value
            story.add(f"{person} {verb} the {place}.")
            continue
        a, direction, b = value
        where = story.add("The ", ("a", a), f" is {direction} of the ", ("b", b), ".")
        if value == facts[asked]:
            supporting = len(story.sentences) - 1
            if rng.random() < 0.5:
                question, answer, (start, end) = f"What is {direction} of the {b}?", a, where["a"]
            else:
                question, answer, (start, end) = f"What is the {a} {direction} of?", b, where["b"]
    return QAExample(story.text, question, answer, start, end, task, supporting)


def _move(rng: random.Random, places: tuple, people: tuple) -> tuple:
    return rng.choice(people), rng.choice(MOVES), rng.choice(places)


def _single_fact_story(rng: random.Random, n_sentences: int, places: tuple, people: tuple) -> QAExample:
    people = rng.sample(people, rng.randint(2, 4))
    story, last = _Story(), {}  # last: person -> (sentence index, span of the place)
    for _ in range(n_sentences):
        person, verb, place = rng.choice(people), rng.choice(MOVES), rng.choice(places)
        where = story.add(f"{person} {verb} the ", ("place", place), ".")
        last[person] = (len(story.sentences) - 1, where["place"], place)
    person = rng.choice(sorted(last))
    supporting, (start, end), place = last[person]
    return QAExample(story.text, f"Where is {person}?", place, start, end, "single_fact", supporting)


def make_stories(n: int, task: str = "two_arguments", seed: int = 0, places=PLACES, people=PEOPLE) -> list:
    """`n` stories of one `task` (see TASKS), each with a question and its answer span; same seed, same stories.

    `places` and `people` are the names the stories use (at least five distinct single words each; the defaults
    are PLACES and PEOPLE): other names make stories in words a reader was not trained on.
    """
    n = check_number(n, "n", low=1, integer=True)
    task = check_choice(task, "task", TASKS)
    places, people = _names(places, "places"), _names(people, "people")
    rng = random.Random(f"babi-{task}-{seed}")
    if task == "two_arguments":
        return [_relation_story(rng, task, 2, 0, places, people) for _ in range(n)]
    if task == "distractors":
        return [_relation_story(rng, task, 4, rng.randint(2, 4), places, people) for _ in range(n)]
    return [_single_fact_story(rng, rng.randint(2, 6), places, people) for _ in range(n)]


def _names(values, name: str) -> tuple:
    values = tuple(check_strings(values, name))
    if len(set(values)) < 5 or not all(value.isalpha() for value in values):
        raise ValueError(f"{name} must be at least five distinct single words (letters only), got {values!r}")
    return values


TRAIN = {"two_arguments": 2000, "single_fact": 3000, "distractors": 2000}  # stories per task, seed 0
DEV, TEST = 300, 500  # stories per task, seeds 1 and 2, before those also in the training set are left out
SEEDS = {"train": 0, "dev": 1, "test": 2}


def splits(scale: float = 1.0, test: int = TEST) -> dict:
    """The stories of `tools.train_qa`: {"train": [...], "dev": {task: [...]}, "test": {task: [...]}}. Training
    stories of every task (seed 0, `scale` times TRAIN); dev (seed 1) and the first `test` test stories (seed 2) of
    each task, leaving out those that also occur in the training set (same story and question)."""
    scale = check_number(scale, "scale", low=0, low_open=True)
    test = check_number(test, "test", low=1, high=TEST, integer=True)
    train = [story for task, n in TRAIN.items() for story in make_stories(max(round(n * scale), 1), task,
                                                                          SEEDS["train"])]
    seen = {(story.context, story.question) for story in train}
    held_out = {}
    for split, n in (("dev", DEV), ("test", test)):
        held_out[split] = {task: [story for story in make_stories(n, task, SEEDS[split])
                                  if (story.context, story.question) not in seen] for task in TASKS}
    return {"train": train, **held_out}


# ---------------------------------------------------------------- the encoder's inputs and the readers' arrays

def encode_questions(tokenizer, contexts, questions, sequence_length: int = SEQUENCE_LENGTH) -> dict:
    """The encoder's inputs for (question, context) pairs, [CLS] question [SEP] context [SEP], as `encode_words`
    gives them ("token_ids", "segment_ids", "padding_mask", "word_ids"), with "context_mask": True on the context's
    tokens, where an answer may start or end, and "in_question": True on the context's tokens whose word piece is
    also one of the question's (the readers' exact-match feature). Also "tokens": each context's words (`tokenize`), and "n_words_kept":
    how many of them fit (the rest was cut off at the end).

    An empty or blank context or question is a ValueError.
    """
    contexts, questions = check_strings(contexts, "contexts"), check_strings(questions, "questions")
    check_same_length(contexts=contexts, questions=questions)
    for name, texts in (("context", contexts), ("question", questions)):
        blank = [i for i, text in enumerate(texts) if not text.strip()]
        if blank:
            raise ValueError(f"the {name} is empty at positions {blank[:5]}: give text to read")
    token_lists = [tokenize(context) for context in contexts]
    inputs = encode_words(tokenizer, [[token.text for token in tokens] for tokens in token_lists], sequence_length,
                          questions=questions)
    context_mask = (inputs["word_ids"] >= 0) & (inputs["segment_ids"] == 1)  # (batch, sequence_length)
    question_mask = (inputs["segment_ids"] == 0) & inputs["padding_mask"]  # with [CLS] and [SEP], never in a context
    in_question = np.stack([np.isin(ids, ids[asked]) for ids, asked in zip(inputs["token_ids"], question_mask)])
    return {**inputs, "context_mask": context_mask, "in_question": in_question & context_mask, "tokens": token_lists,
            "n_words_kept": inputs["word_ids"].max(axis=1) + 1}


def prepare_qa(tokenizer, examples, sequence_length: int = SEQUENCE_LENGTH) -> dict:
    """The encoder's inputs for QAExamples (`encode_questions`), with "start_positions" and "end_positions"
    (batch,) of each answer, (0, 0) where truncation cut it off.

    A context or question that is empty is a ValueError; a context longer than `sequence_length` allows is
    truncated at its end.
    """
    if not isinstance(examples, list | tuple) or not examples:
        raise ValueError("examples must be a non-empty list of QAExample")
    for i, example in enumerate(examples):
        check_string(example.context, f"examples[{i}].context")
        check_string(example.question, f"examples[{i}].question")
    inputs = encode_questions(tokenizer, [example.context for example in examples],
                              [example.question for example in examples], sequence_length)
    spans = [answer_token_span(tokens, word_ids, example.start, example.end)
             for tokens, word_ids, example in zip(inputs["tokens"], inputs["word_ids"], examples)]
    starts, ends = zip(*spans)
    return {**inputs, "start_positions": np.array(starts, dtype="int32"), "end_positions": np.array(ends, dtype="int32")}


def targets(prepared: dict) -> dict:
    """The readers' training targets: {"start", "end"} token positions (batch,)."""
    return {"start": prepared["start_positions"], "end": prepared["end_positions"]}


def frozen_inputs(encoder, prepared: dict) -> dict:
    """What `FrozenFeatureReader` reads: the frozen encoder's token vectors (computed once, cached on disk by
    `token_features`) and the masks, cut to the longest row."""
    length = int(prepared["padding_mask"].sum(axis=1).max())
    features = token_features(encoder, {key: prepared[key] for key in ("token_ids", "segment_ids", "padding_mask")},
                              FEATURE_LAYERS)
    return {"features": features[:, :length], **masks(prepared, length)}


def masks(prepared: dict, length: int) -> dict:
    """The masks both readers read, cut to `length` tokens."""
    return {key: prepared[key][:, :length] for key in ("padding_mask", "context_mask", "in_question")}


# ---------------------------------------------------------------- the baseline's vocabulary

TEMPLATE_WORDS = ("The", "the", "is", "of", "What", "Where", ".", "?")  # what every story and question is built of


def scratch_vocabulary(tokenizer) -> np.ndarray:
    """The from-scratch baseline's vocabulary as a lookup (WordPiece ids,) -> its own index: 0 for [PAD], 1 for any
    piece it has no vector for ([UNK]), then [CLS], [SEP] and the pieces of every word the story generator writes.
    The baseline learns only these vectors: a word no story uses is unknown to it."""
    words = [*TEMPLATE_WORDS, *PEOPLE, *PLACES, *DIRECTIONS, *" ".join(MOVES).split()]
    known = {piece for pieces in word_pieces(tokenizer, words) for piece in pieces}
    known = sorted(known | {tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")})
    lookup = np.ones(tokenizer.vocabulary_size(), dtype="int32")  # [UNK] unless named below
    lookup[tokenizer.token_to_id("[PAD]")] = 0
    lookup[known] = np.arange(2, len(known) + 2)
    return lookup


def scratch_inputs(lookup: np.ndarray, prepared: dict) -> dict:
    """What `ScratchReader` reads: the token ids in its own vocabulary, and the masks, cut to the longest row."""
    length = int(prepared["padding_mask"].sum(axis=1).max())
    return {"token_ids": lookup[prepared["token_ids"][:, :length]], **masks(prepared, length)}


# ---------------------------------------------------------------- answers and their scores

def predicted_answers(model, inputs: dict, prepared: dict, contexts, batch_size: int = 128) -> list:
    """The answer a reader gives for each row: the text of the best span (`best_spans`) in its context, "" when
    that span is not in the context (the reader points at [CLS])."""
    spans = []
    for first in range(0, len(contexts), batch_size):  # called directly: predict would retrace for each length
        logits = model({key: value[first:first + batch_size] for key, value in inputs.items()}, training=False)
        spans.append(best_spans(np.asarray(logits["start"]), np.asarray(logits["end"])))
    spans = np.concatenate(spans)
    answers = []
    for context, tokens, word_ids, (start, end) in zip(contexts, prepared["tokens"], prepared["word_ids"], spans):
        characters = token_span_to_chars(tokens, word_ids, start, end)
        answers.append(context[characters[0]:characters[1]] if characters else "")
    return answers


def scores(predictions, examples) -> dict:
    """Mean exact match and token F1 of predicted answers against the examples' answers."""
    check_same_length(predictions=predictions, examples=examples)
    return {"exact_match": float(np.mean([exact_match(p, e.answer) for p, e in zip(predictions, examples)])),
            "f1": float(np.mean([token_f1(p, e.answer) for p, e in zip(predictions, examples)]))}


def build_reader(kind: str = "frozen", lookup=None):
    """The shipped reader's architecture, built (weights untrained): "frozen" (`FrozenFeatureReader`, the span head
    on the pretrained encoder's vectors) or "scratch" (`ScratchReader`, the W4A1 Encoder under the same head; needs
    the `lookup` of `scratch_vocabulary`)."""
    check_choice(kind, "kind", ("frozen", "scratch"))
    length = 8
    mask = np.ones((1, length), dtype=bool)
    if kind == "frozen":
        model = FrozenFeatureReader(**HEAD_CONFIG)
        model({"features": np.zeros((1, length, HIDDEN * len(FEATURE_LAYERS)), "float32"), "padding_mask": mask,
               "context_mask": mask, "in_question": mask})
    else:
        model = ScratchReader(int(lookup.max()) + 1, maximum_length=MAX_LENGTH, **SCRATCH_CONFIG, **HEAD_CONFIG)
        model({"token_ids": np.zeros((1, length), "int32"), "padding_mask": mask, "context_mask": mask,
               "in_question": mask})
    return model


@functools.cache
def _shipped_reader():
    if not HEAD_FILE.is_file():
        raise FileNotFoundError(f"The trained span head {HEAD_FILE} is missing: rebuild it with `python -m "
                                f"tools.train_qa` (pretrained/README.md)")
    encoder, model = load_encoder(), build_reader("frozen")
    model.load_weights(HEAD_FILE)
    return encoder, model


def answer(context: str, question: str) -> str:
    """The answer to `question` that a span of `context` gives, read by the pretrained encoder (frozen) and the
    shipped span head (pretrained/qa_head.weights.h5); "" when the reader finds no span in the context.

    The encoder and head are loaded on the first call (a few seconds). An empty context or question is a ValueError,
    and so is a context too long for the encoder: [CLS] question [SEP] context [SEP] must fit in 512 word pieces
    (nothing is cut off silently). The reader was trained on stories of up to about 90 pieces.
    """
    context, question = check_string(context, "context"), check_string(question, "question")
    encoder, model = _shipped_reader()
    prepared = encode_questions(encoder.tokenizer, [context], [question], MAX_LENGTH)
    n_words = len(prepared["tokens"][0])
    if prepared["n_words_kept"][0] < n_words:
        raise ValueError(f"context is too long: with the question, only {prepared['n_words_kept'][0]} of its "
                         f"{n_words} words fit in the encoder's {MAX_LENGTH} word pieces; give a shorter context")
    length = int(prepared["padding_mask"].sum())
    inputs = {key: prepared[key][:, :length] for key in ("token_ids", "segment_ids", "padding_mask")}
    features = token_features(encoder, inputs, FEATURE_LAYERS, cache=False)
    logits = model({"features": features, **masks(prepared, length)}, training=False)
    start, end = best_spans(np.asarray(logits["start"]), np.asarray(logits["end"]))[0]
    characters = token_span_to_chars(prepared["tokens"][0], prepared["word_ids"][0], start, end)
    return context[characters[0]:characters[1]] if characters else ""
