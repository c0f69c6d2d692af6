"""Theming free text against comments coded by people.

    .venv/bin/python bench/theming.py [--data PATH] [--seed S]

Data: ../shared/data/patient-feedback/v6framework_230831.csv (7,908 NHS Friends and Family
Test comments, each coded by trained people into 50 themes; see the README beside it). With
a fixed seed, 2,000 comments are held out as the test set; `assign` is trained on the first
500, 1,000 and 2,000 of the others, everything it chooses (its calibration and floor) chosen
on those training comments alone, and scored on the test set (sample-averaged and macro F1).
`discover` runs on every comment with its own choice of k and is compared with the people's
themes on the comments they gave exactly one theme (NMI and ARI). Prints comments per second
for each step and the time to assign 10,000 comments including embedding: measured embedding
rate over all 7,908 comments plus measured training and scoring on 10,000.
"""

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from coproduce.theming.assign import macro_f1, samples_f1, train  # noqa: E402
from coproduce.theming.discover import discover  # noqa: E402
from coproduce.theming.embedding import embed, model  # noqa: E402

DATA = ROOT / ".." / "shared" / "data" / "patient-feedback" / "v6framework_230831.csv"
TEXT = "FFT answer"
FIRST_THEME_AFTER = "Comment sentiment"
TEST_SIZE = 2000
TRAIN_SIZES = (500, 1000, 2000)


def load(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    header, body = rows[0], rows[1:]
    first = header.index(FIRST_THEME_AFTER) + 1
    text_at = header.index(TEXT)
    labels = np.array([[cell == "1" for cell in row[first:]] for row in body], dtype=np.int8)
    return [row[text_at] for row in body], header[first:], labels


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=2023)
    arguments = parser.parse_args()
    texts, themes, labels = load(arguments.data)
    print(f"{len(texts):,} comments, {len(themes)} themes coded by people; seed {arguments.seed}")

    started = time.perf_counter()
    model()
    print(f"model loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    vectors = embed(texts)
    theme_vectors = embed(themes)
    embedding_seconds = time.perf_counter() - started
    embed_rate = len(texts) / embedding_seconds
    print(f"embed: {embed_rate:,.0f} comments/s ({embedding_seconds:.0f} s for all)")

    order = np.random.default_rng(arguments.seed).permutation(len(texts))
    test, pool = order[:TEST_SIZE], order[TEST_SIZE:]
    test_texts = [texts[i] for i in test]
    print(f"\nassign, scored on {TEST_SIZE:,} held-out comments")
    print(f"{'labels':>7} {'sample F1':>10} {'macro F1':>9} {'train s':>8} {'assign/s':>9}")
    for size in TRAIN_SIZES:
        chosen = pool[:size]
        started = time.perf_counter()
        classifier = train(
            [texts[i] for i in chosen],
            vectors[chosen],
            labels[chosen],
            seed=arguments.seed,
            theme_texts=themes,
            theme_embeddings=theme_vectors,
        )
        training = time.perf_counter() - started
        started = time.perf_counter()
        decisions = classifier.decide(classifier.scores(test_texts, vectors[test]))
        rate = len(test) / (time.perf_counter() - started)
        print(
            f"{size:>7,} {samples_f1(labels[test], decisions):>10.3f} "
            f"{macro_f1(labels[test], decisions):>9.3f} {training:>8.1f} {rate:>9,.0f}"
        )

    # 10,000 comments trained on 500: embedding at the measured rate, then the real work.
    many = np.resize(np.arange(len(texts)), 10_000)
    chosen = pool[:500]
    started = time.perf_counter()
    classifier = train(
        [texts[i] for i in chosen],
        vectors[chosen],
        labels[chosen],
        seed=arguments.seed,
        theme_texts=themes,
        theme_embeddings=theme_vectors,
    )
    classifier.decide(classifier.scores([texts[i] for i in many], vectors[many]))
    work = time.perf_counter() - started
    embedding_many = (10_000 + 500) / embed_rate
    print(
        f"\n10,000 comments assigned (500 labels): {embedding_many + work:.0f} s "
        f"= embedding {embedding_many:.0f} s + training and assigning {work:.1f} s"
    )

    single = labels.sum(axis=1) == 1
    truth = labels[single].argmax(axis=1)
    started = time.perf_counter()
    found = discover(texts, vectors, seed=arguments.seed)
    seconds = time.perf_counter() - started
    cluster = np.full(len(texts), -1)
    for number, theme in enumerate(found):
        cluster[theme.members] = number
    print(
        f"\ndiscover: {len(found)} themes in {seconds:.1f} s "
        f"({len(texts) / seconds:,.0f} comments/s after embedding)"
    )
    print(
        f"against the people's themes ({int(single.sum()):,} comments with one theme): "
        f"NMI {normalized_mutual_info_score(truth, cluster[single]):.3f}, "
        f"ARI {adjusted_rand_score(truth, cluster[single]):.3f}"
    )
    for theme in found[:5]:
        print(f"  {len(theme.members):>5}  {theme.label}: {', '.join(theme.keywords[3:6])}")


if __name__ == "__main__":
    main()
