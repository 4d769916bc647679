"""The web export use case: a job row with progress, the file under PANTAU_HOME/exports, and a
download only for its owner or for those who may see others' exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config import load_settings
from monitor.errors import NotFound, PermissionDenied
from monitor.policy import Actor, Right
from monitor.services.exports import ExportFilter
from monitor.services.web_exports import download_export, export_job, start_export
from storage.db import Database


def _now(work):  # type: ignore[no-untyped-def]
    work()  # the job runs inline: the test reads its outcome at once


def _actor(name: str, *rights: Right) -> Actor:
    return Actor(name=name, kind="user", role="lead", user_id=1, rights=frozenset(rights))


def test_only_the_owner_or_someone_allowed_to_see_others_exports_may_download(
        db: Database, tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, environ={"PANTAU_HOME": str(tmp_path / "home")})
    owner = _actor("ani", Right.EXPORT)
    job = start_export(db, settings, owner, "csv", ExportFilter(), run=_now)
    assert export_job(db, owner, job.id).status == "done"
    found = download_export(db, settings, owner, job.id)
    assert found.path.parent == settings.exports_dir and found.path.is_file()
    with pytest.raises(PermissionDenied):
        download_export(db, settings, _actor("budi", Right.EXPORT), job.id)
    assert download_export(db, settings, _actor("citra", Right.EXPORT, Right.OTHERS_EXPORTS),
                           job.id).path == found.path
    with pytest.raises(PermissionDenied):
        start_export(db, settings, _actor("dodi"), "csv", ExportFilter(), run=_now)


def test_a_job_whose_file_is_gone_has_nothing_to_download(db: Database, tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, environ={"PANTAU_HOME": str(tmp_path / "home")})
    owner = _actor("ani", Right.EXPORT)
    job = start_export(db, settings, owner, "csv", ExportFilter(), run=_now)
    download_export(db, settings, owner, job.id).path.unlink()
    with pytest.raises(NotFound):
        download_export(db, settings, owner, job.id)
