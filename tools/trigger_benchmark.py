"""The trigger-word detector measured as the field measures one, on voices it never heard, beside two baselines.

On the TEST split of tools/trigger_data (whole voices, backgrounds and rooms that training and dev never use):

- event precision, recall and F1 on `--clips` labelled 10 s clips (`labelled_clips("test", ...)`), a detection
  counting for a word between 0.3 s before its end and 1.5 s after (`utils.trigger.match_events`);
- the false-reject rate against false alarms per hour, as a curve, on `--negative-seconds` of negative-only audio
  (`negative_audio("test", ...)`: speech, hard negatives, babble, noise, music), and read off it at 0.5 and 1
  false alarm an hour;
- the delay from the end of each caught word to the chime (median, 90th percentile);
- the real-time factor of `utils.trigger.probabilities` on this CPU (a 5-minute recording at 16 and 44.1 kHz);
- frame accuracy, only next to the all-zeros baseline's on the same frames.

Three detectors on the same audio:

- `ours`: the shipped weights (pretrained/trigger_word.weights.h5) at the shipped threshold, the one
  tools/train_trigger.py chose on the dev voices by the rule of `utils.trigger.choose_threshold`;
- `course_recipe`: the course's recipe, `modelf` trained on a few examples as the notebook's section on it does
  (its function is reused), at the course's threshold 0.5;
- `pocketsphinx`: keyphrase spotting with the English model of the `pocketsphinx` wheel (16 kHz, 16-bit), its
  `kws_threshold` chosen on the dev split (`--dev-clips`, `--dev-negative-seconds`) by the same rule. One decoder
  pass spots the keyphrase at every threshold of the sweep at once: the keyphrase is listed once per threshold,
  under names that share its pronunciation, and each spots on its own.

Command (from the repository root; the pool of `python -m tools.trigger_data pool` when built, see there):

    python -m tools.trigger_benchmark                   # all three; writes pretrained/trigger_benchmark.json
    python -m tools.trigger_benchmark --parts ours      # only the shipped model; the baselines' figures are kept

A partial run keeps the other detectors' figures only when they were measured on the same audio (same set, seed,
sizes and samples); otherwise it stops and says so. Each part's run time is recorded. Not part of the test suite.

The JSON: `sets` (per split: clips, words, negative_hours, voices, the set's manifest and audio SHA-256),
`detectors` -> `ours` | `course_recipe` | `pocketsphinx` -> {`threshold`, `threshold_rule`, `event` (precision,
recall, f1, tp, fp, fn), `false_reject_rate`, `false_alarms`, `false_alarms_per_hour` (at the threshold),
`on_the_test_curve` -> `0.5_fa_per_hour` | `1_fa_per_hour` -> {threshold, false_reject_rate,
false_alarms_per_hour} (the best point of the test curve within that many; null when none is), `chime_delay_ms`
(median, p90, words), `curve` (see `utils.trigger.curve_from_detections`), `real_time_factor_in_the_run`,
`run_time_s`; the two networks add `frame_accuracy` and `all_zeros_frame_accuracy` (at 0.5), `ours` its
`real_time_factor` (16 kHz and 44.1 kHz input), PocketSphinx its `dev_curve`}; `run_time_s` per run of parts.
"""

import argparse
import hashlib
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tools import trigger_data
from utils import audio, trigger
from utils.paths import PRETRAINED, ROOT
from utils.trigger_word import CLIP_MS, CLIP_SAMPLES, SAMPLE_RATE, TY, insert_ones

OUT = PRETRAINED / "trigger_benchmark.json"
CACHE = ROOT / "build" / "trigger_benchmark"  # the evaluation audio, made once (see evaluation_set)
PARTS = ("ours", "course_recipe", "pocketsphinx")
COURSE_THRESHOLD = 0.5  # the course turns probabilities into "yes" at 0.5
KWS_EXPONENTS = range(-80, 45, 5)  # the sweep of PocketSphinx's kws_threshold: 1e-80 ... 1e+40
KWS_RATE = 16000  # what PocketSphinx's English model hears
FA_TARGETS = (0.5, 1.0)  # false alarms per hour at which the false-reject rate is read off the curves
RTF_SECONDS = 300  # the recording the real-time factor is measured on


