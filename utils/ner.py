"""Named entities in résumé lines: a seeded synthetic generator, BIO tags over words, and the hand-written test lines.

Taught in notebooks/w4l2_named_entity_recognition.ipynb (the data section); the encoder it reads comes from
`utils.encoder`, and the question-answering twin of this module is `utils.qa`.

The entity types are the course's résumé labels: a person's name, designation, companies worked at, college,
degree, graduation year, location, e-mail address, skills and years of experience. A line of text is cut into
words (`tokenize`, from `utils.encoder`: whitespace, with punctuation at a word's edges split off) and every word gets a BIO tag:
`B-TYPE` on an entity's first word, `I-TYPE` on the rest of it, `O` outside entities.

- `make_resume_lines(n, seed, split)`: lines filled from Faker (names, cities, companies: en_US, en_GB and en_IN)
  and from lists written here (designations, colleges, degrees, skills), in templates of three disjoint families:
  `split="train"` uses TRAIN_TEMPLATES, `split="test"` the HELD_OUT_TEMPLATES, phrased differently, and
  `split="dev"` a third family, DEV_TEMPLATES, for choices made while training.
- `load_handwritten()`: the lines of data/ner_handwritten.txt, written by hand in phrasings no template uses,
  marked up as `[Asha Iyer](NAME)`; `parse_marked` reads that markup. A test set, read once at the end of training.
- `load_handwritten_dev()`: other hand-written lines (data/ner_handwritten_dev.txt), written without looking at
  the test lines, in the same markup: with the DEV_TEMPLATES lines, the dev set that training choices are made on.
- `make_composed_lines(n, seed)`: more training lines, from short clauses joined at random (wider phrasing), with
  values from wider lists and styles (`make_resume_lines(..., wide=True)` puts those in the templates too).
- `bio_tags` and `entities_from_tags` turn character spans into word tags and back.
- `entity_scores`: seqeval's entity-level precision, recall and F1 per type (strict IOB2).
- `extract(texts)`: the entities of raw texts with character offsets, from the shipped head (`load_tagger`);
  `load_baseline` loads the from-scratch baseline, `tag_words` tags lists of words with either (valid BIO,
  `bio_word_tags`).

The tagger itself (`tokenize_and_align_labels`, `ner_head`, `word_tags`, `bio_word_tags`, the shipped
`context_head`, the baseline) is in utils/ner_model.py, exported from the notebook.
"""

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from faker import Faker

from utils.checks import check_choice, check_flag, check_number, check_string, check_strings
from utils.encoder import Token, encode_words, tokenize, word_pieces  # noqa: F401  (Token: part of this module's interface)
from utils.paths import data_path

ENTITY_TYPES = ("NAME", "DESIGNATION", "COMPANY", "COLLEGE", "DEGREE", "GRADUATION_YEAR", "LOCATION", "EMAIL",
                "SKILLS", "YEARS_OF_EXPERIENCE")
