"""RFC 3161 trusted timestamps: with `evidence.tsa_url` set, the manifest's hash is timestamped
at export and shipped as manifest.tsr; `pantau verify` checks the token against the manifest and
its signature, with or without the authority's certificate, and says plainly when there is none.
Against a local authority (OpenSSL's `ts -reply`) started by the test."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bundle_helpers import read_bundle, resign, write_bundle
from cli_runner import pantau
from local_tsa import LocalTsa, local_tsa, make_authority

from monitor.evidence.timestamps import check_token, load_certificates, request_token
from storage.db import Database


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[LocalTsa]:
    with local_tsa(tmp_path / "tsa") as authority:
        yield authority


@pytest.fixture
def stamped(decided: Database, tsa: LocalTsa, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PANTAU_EVIDENCE__TSA_URL", tsa.url)
    out = tmp_path / "stamped.zip"
    code, _out, err = pantau("export", "--format", "bundle", "--out", str(out))
    assert code == 0, err
    return out


def test_the_export_ships_a_token_for_the_manifest_and_verify_reports_its_time(
        stamped: Path, tsa: LocalTsa) -> None:
    files = read_bundle(stamped)
    assert tsa.requests == 1 and "manifest.tsr" in files
    assert "manifest.tsr" not in json.loads(files["manifest.json"])["files"]
    code, out, err = pantau("verify", str(stamped))
    assert code == 0, err
    assert "trusted timestamp: " in out and "CN=Test TSA" in out
    assert "whose certificate you did not supply" in out


def test_with_the_authoritys_certificate_verify_says_it_was_certified_by_it(
        stamped: Path, tsa: LocalTsa) -> None:
    code, out, err = pantau("verify", str(stamped), "--tsa-cert", str(tsa.ca), "--json")
    assert code == 0, err
    stamp = json.loads(out)["timestamp"]
    assert stamp["valid"] and stamp["trust"] == "supplied" and stamp["time"]


def test_a_certificate_of_another_authority_is_refused(stamped: Path, tmp_path: Path) -> None:
    other_ca, _cert, _key = make_authority(tmp_path / "other", name="Other TSA")
    code, _out, err = pantau("verify", str(stamped), "--tsa-cert", str(other_ca))
    assert code == 1 and "signature is not valid" in err


def test_a_manifest_altered_and_re_signed_after_the_timestamp_is_named(
        stamped: Path, tmp_path: Path) -> None:
    files = read_bundle(stamped)
    manifest = json.loads(files["manifest.json"])
    manifest["exported_by"] = "someone else"
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()
    token = files.pop("manifest.tsr")  # the forger re-hashes and re-signs, keeping the token
    forged = write_bundle(tmp_path / "forged.zip",
                          resign(files, tmp_path / "forger") | {"manifest.tsr": token})
    code, _out, err = pantau("verify", str(forged))
    assert code == 1 and "trusted timestamp mismatch" in err


def test_a_token_whose_signature_was_touched_is_refused(stamped: Path, tmp_path: Path) -> None:
    files = read_bundle(stamped)
    token = bytearray(files["manifest.tsr"])
    token[-3] ^= 0x01  # inside the signature value at the end of the token
    touched = write_bundle(tmp_path / "touched.zip", files | {"manifest.tsr": bytes(token)})
    code, _out, err = pantau("verify", str(touched))
    assert code == 1 and "timestamp" in err


def test_without_an_authority_verify_says_there_is_no_trusted_timestamp(
        decided: Database, tmp_path: Path) -> None:
    out = tmp_path / "plain.zip"
    assert pantau("export", "--format", "bundle", "--out", str(out))[0] == 0
    with zipfile.ZipFile(out) as archive:
        assert "manifest.tsr" not in archive.namelist()
    code, stdout, _err = pantau("verify", str(out))
    assert code == 0 and "no trusted timestamp" in stdout


def test_an_authority_that_does_not_answer_stops_the_export(
        decided: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANTAU_EVIDENCE__TSA_URL", "http://127.0.0.1:9/tsa")  # discard port
    code, _out, err = pantau("export", "--format", "bundle", "--out", str(tmp_path / "x.zip"))
    assert code != 0 and "timestamp authority" in err
    assert not (tmp_path / "x.zip").exists()


def test_the_token_vouches_for_exactly_the_bytes_it_was_asked_for(tsa: LocalTsa) -> None:
    token = request_token(tsa.url, b"manifest bytes")
    trusted = load_certificates(tsa.ca.read_bytes())
    assert check_token(token, b"manifest bytes", trusted).valid
    assert not check_token(token, b"manifest bytes ", trusted).valid
    assert check_token(None, b"manifest bytes").present is False