# ---------------------------------------------------------------------------------------------------------
# The audio: the same for every detector

def evaluation_set(split, n_clips, negative_seconds, seed, folder) -> dict:
    """{"clips": [(audio, word ends ms)], "negatives": iterable of 10 s chunks} of `split`, seeded, as 16-bit PCM.

    Made once and kept in CACHE (gitignored), under a key of the arguments, the set's manifest and the code that
    makes the audio; a later run with the same key reads it back. Every detector hears the audio rounded to 16
    bits, whether just made or read back, so both give the same figures.
    """
    sources = [ROOT / name for name in ("tools/trigger_data.py", "utils/audio.py", "utils/trigger_word.py")]
    key = hashlib.sha256(json.dumps([split, n_clips, negative_seconds, seed, manifest_sha256(folder),
                                     [hashlib.sha256(path.read_bytes()).hexdigest() for path in sources]]).encode())
    place = CACHE / f"{split}-{key.hexdigest()[:16]}"
    if not (place / "done").exists():
        place.mkdir(parents=True, exist_ok=True)
        clips = trigger_data.labelled_clips(split, n_clips, seed, folder=folder)
        np.save(place / "clips.npy", np.stack([pcm16(clip) for clip, _ in clips]) if clips else np.zeros((0, 0)))
        (place / "ends.json").write_text(json.dumps([list(ends) for _, ends in clips]))
        chunks = trigger_data.negative_audio(split, negative_seconds, seed + 1, folder=folder)
        n_chunks = -(-int(negative_seconds) // 10)
        negatives = np.lib.format.open_memmap(place / "negatives.npy", "w+", np.int16, (n_chunks, CLIP_SAMPLES))
        for k, chunk in enumerate(chunks):
            negatives[k] = pcm16(chunk)
        negatives.flush()
        (place / "done").write_text("")
    clips = np.load(place / "clips.npy", mmap_mode="r")
    ends = json.loads((place / "ends.json").read_text())
    negatives = np.load(place / "negatives.npy", mmap_mode="r")
    return {"clips": [(clip.astype(np.float32) / 32767, ends_ms) for clip, ends_ms in zip(clips, ends)],
            "negatives": (chunk.astype(np.float32) / 32767 for chunk in negatives), "cache": str(place)}


def pcm16(samples) -> np.ndarray:
    return np.round(np.clip(samples, -1, 1) * 32767).astype(np.int16)


def same_audio(one: dict, other: dict) -> bool:
    """Whether two `sets` entries describe the same audio: the pool's manifest may differ (its train split, say)
    when the audio made from it, and its SHA-256, do not."""
    return {k: v for k, v in one.items() if k != "manifest_sha256"} == \
        {k: v for k, v in other.items() if k != "manifest_sha256"}


def manifest_sha256(folder) -> str:
    return trigger_data.group_sha256(trigger_data.set_folder(folder), "manifest.csv")


def describe_set(split, n_clips, negative_seconds, seed, folder, clips) -> dict:
    rows = trigger_data.read_manifest(folder)
    return {"split": split, "seed": seed, "clips": n_clips, "words": sum(len(ends) for _, ends in clips),
            "negative_hours": (-(-int(negative_seconds) // 10)) * 10 / 3600,
            "voices": sorted({r["voice"] for r in rows if r["split"] == split and r["kind"] == "activate"}),
            "manifest_sha256": manifest_sha256(folder)}


# ---------------------------------------------------------------------------------------------------------
# Detectors: each reads a 10 s chunk (float32, 44.1 kHz) and returns what its curve needs

class ProbabilityDetector:
    """A network (the shipped detector, or the course's `modelf`) at a threshold: probabilities per chunk, then
    `utils.trigger.false_reject_curve`."""

    def __init__(self, model, threshold, rule):
        self.model, self.threshold, self.rule, self.seconds = model, threshold, rule, 0.0

    def read(self, chunks):
        start = time.perf_counter()
        probs = trigger.many_probabilities(chunks, SAMPLE_RATE, model=self.model)
        self.seconds += time.perf_counter() - start
        return probs

    def curve(self, positives, word_ends, negatives, hours):
        return trigger.false_reject_curve(positives, word_ends, negatives, hours=hours)

    def detections(self, probs, threshold):
        return trigger.detections(probs, threshold)


class PocketSphinxDetector:
    """PocketSphinx keyphrase spotting of "activate" at every kws_threshold of `KWS_EXPONENTS` in one pass."""

    def __init__(self):
        from pocketsphinx import Decoder

        self.thresholds = [float(f"1e{exponent}") for exponent in KWS_EXPONENTS]
        self.decoder = Decoder(lm=None, loglevel="FATAL")
        pronunciation = self.decoder.lookup_word(trigger_data.WAKE_WORD)
        self.names = [f"activatethr{k}" for k in range(len(self.thresholds))]  # one per threshold, same sounds
        for name in self.names:
            self.decoder.add_word(name, pronunciation, True)
        with tempfile.NamedTemporaryFile("w", suffix=".kws", delete=False) as listing:
            listing.writelines(f"{name} /{threshold:g}/\n" for name, threshold in zip(self.names, self.thresholds))
        self.decoder.add_kws("wake", listing.name)
        self.decoder.activate_search("wake")
        os.unlink(listing.name)
        self.threshold, self.seconds, self.rule = None, 0.0, None

    def read(self, chunks):
        return [self.read_one(chunk) for chunk in chunks]

    def read_one(self, chunk):
        """{threshold index: detection times (ms)}: each spotted keyphrase's last frame (10 ms frames), then at most
        one detection per `utils.trigger.REFRACTORY_MS`, as ours."""
        pcm = (np.clip(audio.resample(chunk, SAMPLE_RATE, KWS_RATE), -1, 1) * 32767).astype("<i2").tobytes()
        start = time.perf_counter()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, False, True)
        self.decoder.end_utt()
        found = {}
        for segment in self.decoder.seg() or []:
            found.setdefault(self.names.index(segment.word.strip()), []).append((segment.end_frame + 1) * 10.0)
        self.seconds += time.perf_counter() - start
        return {k: trigger.refractory(sorted(times)) for k, times in found.items()}

    def curve(self, positives, word_ends, negatives, hours):
        per_threshold = [[found.get(k, []) for found in positives] for k in range(len(self.thresholds))]
        false_alarms = [sum(len(found.get(k, [])) for found in negatives) for k in range(len(self.thresholds))]
        return trigger.curve_from_detections(self.thresholds, per_threshold, word_ends, false_alarms, hours)

    def detections(self, found, threshold):
        return found.get(self.thresholds.index(threshold), [])


def course_recipe_model(seed):
    """`modelf` trained by the course's recipe: the notebook's own function (utils.trigger_word)."""
    from utils import trigger_word

    train = getattr(trigger_word, "train_course_recipe", None)
    if train is None:
        raise SystemExit("utils.trigger_word has no train_course_recipe yet: run with --parts ours,pocketsphinx")
    return train(seed=seed)


# ---------------------------------------------------------------------------------------------------------
# Figures

def frame_accuracy(positives, word_ends, threshold) -> dict:
    """Frame accuracy at `threshold` on the labelled clips, and the all-zeros answer's on the same frames."""
    right = ones = frames = 0
    for probs, ends in zip(positives, word_ends):
        labels = np.zeros((1, TY))
        for end in ends:
            labels = insert_ones(labels, end)
        labels = labels[0, :len(probs)]
        right += int(np.sum((probs >= threshold) == (labels == 1)))
        ones += int(labels.sum())
        frames += len(labels)
    return {"frame_accuracy": right / frames, "all_zeros_frame_accuracy": 1 - ones / frames,
            "positive_frames": ones / frames}


def figures(detector, positives, word_ends, negatives, hours, threshold) -> dict:
    """Everything the closing note quotes for one detector at its operating `threshold` (test split)."""
    curve = detector.curve(positives, word_ends, negatives, hours)
    matches = [trigger.match_events(detector.detections(found, threshold), ends)
               for found, ends in zip(positives, word_ends)]
    scores = trigger.event_scores(matches)
    delays = [delay for match in matches for delay in match["delays_ms"]]
    false_alarms = sum(len(detector.detections(found, threshold)) for found in negatives)
    result = {"threshold": threshold, "threshold_rule": detector.rule,
              "event": {key: scores[key] for key in ("precision", "recall", "f1", "tp", "fp", "fn")},
              "false_reject_rate": 1 - scores["recall"], "false_alarms": false_alarms,
              "false_alarms_per_hour": false_alarms / hours,
              "chime_delay_ms": {"median": float(np.median(delays)) if delays else None,
                                 "p90": float(np.percentile(delays, 90)) if delays else None,
                                 "words": len(delays)},
              "on_the_test_curve": {}, "curve": curve}
    for target in FA_TARGETS:
        try:
            result["on_the_test_curve"][f"{target:g}_fa_per_hour"] = trigger.false_reject_at(curve, target)
        except ValueError:
            result["on_the_test_curve"][f"{target:g}_fa_per_hour"] = None  # no threshold of the sweep is that quiet
    return result


def real_time_factor(model, cache) -> dict:
    """Seconds of audio per second of `probabilities` on one recording: the first RTF_SECONDS of the test
    negatives (from the `cache` of `evaluation_set`) strung together, at 16 and at 44.1 kHz."""
    chunks = np.load(Path(cache) / "negatives.npy", mmap_mode="r")[:RTF_SECONDS // 10]
    recording = np.concatenate(chunks).astype(np.float32) / 32767
    seconds = len(recording) / SAMPLE_RATE
    factors = {}
    for rate in (16000, SAMPLE_RATE):
        samples = audio.resample(recording, SAMPLE_RATE, rate)
        trigger.probabilities(samples[:rate], rate, model=model)  # the first call builds the graph
        start = time.perf_counter()
        trigger.probabilities(samples, rate, model=model)
        factors[f"{rate}_hz"] = seconds / (time.perf_counter() - start)
    return {"seconds_of_audio": seconds, **factors, "cpus": os.cpu_count(), "load_average_1min": os.getloadavg()[0]}


def run(detectors, test, dev=None) -> tuple[dict, dict]:
    """Read the test (and dev) audio once, every detector on every chunk (dev: PocketSphinx only).

    Returns (what each detector made of each clip and chunk, the SHA-256 of each split's audio as 16-bit PCM with
    its word ends), so that figures kept from an earlier run are known to come from the same audio.
    """
    seen = {name: {"positives": [], "negatives": [], "dev_positives": [], "dev_negatives": []} for name in detectors}
    fingerprints = {}
    for prefix, split, data in (("", "test", test), ("dev_", "dev", dev)):
        if data is None:
            continue
        readers = {name: detector for name, detector in detectors.items()
                   if prefix == "" or isinstance(detector, PocketSphinxDetector)}
        digest = hashlib.sha256()
        start = time.perf_counter()
        for kind, items in (("positives", data["clips"]), ("negatives", data["negatives"])):
            items = iter(items)
            count = 0
            while group := list(itertools.islice(items, trigger.BATCH_WINDOWS)):
                chunks = [item[0] if kind == "positives" else item for item in group]
                for item, chunk in zip(group, chunks):
                    digest.update(pcm16(chunk).astype("<i2").tobytes())
                    digest.update(repr(list(item[1]) if kind == "positives" else []).encode())
                for name, detector in readers.items():
                    seen[name][prefix + kind].extend(detector.read(chunks))
                count += len(group)
                print(f"{split} {kind}: {count} read, {time.perf_counter() - start:.0f} s", flush=True)
        fingerprints[split] = digest.hexdigest()
    return seen, fingerprints


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.trigger_benchmark", description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
    parser.add_argument("--clips", type=int, default=200, help="labelled 10 s test clips")
    parser.add_argument("--negative-seconds", type=int, default=3600, help="negative-only test audio")
    parser.add_argument("--dev-clips", type=int, default=100, help="dev clips (PocketSphinx's threshold)")
    parser.add_argument("--dev-negative-seconds", type=int, default=1800, help="dev negatives (the same)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folder", default=None, help="the set (default: the pool when built, else data/trigger)")
    parser.add_argument("--weights", default=None, help="weights for `ours` (default: the shipped ones)")
    parser.add_argument("--threshold", type=float, default=None, help="threshold for `ours` (default: shipped)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown parts {unknown}; choose from {list(PARTS)}")
    started = time.perf_counter()
    out = Path(args.out)

    clock = time.perf_counter()
    test = evaluation_set("test", args.clips, args.negative_seconds, args.seed, args.folder)
    sets = {"test": describe_set("test", args.clips, args.negative_seconds, args.seed, args.folder, test["clips"])}
    dev = None
    if "pocketsphinx" in parts:
        dev = evaluation_set("dev", args.dev_clips, args.dev_negative_seconds, args.seed + 2, args.folder)
        sets["dev"] = describe_set("dev", args.dev_clips, args.dev_negative_seconds, args.seed + 2, args.folder,
                                   dev["clips"])
    print(f"test: {sets['test']['clips']} clips, {sets['test']['words']} words, "
          f"{sets['test']['negative_hours']:.2f} h of negatives, voices {sets['test']['voices']}", flush=True)

    detectors = {}
    if "ours" in parts:
        model = trigger.shipped_model() if args.weights is None else _model(args.weights)
        threshold = trigger.default_threshold() if args.threshold is None else args.threshold
        settings = trigger.shipped_settings() if args.threshold is None else {}
        rule = settings.get("rule", "given on the command line") if args.threshold is None else "given on the command line"
        detectors["ours"] = ProbabilityDetector(model, threshold, rule)
    if "course_recipe" in parts:
        recipe_start = time.perf_counter()
        detectors["course_recipe"] = ProbabilityDetector(course_recipe_model(args.seed), COURSE_THRESHOLD,
                                                         "the course's 0.5")
        recipe_training_s = time.perf_counter() - recipe_start
    if "pocketsphinx" in parts:
        detectors["pocketsphinx"] = PocketSphinxDetector()
    data_s = time.perf_counter() - clock

    clock = time.perf_counter()
    seen, fingerprints = run(detectors, test, dev)
    reading_s = time.perf_counter() - clock
    for split, fingerprint in fingerprints.items():
        sets[split]["audio_sha256"] = fingerprint
    hours = sets["test"]["negative_hours"]
    results = {}
    for name, detector in detectors.items():
        if isinstance(detector, PocketSphinxDetector):
            dev_curve = detector.curve(seen[name]["dev_positives"], [ends for _, ends in dev["clips"]],
                                       seen[name]["dev_negatives"], sets["dev"]["negative_hours"])
            detector.threshold = trigger.choose_threshold(dev_curve)
            detector.rule = (f"the most recall with at most {trigger.MAX_FA_PER_HOUR:g} false alarms per hour on "
                             f"the dev split ({sets['dev']['clips']} clips, {sets['dev']['negative_hours']:.2f} h)")
        word_ends = [ends for _, ends in test["clips"]]
        result = figures(detector, seen[name]["positives"], word_ends, seen[name]["negatives"], hours,
                         detector.threshold)
        if isinstance(detector, ProbabilityDetector):
            result.update(frame_accuracy(seen[name]["positives"], word_ends, COURSE_THRESHOLD))
            result["frame_accuracy_threshold"] = COURSE_THRESHOLD
        if isinstance(detector, PocketSphinxDetector):
            result["dev_curve"] = dev_curve
        audio_seconds = (len(seen[name]["positives"]) + len(seen[name]["negatives"])) * CLIP_MS / 1000
        if dev is not None and isinstance(detector, PocketSphinxDetector):
            audio_seconds += (len(seen[name]["dev_positives"]) + len(seen[name]["dev_negatives"])) * CLIP_MS / 1000
        result["real_time_factor_in_the_run"] = audio_seconds / detector.seconds
        if name == "course_recipe":
            result["training_s"] = recipe_training_s
        result["run_time_s"] = {"detector": detector.seconds}
        results[name] = result
    if "ours" in parts:
        results["ours"]["real_time_factor"] = real_time_factor(detectors["ours"].model, test["cache"])
        weights = Path(args.weights) if args.weights else PRETRAINED / trigger.WEIGHTS
        results["ours"]["weights"] = {"file": weights.name, "sha256": hashlib.sha256(weights.read_bytes()).hexdigest()}
    total_s = time.perf_counter() - started
    # What the file holds now (another part may have finished while this one ran), kept if on the same audio.
    previous = json.loads(out.read_text()) if out.exists() else {}
    kept = {name: figures_ for name, figures_ in previous.get("detectors", {}).items() if name not in parts}
    if kept and not same_audio(previous.get("sets", {}).get("test", {}), sets["test"]):
        raise SystemExit(f"{out} holds the figures of {sorted(kept)} on other test audio ({previous['sets']['test']} "
                         f"there, {sets['test']} now): run all parts")
    results = {**kept, **results}
    report = {"command": "python -m tools.trigger_benchmark " + " ".join(argv if argv is not None else sys.argv[1:]),
              "sets": {**previous.get("sets", {}), **sets} if kept else sets,
              "detectors": results,
              "run_time_s": {**(previous.get("run_time_s", {}) if kept else {}),
                             "+".join(parts): {"total": total_s, "making_audio_and_models": data_s,
                                               "reading_audio": reading_s}},
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "load_average_1min_at_end": os.getloadavg()[0]}}
    out.write_text(json.dumps(plain(report), indent=1, allow_nan=False) + "\n")
    print(summary(report), flush=True)
    print(f"wrote {out} in {total_s:.0f} s")
    return 0


def plain(value):
    """`value` for strict JSON: NaN (an undefined precision, say) becomes null, numpy numbers Python ones."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _model(weights):
    model = trigger.detector_model()
    model.load_weights(weights)
    return model


def summary(report) -> str:
    """A table of the headline figures, one row per detector (a dash where a figure is undefined)."""
    def number(value, spec):
        return "-" if value is None else format(value, spec)

    lines = [(f"{'detector':14} {'thr':>8} {'P':>6} {'R':>6} {'F1':>6} {'FRR':>6} {'FA/h':>6} "
             f"{'FRR@0.5':>8} {'FRR@1':>6} {'delay med/p90 ms':>17}")]
    for name, result in plain(report)["detectors"].items():
        event, curve_points, delay = result["event"], result["on_the_test_curve"], result["chime_delay_ms"]
        at = [number(point and point["false_reject_rate"], ".3f") for point in curve_points.values()]
        delays = f"{number(delay['median'], '.0f')}/{number(delay['p90'], '.0f')}"
        lines.append(f"{name:14} {result['threshold']:8.3g} {number(event['precision'], '6.3f'):>6} "
                     f"{number(event['recall'], '6.3f'):>6} {number(event['f1'], '6.3f'):>6} "
                     f"{number(result['false_reject_rate'], '6.3f'):>6} {result['false_alarms_per_hour']:6.2f} "
                     f"{at[0]:>8} {at[1]:>6} {delays:>17}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