TAGS = ("O", *(f"{prefix}-{kind}" for kind in ENTITY_TYPES for prefix in "BI"))  # "O", "B-NAME", "I-NAME", ...
TAG_TO_ID = {tag: i for i, tag in enumerate(TAGS)}
IGNORE = -100  # the label of tokens the loss skips (Keras and PyTorch both use -100 by convention)
HANDWRITTEN_FILE = "ner_handwritten.txt"  # the hand-written TEST lines
HANDWRITTEN_DEV_FILE = "ner_handwritten_dev.txt"  # hand-written DEV lines, for choices made while training
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
# A third family, for choices made while training (epochs, head size): the held-out templates stay a test set.
DEV_TEMPLATES = (
    "{NAME} has been the {DESIGNATION} of {COMPANY} for the past {YEARS_OF_EXPERIENCE}.",
    "Since leaving {COLLEGE} with a {DEGREE} in {GRADUATION_YEAR}, I have lived in {LOCATION}.",
    "Questions about the role can go to {NAME} by e-mail: {EMAIL}",
    "Tools I reach for first: {SKILLS}, learned over {YEARS_OF_EXPERIENCE} on the job.",
    "Before moving to {LOCATION}, {NAME} spent some time as a {DESIGNATION} with {COMPANY}.",
)
SPLITS = {"train": TRAIN_TEMPLATES, "dev": DEV_TEMPLATES, "test": HELD_OUT_TEMPLATES}
# Faker seeds per split, so that the splits draw different people
FAKER_OFFSET = {"train": 0, "test": 10_000, "dev": 20_000, "composed": 30_000, "styled": 40_000}
SLOT = re.compile(r"\{([A-Z_]+)\}")


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class _Person:
    """One fictional person: every slot of a line about them is filled consistently (e-mail from their name)."""

    def __init__(self, fake: Faker, country: str, rng: random.Random):
        self.first, self.last = fake.first_name(), fake.last_name()
        city = fake.city().strip()  # a few en_IN cities end in a space
        self.values = {
            "NAME": f"{self.first} {self.last}",
            "DESIGNATION": rng.choice(SENIORITY) + rng.choice(DESIGNATIONS),
            "COMPANY": fake.company().strip(),
            "COLLEGE": rng.choice(COLLEGE_PATTERNS).format(city=fake.city().strip(), last=fake.last_name()),
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

    skill_list = SKILLS

    def skills(self) -> list:
        return self.rng.sample(self.skill_list, self.rng.randint(1, 4))


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


def make_resume_lines(n: int, seed: int = 0, split: str = "train", wide: bool = False) -> list:
    """`n` synthetic résumé lines with their entities; the same seed (and Faker version) gives the same lines.

    `split="train"` fills TRAIN_TEMPLATES, `split="test"` the HELD_OUT_TEMPLATES, so a test set made this way
    measures how well a model reads phrasings it never saw; `split="dev"` fills DEV_TEMPLATES, a third family
    for choices made while training. Templates are used in turn, people drawn at random. With `wide`, some of each
    person's values are redrawn from the wider lists and styles of the composed lines (`make_composed_lines`).
    """
    n = check_number(n, "n", low=1, integer=True)
    templates = SPLITS[check_choice(split, "split", tuple(SPLITS))]
    check_flag(wide, "wide")
    rng = random.Random(f"resume-{split}-{seed}" + ("-wide" if wide else ""))
    fakers = {}
    for i, locale in enumerate(LOCALES):
        fakers[locale] = Faker(locale)
        fakers[locale].seed_instance(seed * len(LOCALES) + i + FAKER_OFFSET[split])
    lines = []
    for i in range(n):
        locale = rng.choice(tuple(LOCALES))
        person = _Person(fakers[locale], LOCALES[locale], rng)
        if wide:
            _widen(person, rng, fakers[locale], LOCALES[locale])
        lines.append(fill_template(templates[i % len(templates)], person))
    return lines


# ---------------------------------------------------------------- composed lines: more phrasings for training

# Clauses, each about one or two slots with a little context, joined at random into lines of one to three clauses,
# with sentences that hold no entity at all (numbers included) mixed in. They widen what the training lines say
# without copying the wording of DEV_TEMPLATES or HELD_OUT_TEMPLATES, which stay phrasings the model never saw.
CLAUSES = (
    "{NAME}", "Name: {NAME}", "My name is {NAME}", "Candidate: {NAME}", "Profile of {NAME}",
    "{NAME} is looking for a new role", "this is the CV of {NAME}", "Prepared by {NAME}",
    "{DESIGNATION}", "Title: {DESIGNATION}", "working as a {DESIGNATION}", "I was a {DESIGNATION}",
    "promoted to {DESIGNATION}", "served as {DESIGNATION}", "position held: {DESIGNATION}",
    "a {DESIGNATION} by profession", "applying for {DESIGNATION} roles", "Role: {DESIGNATION}",
    "{COMPANY}", "Employer: {COMPANY}", "joined {COMPANY}", "employed by {COMPANY}", "{COMPANY} (full time)",
    "left {COMPANY} last spring", "Company: {COMPANY}", "an internship at {COMPANY}",
    "{DESIGNATION} at {COMPANY}", "{DESIGNATION}, {COMPANY}", "{COMPANY} - {DESIGNATION}",
    "{DESIGNATION} for {COMPANY} in {LOCATION}", "{NAME}, {DESIGNATION}", "{NAME} of {COMPANY}",
    "{LOCATION}", "based in {LOCATION}", "Location: {LOCATION}", "living in {LOCATION}", "from {LOCATION}",
    "relocated to {LOCATION}", "Address: {LOCATION}", "open to work in {LOCATION}", "near {LOCATION}",
    "{EMAIL}", "Email: {EMAIL}", "mail {EMAIL}", "e-mail address {EMAIL}", "contact: {EMAIL}",
    "email me at {EMAIL}", "{NAME} ({EMAIL})",
    "{COLLEGE}", "studied at {COLLEGE}", "College: {COLLEGE}", "a graduate of {COLLEGE}", "attended {COLLEGE}",
    "University: {COLLEGE}", "{DEGREE}", "Qualification: {DEGREE}", "holds a {DEGREE}", "completed my {DEGREE}", "graduated in {GRADUATION_YEAR}",
    "passed out in {GRADUATION_YEAR}", "Year of passing: {GRADUATION_YEAR}", "batch of {GRADUATION_YEAR}",
    "{DEGREE} from {COLLEGE}", "{DEGREE}, {COLLEGE} ({GRADUATION_YEAR})", "{COLLEGE}, {DEGREE}, {GRADUATION_YEAR}",
    "{DEGREE} ({GRADUATION_YEAR})", "{GRADUATION_YEAR}: {DEGREE}, {COLLEGE}",
    "{SKILLS}", "expert in {SKILLS}", "good at {SKILLS}", "experienced with {SKILLS}", "Technologies: {SKILLS}",
    "familiar with {SKILLS}", "hands-on with {SKILLS}", "uses {SKILLS} every day", "trained in {SKILLS}",
    "{YEARS_OF_EXPERIENCE}", "{YEARS_OF_EXPERIENCE} of experience", "Experience: {YEARS_OF_EXPERIENCE}",
    "over {YEARS_OF_EXPERIENCE}", "for {YEARS_OF_EXPERIENCE}", "with {YEARS_OF_EXPERIENCE} in the industry",
    "{YEARS_OF_EXPERIENCE} in total",
)
NO_ENTITY = ("References available on request", "Open to relocation", "Available to start immediately",
             "Curriculum vitae", "Summary", "Team player with strong communication", "Hobbies include running",
             "Worked on a range of client projects", "Driving licence held", "Objective: a challenging role",
             "Responsible for monthly reporting", "Managed a team of {number} people", "Handled {number} accounts",
             "Won a regional award in {year}", "Notice period: {number} weeks", "Volunteered at a food bank",
             "Phone: {phone}", "Languages: English", "Reduced costs by {number}%", "Page {number}")
JOINS = (", ", ". ", "; ", " | ", "\n", " - ", " and ")
EXTRA_DESIGNATIONS = ("Store Manager", "Research Assistant", "Teacher", "Lab Technician", "Architect",
                      "Recruiter", "Office Administrator", "Copy Editor", "Security Analyst", "Chief Executive Officer",
                      "Android Developer", "Payroll Specialist", "Site Engineer", "Quality Inspector",
                      "Branch Manager", "Procurement Officer", "Solutions Architect", "Frontend Developer", "Tutor",
                      "Nurse", "Pharmacist", "Logistics Coordinator", "Warehouse Supervisor", "Chef",
                      "Backend Developer", "Full Stack Developer", "Data Engineer", "UX Designer", "Product Owner",
                      "Scrum Master", "Sales Representative", "Account Manager", "Legal Counsel", "Paralegal",
                      "Civil Site Supervisor", "Production Planner", "Research Scientist", "Lecturer",
                      "Teaching Assistant", "Bookkeeper", "Auditor", "Investment Analyst", "Credit Analyst",
                      "Field Technician", "Maintenance Engineer", "Test Engineer", "Embedded Software Engineer",
                      "IT Support Specialist", "Head of Marketing", "Director of Engineering", "Chief Financial Officer",
                      "Vice President of Sales", "Intern", "Trainee Accountant", "Receptionist", "Photographer")
SENIORITY_STYLES = ("Sr. ", "Jr. ", "Lead ", "Senior ", "Assistant ", "Deputy ", "Head ", "Chief ", "Trainee ")
EXTRA_SKILLS = ("PHP", "Ruby", "Scala", "TypeScript", "MongoDB", "Redis", "Jenkins", "Ansible", "pandas", "PyTorch",
                "Jira", "SEO", "copywriting", "budgeting", "forecasting", "team leadership", "Agile",
                "Word", "PowerPoint", "accounting", "recruitment", "CAD", "welding", "first aid", "French", "Hindi",
                "negotiating contracts", "risk analysis", "Vue.js", "Django", "Flask", "GCP", "Kafka", "Airflow",
                "Go", "Rust", "Kotlin", "Swift", "R", "SAS", "SPSS", "Terraform", "PostgreSQL", "MySQL", "Oracle",
                "Snowflake", "dbt", "Looker", "Photoshop", "Illustrator", "InDesign", "Premiere Pro", "Blender",
                "Unity", "Selenium", "Cypress", "GraphQL", "REST APIs", "microservices", "Bash", "Perl", "COBOL",
                "Six Sigma", "Lean", "Kanban", "ITIL", "Tally", "QuickBooks", "payroll", "bookkeeping",
                "inventory management", "supply chain planning", "vendor management", "stakeholder management",
                "data visualisation", "A/B testing", "deep learning", "NLP", "computer vision", "Spanish", "German",
                "Tamil", "Mandarin", "sign language", "CPR", "forklift operation", "cold calling", "event planning",
                "technical writing", "UI design", "wireframing", "Revit", "ANSYS", "LabVIEW", "PLC programming")
EXTRA_DEGREES = ("Bachelor of Science", "Master of Arts in History", "BBA", "M.A. in English", "B.Arch",
                 "Bachelor of Pharmacy", "MSc in Computer Science", "Doctor of Philosophy", "B.S. in Biology",
                 "Associate Degree in Nursing", "Master of Public Health", "Executive MBA")
DEGREE_LEVELS = ("B.Tech", "B.E.", "BSc", "B.Sc.", "BSc (Hons)", "MSc", "M.Sc.", "BA", "B.A.", "MA", "M.A.", "MS",
                 "BS", "B.S.", "M.S.", "Bachelor of Science", "Master of Science", "Bachelor of Arts", "Master of Arts",
                 "Bachelor's degree", "Master's degree", "bachelor's", "master's", "PhD", "Ph.D.", "Diploma", "M.Tech",
                 "MBA", "BBA", "B.Com", "M.Com", "Postgraduate Diploma", "Certificate", "Bachelor of Engineering",
                 "Master of Engineering", "MPhil", "Doctorate")
DEGREE_FIELDS = ("Computer Science", "Mathematics", "Physics", "Chemistry", "Economics", "Mechanical Engineering",
                 "Electrical Engineering", "Civil Engineering", "Biology", "Finance", "Marketing", "English Literature",
                 "History", "Psychology", "Information Technology", "Data Science", "Statistics", "Accounting",
                 "Business Administration", "Nursing", "Graphic Design", "Chemical Engineering", "Biotechnology",
                 "Electronics and Communication", "Sociology", "Political Science", "Law", "Architecture",
                 "Environmental Science", "Hotel Management", "Journalism", "Philosophy", "Geography")
INDUSTRY_WORDS = ("Technologies", "Systems", "Solutions", "Software", "Labs", "Analytics", "Consulting", "Logistics",
                  "Foods", "Motors", "Pharma", "Healthcare", "Energy", "Textiles", "Retail", "Bank", "Capital",
                  "Insurance", "Media", "Telecom", "Networks", "Infotech", "Industries", "Engineering", "Construction",
                  "Beverages", "Steel", "Chemicals", "Airlines", "Hotels", "Studios", "Partners", "Digital",
                  "Robotics", "Finance", "Hospital", "Publishing", "Electronics", "Security", "Shipping", "Foods",
                  "Agro", "Fashion", "Games", "Biotech", "Realty", "Power", "Cement", "Dairy", "Travel", "Markets")
BRAND_HEADS = ("Blue", "North", "Silver", "Green", "Red", "Bright", "Apex", "Nova", "Summit", "Iron", "Golden", "Clear",
               "Swift", "True", "Peak", "Star", "Sun", "Oak", "Cloud", "Quantum", "Vertex", "Zen", "Orbit", "Pixel",
               "Terra", "Urban", "Prime", "Alpha", "Omni", "Sky", "Fox", "Maple", "Cedar", "Falcon", "Lotus", "Crystal")
BRAND_TAILS = ("wave", "point", "stone", "field", "bridge", "line", "works", "gate", "leaf", "path", "light", "ridge",
               "core", "craft", "logic", "soft", "tech", "ware", "mark", "scape", "hub", "nest", "forge", "ly", "io")
COMPANY_SUFFIXES = ("Inc", "Ltd", "LLC", "Pvt Ltd", "Pvt. Ltd.", "Limited", "Corp", "Corporation", "Co", "Group",
                    "Holdings", "PLC", "GmbH", "& Co", "and Sons", "International", "Global", "India", "UK")
# Real places, as résumés name them: (city, region) by country; a region is a state, a county or a province.
PLACES = {
    "USA": (("Austin", "TX"), ("Seattle", "WA"), ("Boston", "MA"), ("Denver", "CO"), ("Chicago", "IL"),
            ("San Jose", "CA"), ("Los Angeles", "CA"), ("New York", "NY"), ("Atlanta", "GA"), ("Phoenix", "AZ"),
            ("Portland", "OR"), ("Miami", "FL"), ("Dallas", "TX"), ("Pittsburgh", "PA"), ("Columbus", "OH"),
            ("Raleigh", "NC"), ("Salt Lake City", "UT"), ("Nashville", "TN"), ("Minneapolis", "MN")),
    "UK": (("London", "England"), ("Manchester", "England"), ("Birmingham", "England"), ("Bristol", "England"),
           ("Edinburgh", "Scotland"), ("Cardiff", "Wales"), ("Belfast", "Northern Ireland"), ("Sheffield", "England"),
           ("Nottingham", "England"), ("Newcastle", "England"), ("Aberdeen", "Scotland"), ("Oxford", "England"),
           ("Cambridge", "England"), ("Liverpool", "England"), ("Brighton", "England"), ("Swansea", "Wales")),
    "India": (("Mumbai", "Maharashtra"), ("Pune", "Maharashtra"), ("Bengaluru", "Karnataka"),
              ("Hyderabad", "Telangana"), ("Chennai", "Tamil Nadu"), ("Kolkata", "West Bengal"), ("Delhi", "Delhi"),
              ("Noida", "Uttar Pradesh"), ("Gurugram", "Haryana"), ("Ahmedabad", "Gujarat"), ("Jaipur", "Rajasthan"),
              ("Kochi", "Kerala"), ("Indore", "Madhya Pradesh"), ("Coimbatore", "Tamil Nadu"), ("Mysuru", "Karnataka"),
              ("Bhubaneswar", "Odisha"), ("Chandigarh", "Punjab"), ("Nagpur", "Maharashtra")),
    "Canada": (("Toronto", "Ontario"), ("Vancouver", "BC"), ("Montreal", "Quebec"), ("Calgary", "Alberta"),
               ("Ottawa", "Ontario"), ("Halifax", "Nova Scotia")),
    "Australia": (("Sydney", "NSW"), ("Melbourne", "Victoria"), ("Brisbane", "Queensland"), ("Perth", "WA"),
                  ("Adelaide", "SA")),
    "Germany": (("Berlin", "Berlin"), ("Munich", "Bavaria"), ("Hamburg", "Hamburg"), ("Frankfurt", "Hesse")),
    "Singapore": (("Singapore", ""),), "UAE": (("Dubai", ""), ("Abu Dhabi", "")),
    "Ireland": (("Dublin", ""), ("Cork", "")), "Netherlands": (("Amsterdam", ""), ("Rotterdam", "")),
    "Kenya": (("Nairobi", ""), ("Mombasa", "")), "South Africa": (("Cape Town", ""), ("Johannesburg", "")),
}
COUNTRY_NAMES = {"USA": ("USA", "US", "United States", "U.S."), "UK": ("UK", "United Kingdom", "England"),
                 "India": ("India",)}
EXTRA_COLLEGE_PATTERNS = ("{city} University", "University of {city}", "Indian Institute of Technology {city}",
                          "IIT {city}", "{brand} University", "University College {city}",
                          "{last} Institute of Management", "{city} Polytechnic", "{region} State University",
                          "{last} University", "{city} Business School", "Government College, {city}",
                          "{brand} Institute of Technology", "{city} Community College", "{last} Academy",
                          "{city} School of Economics", "{last} Medical College", "{brand} College of Arts")
DATE_RANGES = ("2015 - 2019", "2018 to 2021", "Jan 2020 - present", "2012-2016", "since 2017", "2019 - now",
               "Mar 2014 - Aug 2018", "2021-present", "2010 to 2013", "June 2016 - May 2020")


def _company(rng: random.Random, fake: Faker) -> str:
    """A company name in one of several styles: Faker's, a coined brand with an industry word, a family name with
    one, initials with one; sometimes a legal suffix."""
    style = rng.randrange(6)
    if style == 0:
        return fake.company().strip()
    industry = rng.choice(INDUSTRY_WORDS)
    brand = rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS)
    name = (f"{brand} {industry}", brand, f"{fake.last_name()} {industry}",
            "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(rng.randint(2, 4))) + f" {industry}",
            f"{rng.choice(BRAND_HEADS)} {industry}")[style - 1]
    if rng.random() < 0.35:
        name += " " + rng.choice(COMPANY_SUFFIXES)
    return name


