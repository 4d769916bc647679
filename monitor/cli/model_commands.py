"""`pantau classify`, `evaluate`, `train` and `models …`: the classifier's commands (interfaces.md §3)."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from monitor.cli.app import (
    AppContext,
    _,
    cli,
    emit_json,
    error_text,
    fail,
    lazy,
    open_db,
    pass_app,
    refusals,
    text_in_language,
)
from monitor.cli.help_text import N_
from storage.records import PostRecord

if TYPE_CHECKING:
    from monitor import training_data
    from monitor.services import models, runtime
    from storage import interchange
    from storage.interchange import LineResult
else:
    models, runtime = lazy("monitor.services.models"), lazy("monitor.services.runtime")
    training_data, interchange = lazy("monitor.training_data"), lazy("storage.interchange")

CLASSIFY_BATCH = 1000


def _load_model(app: AppContext, version: str | None) -> Any:
    from classifier import ClassifierError

    db = open_db(app)
    try:
        with refusals():
            return (models.load_version(db, version) if version
                    else runtime.active_scorer(app.settings, db))
    except ClassifierError as exc:
        fail(error_text(exc))
    finally:
        db.dispose()


def _read_labeled(path: Path) -> list[PostRecord]:
    """All records of a labeled file; a bad line stops the command (metrics would be wrong)."""
    with path.open("rb") as handle:
        results = list(interchange.read_interchange(handle, name=path.name))
    bad = [r for r in results if r.record is None]
    for r in bad[:20]:
        click.echo(f"{path}:{r.line}: {r.error}", err=True)
    if bad:
        fail(_("{path}: {count} invalid line(s)").format(path=path, count=len(bad)))
    return [r.record for r in results if r.record is not None]


def _batches(lines: Iterator[LineResult], size: int) -> Iterator[list[LineResult]]:
    batch: list[LineResult] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _scored_object(raw: dict[str, Any], prediction: Any) -> dict[str, Any]:
    out = dict(raw)
    if "category" in out:
        out["category_true"] = out.pop("category")
    out.update(score=round(prediction.score, 6), flagged=prediction.flagged,
               model_version=prediction.model_version, category=prediction.category,
               explanation=[[t, w] for t, w in prediction.explanation])
    return out


def _classify_stream(model: Any, input_path: str, output_path: str) -> dict[str, int]:
    """Read, score in batches, write; returns the counts."""
    counts = {"scored": 0, "flagged": 0, "rejected": 0}
    with ExitStack() as stack:
        source: IO[bytes] = (sys.stdin.buffer if input_path == "-"
                             else stack.enter_context(open(input_path, "rb")))
        sink: IO[str] = (sys.stdout if output_path == "-"
                         else stack.enter_context(open(output_path, "w", encoding="utf-8")))
        for batch in _batches(interchange.read_interchange(source, name=input_path), CLASSIFY_BATCH):
            good = [line for line in batch if line.record is not None]
            for line in batch:
                if line.record is None:
                    counts["rejected"] += 1
                    click.echo(f"{input_path}:{line.line}: {text_in_language(line.error or '')}",
                               err=True)
            predictions = model.predict([line.record for line in good])
            sink.write("".join(
                json.dumps(_scored_object(line.raw or {}, p), ensure_ascii=False) + "\n"
                for line, p in zip(good, predictions, strict=True)))
            counts["scored"] += len(good)
            counts["flagged"] += sum(p.flagged for p in predictions)
    return counts


@cli.command("classify")
@click.option("--input", "input_path", required=True,
              help=N_("Interchange JSONL (or CSV); - = stdin."))
@click.option("--output", "output_path", required=True, help=N_("Scored JSONL; - = stdout."))
@click.option("--model", "version", help=N_("Model version (default: the active one)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print a JSON summary on stdout."))
@pass_app
def classify_command(app: AppContext, input_path: str, output_path: str, version: str | None,
                     as_json: bool) -> None:
    """Score posts with the active model (the database's registry), streaming in batches."""
    if as_json and output_path == "-":
        fail(_("--json needs --output to be a file (stdout carries the records)"))
    model = _load_model(app, version)
    # A batch job that keeps little alive between batches: collecting every 700 allocations
    # costs more than it saves (measured by bench/classify_bench.py).
    old_threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    try:
        counts = _classify_stream(model, input_path, output_path)
    finally:
        gc.set_threshold(*old_threshold)
        gc.unfreeze()
    summary = {"model_version": model.version, "threshold": model.threshold, **counts}
    if as_json:
        emit_json(summary)
    else:
        click.echo(_("scored {scored}, flagged {flagged}, rejected {rejected} (model {model})")
                   .format(model=model.version, **counts), err=True)
    if counts["rejected"]:
        raise SystemExit(1)


def _evaluation(model: Any, records: list[PostRecord]) -> dict[str, Any]:
    from classifier.evaluate import evaluate_scores, keyword_scores

    unlabeled = sum(r.label is None for r in records)
    records = [r for r in records if r.label is not None]
    if not records:
        fail(_("no labeled records to evaluate"))
    predictions = model.predict(records)
    import numpy as np

    scores = np.array([p.score for p in predictions])
    return {
        "model_version": model.version, "records": len(records), "unlabeled_skipped": unlabeled,
        "model": evaluate_scores(records, scores, model.threshold, [p.category for p in predictions]),
        "keyword_baseline": evaluate_scores(records, keyword_scores(records), 0.5),
    }


def _print_evaluation(doc: dict[str, Any]) -> None:
    model, base = doc["model"], doc["keyword_baseline"]
    click.echo(_("model {version} on {records} labeled records (threshold {threshold:.4f})").format(
        version=doc["model_version"], records=doc["records"], threshold=model["threshold"]))
    metric, model_header, keywords = _("metric"), _("model"), _("keywords")
    click.echo(f"{metric:<36}{model_header:>10}{keywords:>10}")
    for key in ("precision", "recall", "f1", "pr_auc"):
        click.echo(f"{key:<36}{model[key]:>10.3f}{base[key]:>10.3f}")
    for case, row in model["fpr_by_hard_case"].items():
        other = base["fpr_by_hard_case"][case]["fpr"]
        click.echo(f"{'FPR ' + case + ' (n=' + str(row['n']) + ')':<36}{row['fpr']:>10.3f}{other:>10.3f}")
    for cat, row in model["recall_by_category"].items():
        other = base["recall_by_category"][cat]["recall"]
        click.echo(f"{'recall ' + cat + ' (n=' + str(row['n']) + ')':<36}"
                   f"{row['recall']:>10.3f}{other:>10.3f}")
    if "category_accuracy_on_flagged" in model:
        click.echo(f"{'category accuracy (flagged)':<36}{model['category_accuracy_on_flagged']:>10.3f}")


@cli.command("evaluate")
@click.option("--data", "data", required=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help=N_("Labeled interchange JSONL."))
@click.option("--model", "version", help=N_("Model version (default: the active one)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as JSON."))
@pass_app
def evaluate_command(app: AppContext, data: Path, version: str | None, as_json: bool) -> None:
    """Precision, recall, F1, PR-AUC, per-hard_case FPR and per-category recall, beside a
    keyword-matching baseline."""
    doc = _evaluation(_load_model(app, version), _read_labeled(data))
    if as_json:
        emit_json(doc)
    else:
        _print_evaluation(doc)


def _cell(row: dict[str, Any] | None, key: str) -> str:
    return "—" if row is None else f"{row[key]:.3f}"


def _print_comparison(name: str, cand: dict[str, Any], active: dict[str, Any] | None) -> None:
    """Candidate beside the active model: F1, recall, precision, PR-AUC, per hard case FPR,
    per category recall."""
    measure, candidate, current = _("measure"), _("candidate"), _("active")
    click.echo(name)
    click.echo(f"  {measure:<40}{candidate:>11}{current:>11}")
    for key in ("f1", "recall", "precision", "pr_auc", "threshold"):
        click.echo(f"  {key:<40}{_cell(cand, key):>11}{_cell(active, key):>11}")
    for case, row in cand["fpr_by_hard_case"].items():
        other = (active or {}).get("fpr_by_hard_case", {}).get(case)
        label = f"FPR {case} (n={row['n']})"
        click.echo(f"  {label:<40}{row['fpr']:>11.3f}{_cell(other, 'fpr'):>11}")
    for cat, row in cand["recall_by_category"].items():
        other = (active or {}).get("recall_by_category", {}).get(cat)
        label = f"recall {cat} (n={row['n']})"
        click.echo(f"  {label:<40}{row['recall']:>11.3f}{_cell(other, 'recall'):>11}")


@cli.command("train")
@click.option("--data", "data", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help=N_("Extra labeled interchange JSONL (repeatable)."))
@click.option("--eval", "evals", multiple=True, type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help=N_("Labeled JSONL to compare the candidate and the active "
                                       "model on (repeatable)."))
@click.option("--no-reviews", is_flag=True, help=N_("Leave reviewers' decisions out."))
@click.option("--seed", default=0, show_default=True, help=N_("Cross-validation seed."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the summary as JSON."))
@pass_app
def train_command(app: AppContext, data: tuple[Path, ...], evals: tuple[Path, ...],
                  no_reviews: bool, seed: int, as_json: bool) -> None:
    """Train a new model version from the seed corpus, --data files, reviews and labels; compare
    it with the active model on the same held-out records and each --eval file; not activated."""
    from monitor.i18n import cli_language

    files = [r for path in data for r in _read_labeled(path)]
    eval_sets = [(path.name, _read_labeled(path)) for path in evals]
    db = open_db(app)
    try:
        with refusals():
            trained = models.train(db, app.actor(db), app.settings, files,
                                   reviews=not no_reviews, evals=eval_sets, seed=seed,
                                   language=cli_language())
    finally:
        db.dispose()
    warnings = [_(w) for w in trained.warnings]
    for name, entry in trained.comparison["evals"].items():
        if entry["overlap"]:
            warnings.append(_("{file}: {count} of {n} records are also in the training data "
                              "(same text): its figures are too good").format(
                file=name, count=entry["overlap"], n=entry["n"]))
    for line in warnings:
        click.echo(_("warning: ") + line, err=True)
    if as_json:
        emit_json({"version": trained.version, "threshold": trained.threshold,
                   "records": trained.records, "reviews": trained.reviews,
                   "warnings": warnings, "promotable": not trained.refusals,
                   "refusals": trained.refusals, **trained.metrics})
        return
    cv = trained.metrics["cross_validated"]
    click.echo(_("trained {version} on {records} records ({reviews} from reviews); not active "
                 "(use `pantau models promote {version}`)").format(
        version=trained.version, records=trained.records, reviews=trained.reviews))
    click.echo(_("cross-validated: ") + ", ".join(
        f"{k} {cv[k]}" for k in ("precision", "recall", "f1", "pr_auc", "threshold")))
    held = trained.comparison["held_out"]
    _print_comparison(_("held-out records: {n}").format(n=held["n"]), held["candidate"],
                      held.get("active"))
    for name, entry in trained.comparison["evals"].items():
        _print_comparison(f"{name} (n={entry['n']})", entry["candidate"], entry.get("active"))
    if trained.refusals:
        click.echo(_("worse than the active model on: {what} (promotion will be refused)")
                   .format(what=", ".join(trained.refusals)))


@cli.group("models")
def models_group() -> None:
    """The model registry: versions, the active one, promotion and rollback."""


@models_group.command("list")
@click.option("--json", "as_json", is_flag=True, help=N_("Print the list as JSON."))
@pass_app
def models_list(app: AppContext, as_json: bool) -> None:
    """Model versions in the database, newest first; * marks the active one."""
    db = open_db(app)
    try:
        with refusals():
            entries = models.list_models(db, app.actor(db), app.settings)
    finally:
        db.dispose()
    if as_json:
        emit_json([{"version": e.version, "created_at": e.created_at.isoformat(),
                    "created_by": e.created_by, "origin": e.origin, "threshold": e.threshold,
                    "active": e.active, "metrics": e.metrics, "composition": e.composition,
                    "fingerprint": e.fingerprint} for e in entries])
        return
    for e in entries:
        held = e.metrics.get("held_out", {}).get("candidate", {})
        f1 = held.get("f1", e.metrics.get("cross_validated", {}).get("f1", ""))
        mark = "*" if e.active else " "
        click.echo(_("{mark} {version}  {created}  {by}  threshold {threshold:.4f}  f1 {f1}").format(
            mark=mark, version=e.version, created=e.created_at.isoformat(timespec="seconds"),
            by=e.created_by, threshold=e.threshold, f1=f1))


@models_group.command("promote")
@click.argument("version", help=N_("A version from `pantau models list`."))
@click.option("--force", is_flag=True, help=N_("Promote even when worse (needs --reason)."))
@click.option("--reason", help=N_("Why a worse model is promoted (audited)."))
@pass_app
def models_promote(app: AppContext, version: str, force: bool, reason: str | None) -> None:
    """Make VERSION the active model on every node (as a named user once users exist); refused
    when it is worse than the active model on the held-out records, unless forced."""
    db = open_db(app)
    try:
        with refusals():
            try:
                models.promote(db, app.actor(db), app.settings, version, force=force,
                               reason=reason)
            except models.Refused as exc:
                for template, values in exc.reasons:
                    click.echo("  " + _(template).format(**values), err=True)
                fail(exc.translated(_), exc.exit_code)
    finally:
        db.dispose()
    click.echo(_("active model: {version}; pending and recent posts are re-scored in the "
                 "background by `pantau run`").format(version=version), err=True)


@models_group.command("rollback")
@pass_app
def models_rollback(app: AppContext) -> None:
    """Re-activate the previously active model."""
    db = open_db(app)
    try:
        with refusals():
            version = models.rollback(db, app.actor(db), app.settings)
    finally:
        db.dispose()
    click.echo(_("active model: {version}; pending and recent posts are re-scored in the "
                 "background by `pantau run`").format(version=version), err=True)
