"""Named entities in résumé lines: a seeded synthetic generator, BIO tags over words, and the hand-written test lines.

Taught in notebooks/w4l2_named_entity_recognition.ipynb (the data section); the encoder it fine-tunes comes from
`utils.encoder`, and the question-answering twin of this module is `utils.qa`.

The entity types are the course's résumé labels: a person's name, designation, companies worked at, college,
degree, graduation year, location, e-mail address, skills and years of experience. A line of text is cut into
words (`tokenize`, from `utils.encoder`: whitespace, with punctuation at a word's edges split off) and every word gets a BIO tag:
`B-TYPE` on an entity's first word, `I-TYPE` on the rest of it, `O` outside entities.

- `make_resume_lines(n, seed, split)`: lines filled from Faker (names, cities, companies: en_US, en_GB and en_IN)
  and from lists written here (designations, colleges, degrees, skills), in templates of two disjoint families:
  `split="train"` uses TRAIN_TEMPLATES, `split="test"` the HELD_OUT_TEMPLATES, phrased differently.
- `load_handwritten()`: the lines of data/ner_handwritten.txt, written by hand in phrasings no template uses,
  marked up as `[Asha Iyer](NAME)`; `parse_marked` reads that markup.
- `bio_tags` and `entities_from_tags` turn character spans into word tags and back.
- `tokenize_and_align_labels`: the course's step from word tags to token labels, once WordPiece has cut words
  into pieces.
"""

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from faker import Faker

from utils.checks import check_choice, check_number, check_string
from utils.encoder import Token, encode_words, tokenize  # noqa: F401  (Token: part of this module's interface)
from utils.paths import data_path

ENTITY_TYPES = ("NAME", "DESIGNATION", "COMPANY", "COLLEGE", "DEGREE", "GRADUATION_YEAR", "LOCATION", "EMAIL",
                "SKILLS", "YEARS_OF_EXPERIENCE")
TAGS = ("O", *(f"{prefix}-{kind}" for kind in ENTITY_TYPES for prefix in "BI"))  # "O", "B-NAME", "I-NAME", ...
TAG_TO_ID = {tag: i for i, tag in enumerate(TAGS)}
IGNORE = -100  # the label of tokens the loss skips (Keras and PyTorch both use -100 by convention)
HANDWRITTEN_FILE = "ner_handwritten.txt"
LOCALES = {"en_US": "USA", "en_GB": "UK", "en_IN": "India"}  # Faker locale -> how a résumé names its country

class Entity(NamedTuple):
    label: str  # one of ENTITY_TYPES
    start: int
    end: int
    text: str  # == the line's text[start:end]


@dataclass(frozen=True)
class Example:
    """One résumé line with its entities as character spans; `tokens` and `tags` are derived from them."""

    text: str
    entities: tuple  # of Entity, in reading order
    source: str = ""  # the template (generated lines) or "handwritten"

    @property
    def tokens(self) -> list:
        return tokenize(self.text)

    @property
    def words(self) -> list:
        return [token.text for token in self.tokens]

    @property
    def tags(self) -> list:
        return bio_tags(self.text, self.entities)


def bio_tags(text: str, entities) -> list:
    """The BIO tag of every word of `tokenize(text)`, given entities as (label, start, end, ...) character spans.

    ValueError when an entity does not start and end on word boundaries, overlaps another, or has an unknown label.
    """
    tokens = tokenize(text)
    starts, ends = {token.start: i for i, token in enumerate(tokens)}, {token.end: i for i, token in enumerate(tokens)}
    tags = ["O"] * len(tokens)
    for label, start, end, *_ in entities:
        check_choice(label, "entity label", ENTITY_TYPES)
        if start not in starts or end not in ends or ends[end] < starts[start]:
            raise ValueError(f"the {label} entity {text[start:end]!r} at {start}:{end} does not start and end on "
                             f"word boundaries of {text!r}")
        first, last = starts[start], ends[end]
        if any(tag != "O" for tag in tags[first:last + 1]):
            raise ValueError(f"the {label} entity {text[start:end]!r} overlaps another entity in {text!r}")
        tags[first:last + 1] = [f"B-{label}"] + [f"I-{label}"] * (last - first)
    return tags