def _place(rng: random.Random, fake: Faker, country: str) -> str:
    """A location as résumés write it: a real or a Faker city, with or without its region and country."""
    if rng.random() < 0.3:
        city, region = fake.city().strip(), ""
    else:
        country = rng.choice(tuple(PLACES))
        city, region = rng.choice(PLACES[country])
    country_name = rng.choice(COUNTRY_NAMES.get(country, (country,)))
    forms = [city, city, f"{city}, {country_name}"]
    if region and region != city:
        forms += [f"{city}, {region}", f"{city}, {region}, {country_name}", f"{city} ({region})"]
    return rng.choice(forms)


def _degree(rng: random.Random) -> str:
    level, field = rng.choice(DEGREE_LEVELS), rng.choice(DEGREE_FIELDS)
    return rng.choice((f"{level} in {field}", f"{level} in {field}", f"{level} ({field})", f"{level}, {field}",
                       f"{level} of {field}" if level.startswith(("Bachelor", "Master")) else level))


def _college(rng: random.Random, fake: Faker) -> str:
    city, region = rng.choice(PLACES[rng.choice(tuple(PLACES))])
    return rng.choice(EXTRA_COLLEGE_PATTERNS).format(city=city, region=region or city, last=fake.last_name(),
                                                     brand=rng.choice(BRAND_HEADS) + rng.choice(BRAND_TAILS))


