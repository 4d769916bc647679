"""Throughput of `pantau classify` beside the bare scikit-learn pipeline (issue 3).

Usage: python bench/classify_bench.py [--posts 100000] [--home DIR]

Writes N interchange posts (cycled from the seed corpus, each with its own id), runs the real
`pantau classify` command on them in a subprocess (start-up, model load, JSON in and out,
normalisation, scoring, categories and explanations included), then times the same fitted
vectorizers and linear models on the same posts' raw text and author fields in this process.
"Bare" is scikit-learn's own TfidfVectorizer.transform on the fitted vocabularies and idf (the
reference issue 3 names); "core" is the same computation with the model's FastTfidfVectorizer
(classifier/vectorizer.py, identical matrices), i.e. what prediction itself now costs before
text preparation, explanations and JSON. Prints the figures and one JSON line. Target:
classify ≥ 70 % of the bare rate.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from classifier import Model, ModelRegistry
from classifier.corpus import iter_seed_records
from classifier.model import combiner_inputs, stack_features
from classifier.vectorizer import as_sklearn


def write_posts(path: Path, n: int) -> list[dict[str, object]]:
    seeds = [raw for _, _, raw in iter_seed_records()]
    posts = []
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            raw = {k: v for k, v in seeds[i % len(seeds)].items()
                   if k not in ("label", "category", "hard_case", "author_is_asn")}
            raw["external_id"] = f"bench-{i}"
            handle.write(json.dumps(raw, ensure_ascii=False) + "\n")
            posts.append(raw)
    return posts


def bare_rate(model: Model, posts: list[dict[str, object]], batch: int = 1000,
              sklearn: bool = True) -> float:
    """Posts/s of the fitted vectorizers + linear models alone on raw strings: with
    scikit-learn's own transform (`sklearn=True`, the reference) or the model's own."""
    state = dict(model.state)
    if sklearn:
        for key in ("text_word", "text_char", "author_word", "author_char"):
            if state.get(key) is not None:
                state[key] = as_sklearn(state[key])
    texts = [str(p["text"]) for p in posts]
    authors = ["\n".join(str(p.get("author", {}).get(k, "")) for k in ("handle", "name", "bio"))  # type: ignore[union-attr]
               for p in posts]
    start = time.perf_counter()
    for lo in range(0, len(texts), batch):
        t, a = texts[lo:lo + batch], authors[lo:lo + batch]
        tw, aw, ac = (state["text_word"].transform(t), state["author_word"].transform(a),
                      state["author_char"].transform(a))
        tc = state["text_char"].transform(t) if state.get("text_char") is not None else None
        blocks = {"text_word": tw, "author_word": aw, "author_char": ac,
                  "text_cues": sp.csr_matrix((len(t), len(state["text_cues"])), dtype=np.float32),
                  "author_cues": sp.csr_matrix((len(t), len(state["author_cues"])),
                                               dtype=np.float32)}
        if tc is not None:
            blocks["text_char"] = tc
        x_asn, x_camp = model.asn_matrix(blocks), model.campaign_matrix(blocks)
        p_asn = state["asn_clf"].predict_proba(x_asn)[:, 1]
        p_camp = state["campaign_clf"].predict_proba(x_camp)[:, 1]
        # the combiner's other inputs, as cheaply as they can be had from raw text: a
        # hashtag-or-not evidence column, a zero contest column for a model that reads one
        # (tenth round) and, for a model that reads it, the stance score
        evidence = np.array([0.0 if "#" in text else 1.0 for text in t])
        if "contest" in combiner_inputs(state["combiner_features"])[1]:
            evidence = np.column_stack([evidence, np.zeros(len(t))])
        stance = (state["stance_clf"].predict_proba(x_camp)[:, 1]
                  if state.get("stance_clf") is not None else None)
        state["combiner"].predict_proba(stack_features(
            p_asn, p_camp, state["combiner_features"], evidence, stance))
    return len(texts) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--home", type=Path, help="PANTAU_HOME with an active model")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        t0 = time.perf_counter()
        model = ModelRegistry(home / "models").ensure_default()
        setup = time.perf_counter() - t0
        posts = write_posts(Path(tmp) / "in.jsonl", args.posts)
        bare_before = bare_rate(model, posts)  # measured on both sides: the host is shared
        env = dict(os.environ, PANTAU_HOME=str(home))
        # `pantau classify` needs an initialised home (database schema); init keeps the
        # active model of a given --home and installs nothing over it
        subprocess.run([sys.executable, "-m", "monitor", "init"], check=True, env=env, cwd=REPO,
                       stdout=subprocess.DEVNULL)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "monitor", "classify", "--input",
                        str(Path(tmp) / "in.jsonl"), "--output", str(Path(tmp) / "out.jsonl")],
                       check=True, env=env, cwd=REPO)
        classify_s = time.perf_counter() - start
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        out_lines = sum(1 for _ in (Path(tmp) / "out.jsonl").open(encoding="utf-8"))
        assert out_lines == args.posts, out_lines
        bare_after = bare_rate(model, posts)
        core = bare_rate(model, posts, sklearn=False)
    bare = (bare_before + bare_after) / 2
    rate = args.posts / classify_s
    result = {
        "posts": args.posts, "model_version": model.version,
        "classify_posts_per_s": round(rate, 1), "classify_seconds": round(classify_s, 2),
        "bare_posts_per_s": round(bare, 1), "bare_before_after": [round(bare_before, 1),
                                                                  round(bare_after, 1)],
        "ratio": round(rate / bare, 3), "core_posts_per_s": round(core, 1),
        "ratio_to_core": round(rate / core, 3),
        "classify_peak_rss_mb": round(peak_mb, 1), "model_setup_seconds": round(setup, 2),
    }
    print(f"pantau classify: {rate:,.0f} posts/s ({classify_s:.1f} s for {args.posts:,} posts), "
          f"peak RSS {peak_mb:,.0f} MB")
    print(f"bare scikit-learn (same fitted vectorizers + models): {bare:,.0f} posts/s "
          f"(before {bare_before:,.0f}, after {bare_after:,.0f})")
    print(f"ratio: {rate / bare:.1%} (target ≥ 70 %)")
    print(f"core (same vectorizers, the model's FastTfidfVectorizer transform): {core:,.0f} posts/s;"
          f" classify is {rate / core:.1%} of it")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