def entities_from_tags(text: str, tokens, tags) -> list:
    """The entities that BIO `tags` over `tokens` mark in `text` (an I- tag after a different type starts a new one,
    as seqeval reads it)."""
    entities, current = [], None  # current: [label, start, end]
    for token, tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "O" or prefix == "B" or current is None or current[0] != label:
            if current is not None:
                entities.append(current)
            current = None if prefix == "O" else [label, token.start, token.end]
        else:
            current[2] = token.end
    if current is not None:
        entities.append(current)
    return [Entity(label, start, end, text[start:end]) for label, start, end in entities]


# ---------------------------------------------------------------- the generator

DESIGNATIONS = ("Software Engineer", "Data Analyst", "Data Scientist", "Project Manager", "Java Developer",
                "Business Analyst", "QA Engineer", "Network Administrator", "Accountant", "Sales Executive",
                "HR Manager", "Mechanical Engineer", "Civil Engineer", "Product Manager", "Web Developer",
                "Systems Analyst", "Technical Support Engineer", "Marketing Manager", "Operations Manager",
                "Database Administrator", "DevOps Engineer", "Graphic Designer", "Content Writer", "Team Leader",
                "Cloud Architect", "Financial Analyst", "Machine Learning Engineer", "Consultant",
                "Customer Success Manager", "Electrical Engineer")
SENIORITY = ("", "", "", "Senior ", "Junior ", "Principal ", "Associate ")
DEGREES = ("B.Tech in Computer Science", "B.E. in Electronics", "Bachelor of Engineering", "B.Sc. in Physics",
           "M.Sc. in Statistics", "MBA", "Master of Computer Applications", "Ph.D. in Chemistry", "B.Com",
           "BA in Economics", "MS in Data Science", "Diploma in Mechanical Engineering", "M.Tech in Software Systems",
           "Bachelor of Arts", "Master of Science in Finance", "BCA", "PGDM in Marketing", "LLB")
COLLEGE_PATTERNS = ("University of {city}", "{last} College", "{city} Institute of Technology",
                    "{city} State University", "St. {last}'s College", "{last} School of Management",
                    "National Institute of Technology, {city}", "{city} College of Engineering")
SKILLS = ("Python", "SQL", "Java", "machine learning", "Excel", "Tableau", "Docker", "Kubernetes", "C++",
          "project management", "React", "AWS", "Spark", "TensorFlow", "data analysis", "Linux", "Git", "Power BI",
          "customer service", "SAP", "AutoCAD", "JavaScript", "Node.js", "Scrum", "Salesforce", "negotiation",
          "statistics", "Hadoop", "Figma", "C#", "public speaking", "MATLAB", "SolidWorks", "Azure", "HTML")
NUMBER_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

