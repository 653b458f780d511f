"""utils.music: the corpus generator, the tokens, music21 scores, `improvise` and rendering to sound."""

from fractions import Fraction

import numpy as np
import pytest

from utils import music
from utils.audio import read_wav, write_wav


@pytest.fixture(scope="module")
def blues():
    return music.generate_solo("blues_F", choruses=2, seed=3)


@pytest.mark.parametrize("name", list(music.PROGRESSIONS))
def test_every_progression_has_one_readable_chord_symbol_a_bar(name):
    for symbol in music.PROGRESSIONS[name]:
        root, tones = music.chord_tones(symbol)
        assert 0 <= root < 12 and len(tones) >= 3


def test_the_progressions_the_course_names_are_there():
    assert {"blues_F", "blues_Bb", "rhythm_changes_A"} <= set(music.PROGRESSIONS)
    assert sum(name.startswith("ii_V_I") for name in music.PROGRESSIONS) >= 3
    assert sum(name.startswith("ii_V_i") for name in music.PROGRESSIONS) >= 2


def test_the_four_grammar_classes_split_the_twelve_pitch_classes():
    classes = music.pitch_classes("G7", "Cmaj7")
    assert set().union(*classes.values()) == set(range(12))
    assert sum(len(members) for members in classes.values()) == 12
    assert classes["C"] == {7, 11, 2, 5}


def test_a_dominant_resolving_to_minor_takes_the_flat_ninth():
    assert 8 in music.pitch_classes("G7", "Cm6")["L"]  # A-flat
    assert 8 not in music.pitch_classes("G7", "Cmaj7")["L"]


def test_generator_is_reproducible_from_its_seed(blues):
    assert music.generate_solo("blues_F", choruses=2, seed=3) == blues
    assert music.generate_solo("blues_F", choruses=2, seed=4) != blues


@pytest.mark.parametrize("name", list(music.PROGRESSIONS))
def test_generated_events_tile_the_form_and_every_bar(name):
    solo = music.generate_solo(name, choruses=2, seed=11)
    assert sum(duration for _, duration, _ in solo.events) == solo.length == 8 * len(music.PROGRESSIONS[name])
    position = Fraction(0)
    for offset, duration, _ in solo.events:
        assert offset == position and duration > 0
        assert offset % 4 + duration <= 4, "an event crosses a barline"
        position += duration


def test_generated_notes_stay_in_a_playable_range_and_the_solo_breathes(blues):
    pitches = [pitch for _, _, pitch in blues.notes()]
    assert music.LOW - 3 <= min(pitches) and max(pitches) <= music.HIGH + 3
    assert any(pitch is None for _, _, pitch in blues.events)


def test_corpus_splits_come_from_different_seeds():
    train, test = music.make_corpus("train", 11), music.make_corpus("test", 11)
    assert [solo.progression for solo in train] == list(music.PROGRESSIONS)
    assert all(a != b for a, b in zip(train, test))


def test_tokens_name_class_duration_interval_and_position(blues):
    values = music.tokenise(blues)
    assert len(values) == len(blues.events)
    first_note = next(value for value in values if not value.startswith("R"))
    assert first_note.split(",")[2] == "*"
    for value in values:
        kind, duration, interval = music.parse_value(value)
        assert kind in (*music.CLASSES, music.REST) and duration > 0
        assert (interval is None) == (kind == music.REST)


def test_tokens_round_trip_rhythm_and_roles_exactly_and_intervals_mostly(blues):
    values = music.tokenise(blues)
    back = music.tokenise(music.detokenise(values, blues.chords, seed=5))
    assert [v.split(",")[:2] for v in back] == [v.split(",")[:2] for v in values]
    assert np.mean([a == b for a, b in zip(values, back)]) >= 0.8


def test_detokenise_fills_or_cuts_to_the_form():
    chords = music.PROGRESSIONS["ii_V_I_C"]
    short = music.detokenise(["C,1,*,@1"], chords)
    assert short.length == 16 and sum(d for _, d, _ in short.events) == 16
    long = music.detokenise(["C,2,*,@1"] + ["R,2,@1"] * 20, chords)
    assert sum(d for _, d, _ in long.events) == 16


@pytest.mark.parametrize("value", ["C,1/2", "Q,1/2,+1..2,@1", "C,0,+1..2,@1", "R,x,@1", "C,1/2,+1..2"])
def test_malformed_values_are_refused_by_name(value):
    with pytest.raises(ValueError, match="value"):
        music.parse_value(value)


def test_score_round_trip_keeps_events_and_chords(blues):
    score = music.to_score(blues)
    back = music.from_score(score)
    assert back.events == blues.events and back.chords == blues.chords


def test_score_has_four_four_a_tempo_and_a_chord_symbol_on_every_bar(blues):
    from music21 import harmony, meter, stream, tempo

    score = music.to_score(blues, tempo=150)
    part = music.solo_part(score)
    assert [ts.ratioString for ts in part.recurse().getElementsByClass(meter.TimeSignature)] == ["4/4"]
    assert [mark.number for mark in score.recurse().getElementsByClass(tempo.MetronomeMark)] == [150]
    measures = list(part.getElementsByClass(stream.Measure))
    assert len(measures) == len(blues.chords)
    for measure, symbol in zip(measures, blues.chords):
        chords = list(measure.getElementsByClass(harmony.ChordSymbol))
        assert chords and chords[0].offset == 0 and chords[0].figure == symbol
        assert sum(Fraction(n.quarterLength) for n in measure.notesAndRests
                   if not isinstance(n, harmony.ChordSymbol)) == 4


def test_unknown_progression_is_a_clear_error():
    with pytest.raises(ValueError, match="progression"):
        music.generate_solo("giant_steps")


def test_unreadable_chord_symbol_is_a_clear_error():
    with pytest.raises(ValueError, match="chord symbol"):
        music.chord_tones("Bbmaj7")  # music21 spells flats with "-"


def test_wav_round_trip(tmp_path):
    tone = 0.5 * np.sin(np.linspace(0, 200 * np.pi, 8000))
    samples, rate = read_wav(write_wav(tmp_path / "tone.wav", tone, 8000))
    assert rate == 8000 and np.max(np.abs(samples - tone)) < 1e-4


def test_write_wav_refuses_an_empty_signal(tmp_path):
    with pytest.raises(ValueError, match="samples"):
        write_wav(tmp_path / "x.wav", np.zeros(0), 8000)


def test_read_wav_names_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        read_wav(tmp_path / "missing.wav")


@pytest.mark.parametrize("engine", ["sine", "fluidsynth"])
def test_rendered_audio_is_not_silent_and_lasts_as_long_as_the_music(engine, tmp_path):
    if engine == "fluidsynth" and music.soundfont() is None:
        pytest.skip("fluidsynth or its soundfont is not installed")
    score = music.to_score(music.generate_solo("ii_V_I_C", choruses=1, seed=2))
    samples, rate = read_wav(music.render_audio(score, tmp_path / "solo.wav", sample_rate=8000, engine=engine))
    seconds = music.music_seconds(score)
    assert seconds <= len(samples) / rate <= seconds + 1.5
    assert np.sqrt(np.mean(samples ** 2)) > 0.01
    assert np.sqrt(np.mean(samples[: int(seconds * rate)] ** 2)) > 0.01


def test_render_audio_names_a_missing_folder(tmp_path, blues):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        music.render_audio(music.to_score(blues), tmp_path / "nowhere" / "solo.wav")
