"""Signed bundles: round trip, every tampering named, the trust anchor said plainly — with and
without the database, with and without the public key (file and fingerprint forms)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from bundle_helpers import flip_byte, go_elsewhere, read_bundle, rehash, resign, write_bundle
from cli_runner import pantau

from storage.audit import append_audit
from storage.db import Database

SNAPSHOT = f"posts/1/snapshots/{'ab' * 32}.html"
NOT_SUPPLIED = "a key you did not supply: this proves integrity since export, not who exported"


@pytest.fixture
def bundle(decided: Database, tmp_path: Path) -> Path:
    out = tmp_path / "evidence.zip"
    code, stdout, _ = pantau("export", "--format", "bundle", "--out", str(out), "--json")
    assert code == 0 and json.loads(stdout)["signing_key"]
    return out


@pytest.fixture
def key_file(decided: Database, tmp_path: Path) -> tuple[Path, str]:
    code, stdout, _ = pantau("keys", "show", "--json")
    assert code == 0
    shown = json.loads(stdout)
    path = tmp_path / "pantau-public.pem"
    path.write_text(shown["public_key_pem"])
    return path, shown["fingerprint"]


def test_a_bundle_is_signed_by_the_deployment_key(bundle: Path, key_file: tuple[Path, str]) -> None:
    files = read_bundle(bundle)
    manifest = json.loads(files["manifest.json"])
    assert len(files["manifest.sig"]) == 64 and "manifest.sig" not in manifest["files"]
    assert manifest["signing_key"]["fingerprint"] == key_file[1]
    assert files["public_key.pem"] == key_file[0].read_bytes()
    assert manifest["files"]["public_key.pem"]["sha256"] == hashlib.sha256(
        files["public_key.pem"]).hexdigest()


def test_verify_says_which_trust_anchor_it_used(bundle: Path, key_file: tuple[Path, str],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path, fingerprint = key_file
    code, out, _ = pantau("verify", str(bundle))
    assert code == 0 and NOT_SUPPLIED in out and "matches the export recorded" in out
    go_elsewhere(tmp_path, monkeypatch)
    for given in (str(path), fingerprint, "SHA256:" + ":".join(
            fingerprint[i:i + 2] for i in range(0, 64, 2)).upper()):
        code, out, _ = pantau("verify", str(bundle), "--public-key", given)
        assert code == 0 and f"signed by key {fingerprint}, which you supplied" in out
        assert "the audit log was not checked" in out
    code, out, _ = pantau("verify", str(bundle), "--json")
    report = json.loads(out)
    assert code == 0 and report["signature"]["trust"] == "bundle" and not report["database_checked"]
    assert not (tmp_path / "elsewhere" / "none.db").exists()  # no empty database left behind


def test_the_signature_checks_out_with_openssl_alone(bundle: Path, tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl on this machine")
    files = read_bundle(bundle)
    for name in ("manifest.json", "manifest.sig", "public_key.pem"):
        (tmp_path / name).write_bytes(files[name])
    result = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "public_key.pem",
                             "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    if "rawin" in result.stderr and result.returncode != 0 and "Unknown" in result.stderr:
        pytest.skip("this openssl has no -rawin (needs 3.0)")
    assert result.returncode == 0 and "Signature Verified Successfully" in result.stdout


def _flip(name: str) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    return lambda files: files | {name: flip_byte(files[name])}


def _delete(name: str) -> Callable[[dict[str, bytes]], dict[str, bytes]]:
    return lambda files: {k: v for k, v in files.items() if k != name}


TAMPERINGS: dict[str, tuple[Callable[[dict[str, bytes]], dict[str, bytes]], str]] = {
    "flip items.jsonl": (_flip("items.jsonl"), "altered file: items.jsonl"),
    "flip items.csv": (_flip("items.csv"), "altered file: items.csv"),
    "flip snapshot": (_flip(SNAPSHOT), f"altered file: {SNAPSHOT}"),
    "flip public key": (_flip("public_key.pem"), "public_key.pem"),
    "flip manifest": (_flip("manifest.json"), "manifest"),
    "flip signature": (_flip("manifest.sig"), "bad signature"),
    "delete items.csv": (_delete("items.csv"), "missing file: items.csv"),
    "delete snapshot": (_delete(SNAPSHOT), f"missing file: {SNAPSHOT}"),
    "delete manifest": (_delete("manifest.json"), "missing file: manifest.json"),
    "delete signature": (_delete("manifest.sig"), "not signed: manifest.sig is missing"),
    "delete public key": (_delete("public_key.pem"), "missing file: public_key.pem"),
    "add a file": (lambda f: f | {"notes.txt": b"added later"}, "extra file: notes.txt"),
    "edit and re-hash": (lambda f: rehash(f | {"items.jsonl": f["items.jsonl"].replace(
        b'"confirmed"', b'"rejected"')}), "bad signature"),
}


@pytest.mark.parametrize("kind", list(TAMPERINGS))
def test_every_tampering_is_named_everywhere(kind: str, bundle: Path, key_file: tuple[Path, str],
                                             tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    change, named = TAMPERINGS[kind]
    tampered = write_bundle(tmp_path / "tampered.zip", change(read_bundle(bundle)))
    path, fingerprint = key_file
    for options in ([], ["--public-key", str(path)]):  # with the database
        code, out, err = pantau("verify", str(tampered), *options)
        assert code == 1 and named in err and "intact" not in out, (options, err)
    go_elsewhere(tmp_path, monkeypatch)
    for options in ([], ["--public-key", str(path)], ["--public-key", fingerprint]):
        code, out, err = pantau("verify", str(tampered), *options)
        assert code == 1 and named in err and "Traceback" not in err, (options, err)
        report = json.loads(pantau("verify", str(tampered), "--json", *options)[1])
        assert not report["intact"] and any(named in p for p in report["problems"])


def test_a_forger_who_re_signs_with_their_own_key(bundle: Path, key_file: tuple[Path, str],
                                                  tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    files = read_bundle(bundle)
    files["items.jsonl"] = files["items.jsonl"].replace(b'"confirmed"', b'"rejected"')
    forged = write_bundle(tmp_path / "forged.zip", resign(files, tmp_path / "forger"))
    code, _, err = pantau("verify", str(forged))
    assert code == 1 and "not recorded in this database's audit log" in err
    go_elsewhere(tmp_path, monkeypatch)
    code, out, _ = pantau("verify", str(forged))  # nothing to compare with: integrity only
    assert code == 0 and NOT_SUPPLIED in out and key_file[1] not in out
    for given in (str(key_file[0]), key_file[1]):
        code, _, err = pantau("verify", str(forged), "--public-key", given)
        assert code == 1 and ("not by the key you supplied" in err or "bad signature" in err)


def test_an_audit_row_off_the_chain_vouches_for_nothing(decided: Database, bundle: Path,
                                                        tmp_path: Path) -> None:
    """A row naming the forged manifest, appended with a garbage hash (the old verify's hole)."""
    files = read_bundle(bundle)
    files["items.jsonl"] = files["items.jsonl"].replace(b'"confirmed"', b'"rejected"')
    forged_files = resign(files, tmp_path / "forger")
    forged = write_bundle(tmp_path / "forged.zip", forged_files)
    with decided.session() as session:
        entry = append_audit(session, actor="mallory", action="export", entity="export",
                             details={"manifest_sha256": hashlib.sha256(
                                 forged_files["manifest.json"]).hexdigest()})
        entry.hash = "f" * 64
    code, _, err = pantau("verify", str(forged))
    assert code == 1 and "is not on an intact chain" in err


def test_a_record_with_another_signer_is_refused(decided: Database, bundle: Path,
                                                 tmp_path: Path) -> None:
    """Even a correctly chained row for a forged manifest fails on the signer it records."""
    files = read_bundle(bundle)
    forged_files = resign(files | {"items.csv": b"forged\n"}, tmp_path / "forger")
    forged = write_bundle(tmp_path / "forged.zip", forged_files)
    with decided.session() as session:
        append_audit(session, actor="mallory", action="export", entity="export", details={
            "manifest_sha256": hashlib.sha256(forged_files["manifest.json"]).hexdigest(),
            "signing_key": json.loads(read_bundle(bundle)["manifest.json"])["signing_key"][
                "fingerprint"]})
    code, _, err = pantau("verify", str(forged))
    assert code == 1 and "was signed by key" in err


def test_an_unsigned_bundle_from_before_signing_is_not_intact(bundle: Path, tmp_path: Path) -> None:
    files = read_bundle(bundle)
    manifest = json.loads(files["manifest.json"])
    del manifest["signing_key"]
    legacy = {k: v for k, v in files.items() if k not in ("manifest.sig", "public_key.pem")}
    legacy = rehash(legacy | {"manifest.json": json.dumps(manifest).encode()})
    code, _, err = pantau("verify", str(write_bundle(tmp_path / "legacy.zip", legacy)))
    assert code == 1 and "not signed" in err


def test_a_bad_public_key_option_is_a_clear_error(bundle: Path, tmp_path: Path) -> None:
    code, _, err = pantau("verify", str(bundle), "--public-key", "deadbeef")
    assert code == 2 and "not a SHA-256 fingerprint" in err
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key")
    code, _, err = pantau("verify", str(bundle), "--public-key", str(junk))
    assert code == 2 and "not a PEM public key" in err


def test_bundle_entries_are_compressed_and_listed(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
    assert {"manifest.json", "manifest.sig", "public_key.pem", "items.jsonl", SNAPSHOT} <= names