def _years(rng: random.Random) -> str:
    n = rng.randint(1, 25)
    unit = rng.choice(("years", "yrs", "years'", "yr") if n > 1 else ("year", "yr"))
    forms = [f"{n} {unit}", f"{n}+ {unit}", f"{n}.5 {unit}", f"{n} {unit} {rng.randint(1, 11)} months",
             f"{rng.randint(2, 11)} months"]
    if n <= len(NUMBER_WORDS):
        forms += [f"{NUMBER_WORDS[n - 1]} {unit}", f"{NUMBER_WORDS[n - 1].capitalize()} {unit}"]
    return rng.choice(forms)


def _widen(person: _Person, rng: random.Random, fake: Faker, country: str) -> None:
    """Redraw some of `person`'s values from the wider lists and styles above (composed lines only)."""
    values = person.values
    if rng.random() < 0.5:
        values["DESIGNATION"] = rng.choice(SENIORITY + SENIORITY_STYLES) + rng.choice(EXTRA_DESIGNATIONS)
    if rng.random() < 0.15:
        values["DESIGNATION"] = values["DESIGNATION"].lower()
    if rng.random() < 0.3:
        values["DEGREE"] = rng.choice(EXTRA_DEGREES)
    elif rng.random() < 0.5:
        values["DEGREE"] = _degree(rng)
    if rng.random() < 0.6:
        values["COMPANY"] = _company(rng, fake)
    if rng.random() < 0.6:
        values["LOCATION"] = _place(rng, fake, country)
    if rng.random() < 0.5:
        values["COLLEGE"] = _college(rng, fake)
    if rng.random() < 0.1:
        values["NAME"] = rng.choice((values["NAME"].upper(), f"{person.first[0]}. {person.last}",
                                     f"{person.first} {fake.first_name()[0]}. {person.last}"))
    if rng.random() < 0.3:
        values["GRADUATION_YEAR"] = str(rng.randint(1975, 2025))
    person.skill_list = SKILLS + EXTRA_SKILLS
    if rng.random() < 0.5:
        person.years = lambda: _years(rng)


