"""Extractive question answering on bAbI-style stories: a seeded generator with the answer's character span.

Taught in notebooks/w4l3_question_answering.ipynb (the data section); the encoder it fine-tunes comes from
`utils.encoder`, and the named-entity twin of this module is `utils.ner`.

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
"""

import random
from dataclasses import dataclass

import numpy as np

from utils.checks import check_choice, check_number, check_string
from utils.encoder import encode_words, tokenize

PEOPLE = ("Ama", "Bruno", "Chloe", "Dmitri", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jamal", "Keiko", "Luca",
          "Maya", "Nikhil", "Olga", "Pablo")
PLACES = ("kitchen", "office", "hallway", "bathroom", "garden", "bedroom", "cellar", "garage", "library", "attic",
          "studio", "pantry", "porch", "nursery", "laundry", "lounge")
MOVES = ("went to", "moved to", "walked to", "ran to", "travelled to", "headed to", "went back to", "hurried to")
DIRECTIONS = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}
TASKS = ("two_arguments", "single_fact", "distractors")


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


def _grid(rng: random.Random, n_places: int) -> list:
    """`n_places` - 1 facts (a, direction, b), "a is direction of b", over distinct places on a grid, each new
    place put next to one already placed."""
    names = rng.sample(PLACES, n_places)
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


def _relation_story(rng: random.Random, task: str, n_facts: int, n_moves: int) -> QAExample:
    facts = _grid(rng, n_facts + 1)
    sentences = [("fact", fact) for fact in facts] + [("move", _move(rng)) for _ in range(n_moves)]
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


def _move(rng: random.Random) -> tuple:
    return rng.choice(PEOPLE), rng.choice(MOVES), rng.choice(PLACES)


def _single_fact_story(rng: random.Random, n_sentences: int) -> QAExample:
    people = rng.sample(PEOPLE, rng.randint(2, 4))
    story, last = _Story(), {}  # last: person -> (sentence index, span of the place)
    for _ in range(n_sentences):
        person, verb, place = rng.choice(people), rng.choice(MOVES), rng.choice(PLACES)
        where = story.add(f"{person} {verb} the ", ("place", place), ".")
        last[person] = (len(story.sentences) - 1, where["place"], place)
    person = rng.choice(sorted(last))
    supporting, (start, end), place = last[person]
    return QAExample(story.text, f"Where is {person}?", place, start, end, "single_fact", supporting)


def make_stories(n: int, task: str = "two_arguments", seed: int = 0) -> list:
    """`n` stories of one `task` (see TASKS), each with a question and its answer span; same seed, same stories."""
    n = check_number(n, "n", low=1, integer=True)
    task = check_choice(task, "task", TASKS)
    rng = random.Random(f"babi-{task}-{seed}")
    if task == "two_arguments":
        return [_relation_story(rng, task, n_facts=2, n_moves=0) for _ in range(n)]
    if task == "distractors":
        return [_relation_story(rng, task, n_facts=4, n_moves=rng.randint(2, 4)) for _ in range(n)]
    return [_single_fact_story(rng, n_sentences=rng.randint(2, 6)) for _ in range(n)]


# ---------------------------------------------------------------- from character spans to token positions

def answer_token_span(tokens, word_ids, start: int, end: int) -> tuple:
    """Positions of the first and last token of the answer at characters start:end of a context.

    `tokens` are the context's words (`tokenize(context)`), `word_ids` one row of `encode_words`' "word_ids". The
    answer runs from the word that holds its first character to the word that holds its last; the positions are
    those words' first and last pieces. (0, 0), the [CLS] token, when the answer was cut off by truncation.
    """
    words = [i for i, token in enumerate(tokens) if token.start < end and token.end > start]  # words it touches
    if not words:
        raise ValueError(f"the answer span {start}:{end} covers no word of the context")
    positions = np.flatnonzero(np.isin(word_ids, [words[0], words[-1]]))
    if not len(positions) or word_ids[positions[-1]] != words[-1] or word_ids[positions[0]] != words[0]:
        return 0, 0
    return int(positions[0]), int(positions[-1])


def token_span_to_chars(tokens, word_ids, start_position: int, end_position: int):
    """The characters (start, end) of the context that tokens start_position..end_position cover, or None when they
    do not lie inside the context (e.g. on [CLS], the question, or end before start)."""
    first, last = int(word_ids[start_position]), int(word_ids[end_position])
    if first < 0 or last < 0 or end_position < start_position:
        return None
    return tokens[first].start, tokens[last].end


def prepare_qa(tokenizer, examples, sequence_length: int = 64) -> dict:
    """The encoder's inputs for QAExamples, [CLS] question [SEP] context [SEP], with "start_positions" and
    "end_positions" (batch,) of each answer, (0, 0) where truncation cut it off. Also "word_ids" as `encode_words`.

    A context or question that is empty is a ValueError; a context longer than `sequence_length` allows is
    truncated at its end.
    """
    if not isinstance(examples, list | tuple) or not examples:
        raise ValueError("examples must be a non-empty list of QAExample")
    for i, example in enumerate(examples):
        check_string(example.context, f"examples[{i}].context")
        check_string(example.question, f"examples[{i}].question")
    token_lists = [tokenize(example.context) for example in examples]
    inputs = encode_words(tokenizer, [[token.text for token in tokens] for tokens in token_lists], sequence_length,
                          questions=[example.question for example in examples])
    spans = [answer_token_span(tokens, word_ids, example.start, example.end)
             for tokens, word_ids, example in zip(token_lists, inputs["word_ids"], examples)]
    starts, ends = zip(*spans)
    return {**inputs, "start_positions": np.array(starts, dtype="int32"), "end_positions": np.array(ends, dtype="int32")}
