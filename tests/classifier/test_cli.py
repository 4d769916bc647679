"""`pantau classify / evaluate / train / models` through click's CliRunner, on real files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from classifier import Model
from monitor.cli import cli
from storage.records import PostRecord, record_from_dict, record_to_dict


@pytest.fixture
def home(pantau_home: Path, tmp_path: Path) -> Path:
    shutil.copytree(pantau_home, tmp_path / "home")
    assert _run(tmp_path / "home", "init")[0] == 0  # promotions and training are audited
    return tmp_path / "home"


def _run(home: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"PANTAU_HOME": str(home), "PANTAU_LANG": "en"},
                                catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _write(path: Path, records: list[PostRecord], extra: str = "") -> Path:
    lines = []
    for r in records:
        obj = record_to_dict(r)
        obj["note"] = "kept"
        lines.append(json.dumps(obj, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


def test_classify_streams_and_keeps_fields(home: Path, tmp_path: Path, model: Model,
                                           seed_records: list[PostRecord]) -> None:
    source = _write(tmp_path / "in.jsonl", seed_records[:40], extra="{not json\n")
    out = tmp_path / "out.jsonl"
    code, stdout, stderr = _run(home, "classify", "--input", str(source), "--output", str(out),
                                "--json")
    assert code == 1 and "in.jsonl:41" in stderr  # a bad line is reported, the rest scored
    summary = json.loads(stdout)
    assert summary["scored"] == 40 and summary["rejected"] == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 40
    for row, original in zip(rows, seed_records[:40], strict=True):
        assert row["note"] == "kept" and row["model_version"] == model.version
        assert row["flagged"] == (row["score"] >= model.threshold)
        assert row.get("category_true") == original.category
        assert all(isinstance(t, str) and w > 0 for t, w in row["explanation"])
        record_from_dict(row)  # output is still valid interchange


def test_evaluate_json_has_model_and_baseline(home: Path, tmp_path: Path,
                                              seed_records: list[PostRecord]) -> None:
    data = _write(tmp_path / "labeled.jsonl", seed_records[::5])
    code, stdout, _ = _run(home, "evaluate", "--data", str(data), "--json")
    assert code == 0
    doc = json.loads(stdout)
    for key in ("precision", "recall", "f1", "pr_auc", "fpr_by_hard_case", "recall_by_category"):
        assert key in doc["model"] and key in doc["keyword_baseline"]
    assert doc["model"]["f1"] > doc["keyword_baseline"]["f1"]
    code, stdout, _ = _run(home, "evaluate", "--data", str(data))
    assert code == 0 and "keywords" in stdout and "FPR public_campaign" in stdout


def test_train_saves_without_activating_then_promote_and_rollback(
        home: Path, tmp_path: Path, model: Model) -> None:
    extra = PostRecord("facebook", "extra-1", "Ayo coblos nomor 1 ☝️ #JayaSultra",
                       author=PostRecord.__dataclass_fields__["author"].default, label=0,
                       hard_case="public_campaign")
    data = _write(tmp_path / "more.jsonl", [extra])
    code, stdout, _ = _run(home, "train", "--data", str(data), "--no-reviews", "--json")
    assert code == 0
    trained = json.loads(stdout)
    assert trained["version"] != model.version and trained["cross_validated"]["recall"] >= 0.95
    code, stdout, _ = _run(home, "models", "list", "--json")
    listed = {m["version"]: m["active"] for m in json.loads(stdout)}
    assert listed == {model.version: True, trained["version"]: False}
    # the active model was trained on every seed record, so on the held-out ones it looks
    # better than any candidate: refused, the reason printed, unless forced with a reason
    code, _, stderr = _run(home, "models", "promote", trained["version"])
    if not trained["promotable"]:
        assert code == 1 and "held-out" in stderr and "--force" in stderr
        assert _run(home, "models", "promote", trained["version"], "--force")[0] == 2
    code, _, stderr = _run(home, "models", "promote", trained["version"], "--force",
                           "--reason", "test: a forced promotion")
    assert code == 0
    assert json.loads(_run(home, "models", "list", "--json")[1])[0]["active"] in (True, False)
    active = {m["version"] for m in json.loads(_run(home, "models", "list", "--json")[1])
              if m["active"]}
    assert active == {trained["version"]}
    assert _run(home, "models", "rollback")[0] == 0
    active = {m["version"] for m in json.loads(_run(home, "models", "list", "--json")[1])
              if m["active"]}
    assert active == {model.version}
    assert _run(home, "models", "promote", "m-nope")[0] != 0


def test_a_model_trained_on_shuffled_labels_is_refused_and_a_forced_promotion_is_audited(
        home: Path, tmp_path: Path, seed_records: list[PostRecord]) -> None:
    import random
    import sys
    from dataclasses import replace

    from sqlalchemy import select

    from storage.db import Database
    from storage.models import AuditEntry

    sys.path.insert(0, str(Path(__file__).parents[1] / "monitor" / "services"))
    from decisions import store_decisions

    db = Database(f"sqlite:///{home / 'pantau.db'}")
    try:
        store_decisions(db, 200)
    finally:
        db.dispose()
    labels = [r.label for r in seed_records]
    random.Random(3).shuffle(labels)
    categories = ("social_media_campaign", "banner", "party_approach")
    shuffled = [replace(r, label=lab, category=categories[i % 3] if lab else None,
                        hard_case=None if lab else (r.hard_case or "non_political"))
                for i, (r, lab) in enumerate(zip(seed_records, labels, strict=True))]
    data = _write(tmp_path / "shuffled.jsonl", shuffled)
    dev = _write(tmp_path / "dev.jsonl", seed_records[::9])
    code, stdout, stderr = _run(home, "train", "--data", str(data), "--eval", str(dev))
    assert code == 0
    assert "held-out records" in stdout and "candidate" in stdout and "active" in stdout
    assert "dev.jsonl" in stderr and "also in the training data" in stderr  # overlap warned
    version = stdout.split()[1]
    code, _, stderr = _run(home, "models", "promote", version)
    assert code == 1 and "worse than the active model" in stderr
    assert "held-out records" in stderr  # the reason, not only the refusal
    code, _, _ = _run(home, "models", "promote", version, "--force", "--reason", "label audit")
    assert code == 0
    db = Database(f"sqlite:///{home / 'pantau.db'}")
    try:
        with db.reader() as session:
            entry = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "model.promote")).all()[-1]
    finally:
        db.dispose()
    assert entry.entity_id == version and entry.details["forced"] is True
    assert entry.details["reason"] == "label audit"