# Slots in braces are entity types; the rest of a template is literal text.
TRAIN_TEMPLATES = (
    "{NAME} is a {DESIGNATION} at {COMPANY}, based in {LOCATION}.",
    "{NAME}\n{DESIGNATION} - {COMPANY}\n{LOCATION} | {EMAIL}",
    "Worked as {DESIGNATION} with {COMPANY} for {YEARS_OF_EXPERIENCE}.",
    "Education: {DEGREE}, {COLLEGE}, {GRADUATION_YEAR}",
    "Skills: {SKILLS}",
    "{NAME} - {DESIGNATION} with {YEARS_OF_EXPERIENCE} of experience in {SKILLS}.",
    "Completed {DEGREE} from {COLLEGE} in {GRADUATION_YEAR}.",
    "Contact {NAME} at {EMAIL}.",
    "Currently working at {COMPANY} in {LOCATION} as a {DESIGNATION}.",
    "{NAME} ({EMAIL}) graduated from {COLLEGE} with a {DEGREE} in {GRADUATION_YEAR}.",
    "Total experience: {YEARS_OF_EXPERIENCE}. Key skills include {SKILLS}.",
    "Previous role: {DESIGNATION}, {COMPANY}, {LOCATION}.",
)
HELD_OUT_TEMPLATES = (
    "Having spent {YEARS_OF_EXPERIENCE} at {COMPANY}, {NAME} now works as {DESIGNATION}.",
    "Alumnus of {COLLEGE} (class of {GRADUATION_YEAR}), holder of a {DEGREE}.",
    "Reach me on {EMAIL}; I live in {LOCATION} and know {SKILLS}.",
    "{COMPANY} hired {NAME} in {LOCATION} for the post of {DESIGNATION}.",
    "My toolbox: {SKILLS}. Degree: {DEGREE} ({GRADUATION_YEAR}).",
)
SPLITS = {"train": TRAIN_TEMPLATES, "test": HELD_OUT_TEMPLATES}
SLOT = re.compile(r"\{([A-Z_]+)\}")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class _Person:
    """One fictional person: every slot of a line about them is filled consistently (e-mail from their name)."""

    def __init__(self, fake: Faker, country: str, rng: random.Random):
        self.first, self.last = fake.first_name(), fake.last_name()
        city = fake.city()
        self.values = {
            "NAME": f"{self.first} {self.last}",
            "DESIGNATION": rng.choice(SENIORITY) + rng.choice(DESIGNATIONS),
            "COMPANY": fake.company(),
            "COLLEGE": rng.choice(COLLEGE_PATTERNS).format(city=fake.city(), last=fake.last_name()),
            "DEGREE": rng.choice(DEGREES),
            "GRADUATION_YEAR": str(rng.randint(1990, 2024)),
            "LOCATION": rng.choice((city, f"{city}, {country}")),
            "EMAIL": _ascii(f"{rng.choice((self.first + '.', self.first[0], ''))}{self.last}"
                            f"{rng.choice(('', str(rng.randint(1, 99))))}@{fake.free_email_domain()}").lower(),
        }
        self.rng = rng

    def years(self) -> str:
        n = self.rng.randint(1, 12)
        unit = "year" if n == 1 else "years"
        return self.rng.choice((f"{n} {unit}", f"{n}+ {unit}", f"{NUMBER_WORDS[n - 1]} {unit}", f"{n} yrs"))

    def skills(self) -> list:
        return self.rng.sample(SKILLS, self.rng.randint(1, 4))


def fill_template(template: str, person: _Person) -> Example:
    """The line `template` describes about `person`, with every entity's character span."""
    text, entities, position = "", [], 0
    for match in SLOT.finditer(template):
        text += template[position:match.start()]
        label = match.group(1)
        if label == "SKILLS":
            skills = person.skills()
            for i, skill in enumerate(skills):
                if i:
                    text += " and " if i == len(skills) - 1 else ", "
                entities.append(Entity(label, len(text), len(text) + len(skill), skill))
                text += skill
        else:
            value = person.years() if label == "YEARS_OF_EXPERIENCE" else person.values[label]
            entities.append(Entity(label, len(text), len(text) + len(value), value))
            text += value
        position = match.end()
    text += template[position:]
    bio_tags(text, entities)  # raises if a value broke the word boundaries: a bug in the lists above
    return Example(text, tuple(entities), template)


def make_resume_lines(n: int, seed: int = 0, split: str = "train") -> list:
    """`n` synthetic résumé lines with their entities; the same seed (and Faker version) gives the same lines.

    `split="train"` fills TRAIN_TEMPLATES, `split="test"` the HELD_OUT_TEMPLATES, so a test set made this way
    measures how well a model reads phrasings it never saw. Templates are used in turn, people drawn at random.
    """
    n = check_number(n, "n", low=1, integer=True)
    templates = SPLITS[check_choice(split, "split", tuple(SPLITS))]
    rng = random.Random(f"resume-{split}-{seed}")
    fakers = {}
    for i, locale in enumerate(LOCALES):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * len(LOCALES) + i + (0 if split == "train" else 10_000))
    lines = []
    for i in range(n):
        locale = rng.choice(tuple(LOCALES))
        person = _Person(fakers[locale], LOCALES[locale], rng)
        lines.append(fill_template(templates[i % len(templates)], person))
    return lines


