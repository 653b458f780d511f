"""tools/train_ner: each source of lines prepared on its own, then stacked as one training set."""

from types import SimpleNamespace

import numpy as np
import pytest

from tools import train_ner
from utils.encoder import load_tokenizer
from utils.ner import IGNORE, parse_marked


@pytest.fixture
def encoder(monkeypatch):
    """The real tokenizer, and in place of the frozen encoder's vectors a made-up one: 1 + the piece id on every
    token, 0 on padding, so that each row's vectors show where they came from."""

    def fake_features(encoder, inputs, layers):
        return ((1.0 + inputs["token_ids"]) * inputs["padding_mask"])[..., None].repeat(2, axis=-1)

    monkeypatch.setattr(train_ner, "token_features", fake_features)
    return SimpleNamespace(tokenizer=load_tokenizer())


SHORT = [parse_marked("[Asha Iyer](NAME)")]
LONG = [parse_marked("Worked at [Blue Harbour Logistics](COMPANY) in [Pune, India](LOCATION) for [6 years]"
                     "(YEARS_OF_EXPERIENCE)"), parse_marked("Skills: [Python](SKILLS)")]


def test_sources_prepared_apart_stack_to_what_each_gives_alone_padded_to_the_longest(encoder):
    inputs, vectors = train_ner.prepare_sources(encoder, (SHORT, LONG))
    alone = [train_ner.prepare(encoder, lines) for lines in (SHORT, LONG)]
    width = alone[1][1].shape[1]
    assert alone[0][1].shape[1] < width and vectors.shape == (3, width, 2)
    assert np.array_equal(vectors[1:], alone[1][1]) and np.array_equal(inputs["labels"][1:], alone[1][0]["labels"])
    short_width = alone[0][1].shape[1]
    assert np.array_equal(vectors[0, :short_width], alone[0][1][0])
    assert np.array_equal(inputs["token_ids"][0, :short_width], alone[0][0]["token_ids"][0])


def test_the_padding_added_to_shorter_sources_is_padding_everywhere(encoder):
    inputs, vectors = train_ner.prepare_sources(encoder, (SHORT, LONG))
    short_width = train_ner.prepare(encoder, SHORT)[1].shape[1]
    pad = encoder.tokenizer.token_to_id("[PAD]")
    assert (inputs["labels"][0, short_width:] == IGNORE).all() and (inputs["word_ids"][0, short_width:] == -1).all()
    assert (inputs["token_ids"][0, short_width:] == pad).all() and not inputs["padding_mask"][0, short_width:].any()
    assert not vectors[0, short_width:].any()