# More clauses for the composed lines: first person, résumé headings and key-value fields, dates of employment
# (not entities), bullets. Their wording is kept apart from DEV_TEMPLATES and HELD_OUT_TEMPLATES too.
MORE_CLAUSES = (
    "I am {NAME}", "Hi, I'm {NAME}", "{NAME} here", "Resume - {NAME}", "{NAME}, {LOCATION}", "Full name: {NAME}",
    "I work at {COMPANY}", "I joined {COMPANY} as a {DESIGNATION}", "{DESIGNATION} @ {COMPANY}",
    "{COMPANY} | {DESIGNATION} | {DATES}", "{DESIGNATION}, {COMPANY} ({DATES})", "{COMPANY}, {LOCATION}",
    "{COMPANY} ({DATES})", "worked for {COMPANY} from {DATES}", "currently with {COMPANY}",
    "at {COMPANY} I was the {DESIGNATION}", "my employer is {COMPANY}", "{DESIGNATION} - {COMPANY}, {LOCATION}",
    "consultant to {COMPANY}", "clients included {COMPANY}", "{COMPANY} offered me a {DESIGNATION} position",
    "{DESIGNATION} ({DATES})", "{DATES}: {DESIGNATION} at {COMPANY}", "now a {DESIGNATION}",
    "grew up in {LOCATION}", "moved to {LOCATION}", "I'm in {LOCATION}", "city: {LOCATION}",
    "{LOCATION} office", "located in {LOCATION}", "willing to relocate to {LOCATION}", "home town: {LOCATION}",
    "studied {DEGREE} at {COLLEGE}", "I hold a {DEGREE} from {COLLEGE}", "{COLLEGE} graduate",
    "{COLLEGE}, {LOCATION}", "{DEGREE} - {COLLEGE} - {GRADUATION_YEAR}", "{COLLEGE} ({GRADUATION_YEAR})",
    "finished my {DEGREE} in {GRADUATION_YEAR}", "{DEGREE} earned in {GRADUATION_YEAR}", "Degree - {DEGREE}",
    "earned a {DEGREE}", "did my {DEGREE} at {COLLEGE}", "Education - {COLLEGE}", "graduation: {GRADUATION_YEAR}",
    "class {GRADUATION_YEAR}", "completed in {GRADUATION_YEAR}", "my skills are {SKILLS}", "Key skills - {SKILLS}",
    "proficient in {SKILLS}", "strong {SKILLS} skills", "comfortable with {SKILLS}", "I use {SKILLS}",
    "built tools with {SKILLS}", "Stack: {SKILLS}", "certified in {SKILLS}", "skilled in {SKILLS}",
    "{YEARS_OF_EXPERIENCE} as a {DESIGNATION}", "{YEARS_OF_EXPERIENCE} at {COMPANY}",
    "{YEARS_OF_EXPERIENCE} in {SKILLS}", "{YEARS_OF_EXPERIENCE} of work experience", "Exp: {YEARS_OF_EXPERIENCE}",
    "nearly {YEARS_OF_EXPERIENCE}", "more than {YEARS_OF_EXPERIENCE} in sales", "worked {YEARS_OF_EXPERIENCE} there",
    "write to {EMAIL}", "E-mail - {EMAIL}", "mail: {EMAIL}", "drop a line at {EMAIL}", "my address is {EMAIL}",
    "{NAME} [{EMAIL}]",
)
BULLETS = ("• ", "- ", "* ", "> ", "o ", "1. ", "")
SKILL_JOINS = (", ", ", ", " / ", " | ", "; ", " & ", " · ")