# ---------------------------------------------------------------- the hand-written lines

MARK = re.compile(r"\[([^\[\]]+)\]\(([A-Z_]+)\)")


def parse_marked(line: str, source: str = "handwritten") -> Example:
    """A line marked up as `[Asha Iyer](NAME) joined [Tata Steel](COMPANY)` as an Example with character spans."""
    line = check_string(line, "line")
    text, entities, position = "", [], 0
    for match in MARK.finditer(line):
        text += line[position:match.start()]
        value, label = match.groups()
        check_choice(label, f"the label of [{value}]", ENTITY_TYPES)
        entities.append(Entity(label, len(text), len(text) + len(value), value))
        text += value
        position = match.end()
    text += line[position:]
    if "[" in text or "](" in text:
        raise ValueError(f"unbalanced entity markup in {line!r}: write entities as [text](LABEL)")
    bio_tags(text, entities)  # raises unless every entity starts and ends on word boundaries
    return Example(text, tuple(entities), source)


def load_handwritten(name: str = HANDWRITTEN_FILE) -> list:
    """The hand-written résumé lines of data/ner_handwritten.txt (blank lines and `#` comments skipped)."""
    lines = data_path(name).read_text(encoding="utf-8").splitlines()
    return [parse_marked(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


# ---------------------------------------------------------------- from word tags to token labels

def _tag_id(tag):
    """The id of a tag given as a string of TAGS or as an id; None for anything else."""
    if isinstance(tag, str):
        return TAG_TO_ID.get(tag)
    if isinstance(tag, int | np.integer) and not isinstance(tag, bool) and 0 <= tag < len(TAGS):
        return int(tag)
    return None


def tokenize_and_align_labels(tokenizer, examples, tags, sequence_length: int = 64,
                              label_all_tokens: bool = False) -> dict:
    """The encoder's inputs for lists of words, with one label per token: the course's alignment.

    `examples` is a list of word lists (`[line.words for line in lines]`), `tags` the matching lists of tags
    (strings from TAGS, or their ids). WordPiece may cut a word into several pieces ("Unaffable" -> "una", "##ff",
    "##able"); the first piece takes the word's tag, and the others get IGNORE (-100), which the loss skips, or, with
    `label_all_tokens`, the word's tag too, with B- turned into I- so that each entity still starts once. [CLS],
    [SEP] and [PAD] get IGNORE. Returns `encode_words`' arrays ("token_ids", "segment_ids", "padding_mask",
    "word_ids") and "labels", each (batch, sequence_length); words that do not fit are dropped from the end.
    """
    inputs = encode_words(tokenizer, examples, sequence_length)  # checks `examples` and `sequence_length`
    if isinstance(tags, str) or not isinstance(tags, list | tuple) or len(tags) != len(examples):
        raise ValueError(f"tags must be a list with one list of tags per example ({len(examples)}), "
                         f"got {type(tags).__name__} of length {len(tags) if hasattr(tags, '__len__') else '?'}")
    ids = []
    for i, (words, row) in enumerate(zip(examples, tags)):
        if len(row) != len(words):
            raise ValueError(f"example {i} has {len(words)} words but {len(row)} tags: one tag per word")
        known = [_tag_id(tag) for tag in row]
        if None in known:
            raise ValueError(f"tags[{i}] holds tags that are not in TAGS: "
                             f"{[tag for tag, id_ in zip(row, known) if id_ is None][:5]}")
        ids.append(known)
    continuation = [TAG_TO_ID[tag.replace("B-", "I-")] for tag in TAGS]  # tag id -> its label on later pieces
    labels = np.full(inputs["word_ids"].shape, IGNORE, dtype="int32")  # (batch, sequence_length)
    for row, word_ids in enumerate(inputs["word_ids"]):
        previous = -1
        for position, word in enumerate(word_ids):
            if word >= 0 and word != previous:
                labels[row, position] = ids[row][word]
            elif word >= 0 and label_all_tokens:
                labels[row, position] = continuation[ids[row][word]]
            previous = word
    return {**inputs, "labels": labels}