def _fill_composed(template: str, person: _Person, rng: random.Random, skill_joins=SKILL_JOINS) -> Example:
    """`fill_template` with the separators of skill lists varied and dates of employment (never entities)."""
    template = template.replace("{DATES}", rng.choice(DATE_RANGES))
    example = fill_template(template, person)
    join = rng.choice(skill_joins)
    if join == ", ":
        return example
    text, entities, position = "", [], 0
    for i, entity in enumerate(example.entities):  # rewrite the ", " between two skills of one list
        previous = example.entities[i - 1] if i else None
        gap = example.text[position:entity.start]
        if previous is not None and previous.label == entity.label == "SKILLS" and gap == ", ":
            gap = join
        text += gap
        entities.append(Entity(entity.label, len(text), len(text) + len(entity.text), entity.text))
        text += entity.text
        position = entity.end
    text += example.text[position:]
    return Example(text, tuple(entities), example.source)


# Styled lines (`make_composed_lines(..., styled=True)`): shapes the clauses above lack (headings over lists,
# fields between pipes and dashes, more first-person prose), names with initials, middle names, particles and
# titles, designations with departments and grades, values in upper or lower case. For training only; their
# wording is kept apart from DEV_TEMPLATES and HELD_OUT_TEMPLATES too.
STYLED_CLAUSES = (
    "SKILLS: {SKILLS}", "Technical skills - {SKILLS}", "Core competencies: {SKILLS}", "Tools — {SKILLS}",
    "Programming languages: {SKILLS}", "Areas of expertise: {SKILLS}", "I'm good with {SKILLS}",
    "day to day I rely on {SKILLS}", "I picked up {SKILLS} along the way", "worked mostly in {SKILLS}",
    "{SKILLS} (advanced)", "Tooling: {SKILLS}", "Specialties - {SKILLS}", "Certifications in {SKILLS}",
    "{DESIGNATION} | {COMPANY} | {LOCATION}", "{COMPANY} — {DESIGNATION}", "{DESIGNATION} – {COMPANY}",
    "{NAME} · {EMAIL} · {LOCATION}", "{NAME} — {DESIGNATION}", "{NAME} | {DESIGNATION} | {EMAIL}",
    "{NAME} ({DESIGNATION})", "Applicant — {NAME}", "CV: {NAME}", "{NAME}, {DESIGNATION} at {COMPANY}",
    "{DEGREE} — {COLLEGE}, {GRADUATION_YEAR}", "{DEGREE}; {COLLEGE}; {GRADUATION_YEAR}",
    "{COLLEGE} — {DEGREE} ({GRADUATION_YEAR})", "EDUCATION: {DEGREE}, {COLLEGE}", "went on to do a {DEGREE}",
    "my {DEGREE} is from {COLLEGE}", "I got my {DEGREE} in {GRADUATION_YEAR}", "{GRADUATION_YEAR} — {COLLEGE}",
    "I spent {YEARS_OF_EXPERIENCE} at {COMPANY} as {DESIGNATION}", "my first job was as a {DESIGNATION} at {COMPANY}",
    "I run the {LOCATION} team at {COMPANY}", "these days I am a {DESIGNATION}", "{COMPANY} hired me",
    "{YEARS_OF_EXPERIENCE} in the field", "a {DESIGNATION} with {YEARS_OF_EXPERIENCE} behind me",
    "EXPERIENCE: {YEARS_OF_EXPERIENCE}", "Total exp. {YEARS_OF_EXPERIENCE}", "Work experience — {YEARS_OF_EXPERIENCE}",
    "inbox: {EMAIL}", "email address — {EMAIL}", "{EMAIL} (personal)", "Current city - {LOCATION}",
    "{LOCATION} (remote)", "now living near {LOCATION}", "relocating from {LOCATION}", "HQ: {LOCATION}",
)
STYLED_JOINS = (" — ", " · ", " • ", " – ", " | ")
STYLED_BULLETS = ("– ", "▪ ", "→ ", "• ", "")
STYLED_SKILL_JOINS = (" + ", " • ", " - ", ", ", "; ", " · ")
TITLES = ("Dr. ", "Mr. ", "Ms. ", "Mrs. ", "Prof. ")
NAME_PARTICLES = ("van", "van der", "de", "de la", "da", "di", "von", "bin", "al", "Le", "dos", "ter")
DEPARTMENTS = ("Finance", "Engineering", "Sales", "Marketing", "Operations", "Human Resources", "IT", "Data",
               "Customer Success", "Product", "Research", "Procurement", "Logistics", "Quality Assurance", "Risk",
               "Compliance", "Payments", "Infrastructure", "Growth", "Security", "Analytics", "Design", "Supply Chain")
GRADES = ("I", "II", "III", "IV", "2", "3")
MORE_SKILLS = ("customer research", "financial modelling", "market research", "data cleaning", "cloud security",
               "mobile development", "content strategy", "API design", "unit testing", "code review",
               "sales forecasting", "contract law", "patient care", "lesson planning", "quality control",
               "process improvement", "CRM", "Excel macros", "email marketing", "social media", "video editing",
               "3D modelling", "network security", "penetration testing", "incident response", "Windows Server",
               "Active Directory", "SharePoint", "Confluence", "Bitbucket", "GitHub Actions", "CI/CD",
               "Linux administration", "shell scripting", "Objective-C", "Flutter", "Dart", "Laravel",
               "Ruby on Rails", "ASP.NET", "Elasticsearch", "Kibana", "Grafana", "Prometheus", "BigQuery", "Redshift",
               "Databricks", "Power Automate", "Zapier", "Canva", "Xero", "SAP FICO", "Primavera P6", "STAAD Pro",
               "ETABS", "Minitab", "Stata", "NVivo", "OpenCV", "LangChain", "Keras", "NumPy", "Matplotlib", "Svelte",
               "Angular", "Next.js", "Express", "Nginx", "Helm", "OpenShift", "Arabic", "Korean", "Italian",
               "bookkeeping software", "cash handling", "time management", "conflict resolution", "mentoring")


def _cased(value: str, rng: random.Random, lower: float, upper: float) -> str:
    draw = rng.random()
    return value.lower() if draw < lower else value.upper() if draw < lower + upper else value


def _restyle(person: _Person, rng: random.Random, fake: Faker) -> None:
    """Redraw some of `person`'s values in the forms of the styled lines (names, designations, casing)."""
    values, first, last = person.values, person.first, person.last
    if rng.random() < 0.4:
        middle = fake.first_name()
        values["NAME"] = rng.choice((f"{first} {middle[0]}. {last}", f"{first[0]}. {last}", f"{first} {middle} {last}",
                                     f"{first[0]}. {middle[0]}. {last}", f"{first} {rng.choice(NAME_PARTICLES)} {last}",
                                     f"{first} {last}-{fake.last_name()}", f"{first} {last.upper()}"))
    values["NAME"] = _cased(values["NAME"], rng, 0.05, 0.1)
    if rng.random() < 0.5:
        role, department = rng.choice(DESIGNATIONS + EXTRA_DESIGNATIONS), rng.choice(DEPARTMENTS)
        values["DESIGNATION"] = rng.choice((f"{role}, {department}", f"Head of {department}", f"{department} Manager",
                                            f"Director of {department}", f"VP of {department}",
                                            f"{role} {rng.choice(GRADES)}", f"{department} {role}",
                                            f"{rng.choice(SENIORITY_STYLES)}{role}"))
    values["DESIGNATION"] = _cased(values["DESIGNATION"], rng, 0.15, 0.08)
    for label in ("COMPANY", "LOCATION", "COLLEGE", "DEGREE"):
        values[label] = _cased(values[label], rng, 0.06, 0.04)
    person.skill_list = SKILLS + EXTRA_SKILLS + MORE_SKILLS
    if rng.random() < 0.2:
        person.skill_list = tuple(skill.lower() for skill in person.skill_list)


def make_composed_lines(n: int, seed: int = 0, styled: bool = False) -> list:
    """`n` training lines of one to three CLAUSES (about one person) joined at random, with sentences that hold no
    entity mixed in; values drawn from wider lists and styles than the templates use (companies, real places,
    degrees, colleges, years), skill lists with varied separators, now and then a bullet or a line in lower case.

    With `styled`, other lines (source "styled"): the STYLED_CLAUSES too, names with initials, middle names,
    particles and titles, designations with departments and grades, more skills, separators and bullets, and
    values in upper or lower case (`_restyle`).

    For training only: the wording of DEV_TEMPLATES and HELD_OUT_TEMPLATES appears in no clause.
    """
    n = check_number(n, "n", low=1, integer=True)
    check_flag(styled, "styled")
    kind = "styled" if styled else "composed"
    rng = random.Random(f"resume-{kind}-{seed}")
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for i, faker in enumerate(fakers.values()):
        faker.seed_instance(seed * len(LOCALES) + i + FAKER_OFFSET[kind])
    clauses = CLAUSES + MORE_CLAUSES + (STYLED_CLAUSES * 2 if styled else ())
    joins, bullets = (JOINS + STYLED_JOINS, BULLETS + STYLED_BULLETS) if styled else (JOINS, BULLETS)
    lines = []
    for _ in range(n):
        locale = rng.choice(tuple(LOCALES))
        person = _Person(fakers[locale], LOCALES[locale], rng)
        _widen(person, rng, fakers[locale], LOCALES[locale])
        if styled:
            _restyle(person, rng, fakers[locale])
        parts = [rng.choice(clauses) for _ in range(rng.choice((1, 2, 2, 3, 3) if styled else (1, 2, 2, 3, 3, 4)))]
        if rng.random() < 0.3:
            filler = rng.choice(NO_ENTITY).format(number=rng.randint(2, 60), year=rng.randint(1995, 2024),
                                                 phone=fakers[locale].numerify("+## ### ### ####"))
            parts.insert(rng.randint(0, len(parts)), filler)
        template = parts[0]
        for part in parts[1:]:
            join = rng.choice(joins)
            template += join + (part[0].upper() + part[1:] if join in (". ", "\n") else part)
        if rng.random() < 0.5:
            template += "."
        template = rng.choice(bullets) + template[0].upper() + template[1:]
        if styled and rng.random() < 0.1:
            template = template.replace("{NAME}", rng.choice(TITLES) + "{NAME}", 1)
        example = _fill_composed(template, person, rng, SKILL_JOINS + STYLED_SKILL_JOINS if styled else SKILL_JOINS)
        if rng.random() < (0.1 if styled else 0.05):  # all lower case: the spans stay where they were
            example = Example(example.text.lower(), tuple(Entity(e.label, e.start, e.end, e.text.lower())
                                                          for e in example.entities), example.source)
        lines.append(Example(example.text, example.entities, kind))
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


def load_handwritten_dev() -> list:
    """The hand-written DEV lines of data/ner_handwritten_dev.txt: phrasings no template uses, for choosing the
    epoch and the set-up while training (the lines of `load_handwritten()` stay a test set)."""
    return load_handwritten(HANDWRITTEN_DEV_FILE)


# ---------------------------------------------------------------- scores, the shipped models and `extract`

# The tagger is taught in notebooks/w4l2_named_entity_recognition.ipynb, which exports utils/ner_model.py:
# `tokenize_and_align_labels`, `ner_head`, `word_tags`, `bio_word_tags`, the shipped `context_head` and the
# from-scratch `baseline_tagger`. `python -m tools.train_ner` trains the shipped head and baseline; this part loads them.
HEAD_FILE = "ner_head.weights.h5"
BASELINE_FILE = "ner_baseline.weights.h5"
HEAD_CONFIG_FILE = "ner_head.json"  # how both were trained, what they scored, and the baseline's vocabulary


def entity_scores(gold, predicted) -> dict:
    """Entity-level precision, recall, F1 and support per type, and their "micro avg", "macro avg" and
    "weighted avg", from seqeval in strict IOB2 mode: an entity counts only when its type and both its ends are
    right. `gold` and `predicted` are lists (one per line) of tag lists; a predicted list shorter than its gold one
    (words that did not fit) is padded with "O"."""
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} lines but predicted {len(predicted)}: one tag list per line each")
    predicted = [list(row) + ["O"] * (len(truth) - len(row)) for truth, row in zip(gold, predicted)]
    report = classification_report([list(row) for row in gold], predicted, mode="strict", scheme=IOB2,
                                   output_dict=True, zero_division=0)
    return {label: {key: float(value) if key != "support" else int(value) for key, value in row.items()}
            for label, row in report.items()}


class Found(NamedTuple):
    """An entity `extract` found: text[start:end] == text."""

    text: str
    label: str  # one of ENTITY_TYPES
    start: int
    end: int


@dataclass(frozen=True)
class Tagger:
    """A trained tagger and how to feed it: the encoder's tokenizer, and either the frozen `encoder` under the
    shipped head, or (with a `vocabulary` of word pieces) the from-scratch baseline."""

    tokenizer: object
    model: object  # Keras: token vectors -> tag logits (the head), or baseline piece ids -> tag logits
    encoder: object = None  # utils.encoder.Encoder, frozen (the pretrained tagger only)
    vocabulary: object = None  # the baseline's word pieces (`baseline_ids`), None for the pretrained tagger


_LOADED = {}  # (kind, path) -> Tagger: each shipped model is built once per process


def load_tagger(path=None) -> Tagger:
    """The frozen encoder under the head (`context_head`) trained by `python -m tools.train_ner`
    (pretrained/ner_head.weights.h5, or the weights file `path`)."""
    key = ("pretrained", None if path is None else str(path))
    if key not in _LOADED:
        from utils.encoder import load_encoder
        from utils.ner_model import context_head
        from utils.paths import pretrained_path

        weights = pretrained_path(HEAD_FILE) if path is None else path
        encoder = load_encoder()
        head = context_head()
        head.load_weights(str(weights))
        _LOADED[key] = Tagger(encoder.tokenizer, head, encoder=encoder)
    return _LOADED[key]


def load_baseline() -> Tagger:
    """The baseline trained by `python -m tools.train_ner`: the W4A1 Encoder from scratch under the same head
    (pretrained/ner_baseline.weights.h5; its vocabulary of word pieces is in pretrained/ner_head.json)."""
    key = ("baseline", None)
    if key not in _LOADED:
        import json

        from utils.encoder import load_tokenizer
        from utils.ner_model import baseline_tagger
        from utils.paths import pretrained_path

        vocabulary = np.array(json.loads(pretrained_path(HEAD_CONFIG_FILE).read_text())["baseline_vocabulary"])
        model = baseline_tagger(len(vocabulary))
        model.load_weights(str(pretrained_path(BASELINE_FILE)))
        _LOADED[key] = Tagger(load_tokenizer(), model, vocabulary=vocabulary)
    return _LOADED[key]


def tag_words(tagger: Tagger, word_lists, sequence_length: int | None = None, batch_size: int = 64) -> list:
    """The predicted tag of every word of each list of words, read at the word's first piece, each row the most
    probable valid BIO sequence (`bio_word_tags`). By default the rows are as long as the longest needs (at most
    MAX_TOKENS); words beyond `sequence_length` are dropped."""
    from utils.encoder import token_features
    from utils.ner_model import FEATURE_LAYER, MAX_TOKENS, baseline_ids, bio_word_tags

    if sequence_length is None:
        pieces = [sum(map(len, word_pieces(tagger.tokenizer, words))) if words else 0 for words in word_lists]
        sequence_length = min(max(pieces) + 2, MAX_TOKENS)
    inputs = encode_words(tagger.tokenizer, word_lists, sequence_length)
    if tagger.vocabulary is None:
        x = token_features(tagger.encoder, inputs, layers=(FEATURE_LAYER,), batch_size=batch_size, cache=False)
    else:
        x = baseline_ids(inputs["token_ids"], tagger.vocabulary, tagger.tokenizer.token_to_id("[PAD]"))
    return bio_word_tags(tagger.model.predict(x, batch_size=batch_size, verbose=0), inputs["word_ids"])


def extract(texts, tagger: Tagger | None = None) -> list:
    """The named entities of each text: a list per text of Found(text, label, start, end), in reading order.

    Offsets are characters of the text as given (text[start:end] == the entity's text). Uses the shipped head
    unless `tagger` is given (`load_baseline()`, say). A text must fit in MAX_TOKENS word pieces with [CLS] and
    [SEP] (about 90 words): a longer one is a ValueError naming it, never cut silently; split it into lines.
    """
    from utils.ner_model import MAX_TOKENS

    texts = check_strings(texts, "texts")
    blank = [i for i, text in enumerate(texts) if not text.strip()]
    if blank:
        raise ValueError(f"texts must not be empty or blank; these are: positions {blank[:5]}")
    tagger = tagger if tagger is not None else load_tagger()
    tokens = [tokenize(text) for text in texts]
    word_lists = [[token.text for token in row] for row in tokens]
    lengths = [sum(map(len, word_pieces(tagger.tokenizer, words))) + 2 for words in word_lists]  # with [CLS], [SEP]
    too_long = [(i, n) for i, n in enumerate(lengths) if n > MAX_TOKENS]
    if too_long:
        raise ValueError(f"texts must fit in {MAX_TOKENS} word pieces with [CLS] and [SEP], the longest input the "
                         f"encoder reads; these are longer, as (position, pieces): {too_long[:5]}. Split them (into "
                         f"lines, say) and call extract again")
    tags = tag_words(tagger, word_lists, max(lengths))
    return [[Found(entity.text, entity.label, entity.start, entity.end)
             for entity in entities_from_tags(text, row, row_tags)]
            for text, row, row_tags in zip(texts, tokens, tags)]
