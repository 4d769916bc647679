"""Hostile and broken archives: refused from the directory alone, in bounded memory, no traceback."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from cli_runner import pantau
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zipforge import SYMLINK, Entry, deflated, manifest_for, stored, write_zip, zeros_bomb

from monitor.evidence.verify import verify_bundle_file
from monitor.evidence.zipcheck import ZipLimits

BODY = b"<html><body>Ayo coblos nomor 2!</body></html>" * 20
GIB = 1 << 30


def _bundle(tmp_path: Path, *extra: Entry, listed: dict[str, bytes] | None = None) -> Path:
    files = listed if listed is not None else {"items.jsonl": BODY}
    entries = [deflated(name, body) for name, body in files.items()]
    entries.append(deflated("manifest.json", manifest_for(files)))
    return write_zip(tmp_path / "hostile.zip", entries + list(extra))


def _refused(path: Path, needle: str) -> list[str]:
    before = sorted(p.name for p in path.parent.iterdir())
    verdict = verify_bundle_file(path)
    assert not verdict.intact
    assert any(needle in p for p in verdict.problems), verdict.problems
    assert sorted(p.name for p in path.parent.iterdir()) == before  # nothing extracted
    return verdict.problems


@pytest.mark.parametrize("name, needle", [
    ("../../etc/cron.d/evil", "path leaves the folder"),
    ("snapshots/../../x", "path leaves the folder"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/evil.dll", "absolute path"),
    ("snapshots\\..\\..\\x", "backslash"),
])
def test_paths_out_of_the_folder_are_refused(tmp_path: Path, name: str, needle: str) -> None:
    problems = _refused(_bundle(tmp_path, deflated(name, b"x")), needle)
    assert "refused without extracting anything" in problems


def test_a_symlink_is_refused(tmp_path: Path) -> None:
    _refused(_bundle(tmp_path, stored("link", b"/etc/passwd", external_attr=SYMLINK)),
             "is a symbolic link")


def test_a_device_file_is_refused(tmp_path: Path) -> None:
    _refused(_bundle(tmp_path, stored("dev", b"", external_attr=0o020644 << 16)), "special file")


def test_duplicate_names_are_refused(tmp_path: Path) -> None:
    _refused(_bundle(tmp_path, deflated("items.jsonl", b"the other version")), "duplicate name")


def test_names_colliding_by_case_are_refused(tmp_path: Path) -> None:
    _refused(_bundle(tmp_path, deflated("ITEMS.jsonl", b"x")), "colliding by case")


def test_declared_size_far_above_the_actual_data_is_refused(tmp_path: Path) -> None:
    liar = deflated("items.jsonl", BODY, file_size=2 * GIB)
    path = write_zip(tmp_path / "liar.zip", [liar, deflated("manifest.json",
                                                            manifest_for({"items.jsonl": BODY}))])
    _refused(path, "a zip bomb's ratio")


def test_compressed_size_beyond_the_archive_is_refused(tmp_path: Path) -> None:
    entry = deflated("items.jsonl", BODY)
    path = write_zip(tmp_path / "short.zip", [deflated("manifest.json", b"{}"), entry])
    data = bytearray(path.read_bytes())
    directory = data.rindex(b"PK\x01\x02")  # the last central record: items.jsonl
    data[directory + 20:directory + 24] = (10 ** 8).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(path, "beyond the end of the")


def test_entries_sharing_data_are_refused(tmp_path: Path) -> None:
    shared = zeros_bomb("a.bin", 64 << 20, block=1 << 20)
    path = write_zip(tmp_path / "overlap.zip", [shared, Entry("b.bin", b"", shared.file_size,
                                                              0, share_offset_of=0)])
    _refused(path, "overlaps the data of")


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    _refused(_bundle(tmp_path, deflated("secret.txt", b"x", flags=0x1)), "is encrypted")


def test_a_two_gib_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    bomb = zeros_bomb("snapshots/bomb.bin", 2 * GIB)
    listed = {"snapshots/bomb.bin": {"sha256": "0" * 64, "size": 2 * GIB}}
    path = write_zip(tmp_path / "bomb.zip", [bomb, deflated("manifest.json", json.dumps(
        {"items": 1, "files": listed}).encode())])
    assert path.stat().st_size < 4 << 20
    tracemalloc.start()
    try:
        _refused(path, "a zip bomb's ratio")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20  # the old verify read the 2 GiB entry whole


def test_a_bomb_the_manifest_does_not_announce_is_never_read(tmp_path: Path) -> None:
    """The archive declares 2 GiB where the manifest says 1 KiB: refused on the sizes alone."""
    bomb = zeros_bomb("items.jsonl", 2 * GIB)
    manifest = manifest_for({"items.jsonl": BODY})
    path = write_zip(tmp_path / "bomb.zip", [bomb, deflated("manifest.json", manifest)])
    code, out, err = pantau("verify", str(path))
    assert code == 1 and "zip bomb" in err and "Traceback" not in err + out


def test_a_crc_error_in_the_compressed_data_is_named(tmp_path: Path) -> None:
    files = {"items.jsonl": BODY, "items.csv": b"a,b\n" * 500}
    path = _bundle(tmp_path, listed=files)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("items.csv")
    start = info.header_offset + 30 + len("items.csv")
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    code, out, err = pantau("verify", str(path))
    assert code == 1 and "corrupt archive: items.csv cannot be read" in err
    assert "Traceback" not in out + err and "altered file: items.jsonl" not in err


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_a_truncated_archive_is_named(tmp_path: Path, cut: float) -> None:
    path = _bundle(tmp_path, listed={"items.jsonl": BODY, "b.txt": b"b" * 4000})
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    code, _, err = pantau("verify", str(path))
    assert code == 1 and ("not a readable ZIP file" in err or "corrupt archive" in err)


def test_not_a_zip_at_all(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"%PDF-1.7 not a zip" * 100)
    code, _, err = pantau("verify", str(junk))
    assert code == 1 and "not a readable ZIP file" in err


def test_a_hostile_name_is_printed_escaped(tmp_path: Path) -> None:
    code, _, err = pantau("verify", str(_bundle(tmp_path, deflated("../\x1b[2Jevil", b"x"))))
    assert code == 1 and "\x1b" not in err and "\\x1b" in err


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(0, 1), value=st.integers(0, 255), cut=st.floats(0.0, 1.0))
def test_any_damaged_archive_gives_a_verdict_never_a_crash(tmp_path: Path, position: float,
                                                            value: int, cut: float) -> None:
    files = {"items.jsonl": BODY, "items.csv": b"x,y\n" * 300}
    data = bytearray(_bundle(tmp_path, listed=files).read_bytes())
    data[int(position * (len(data) - 1))] = value
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data[: max(1, int(len(data) * (0.5 + cut / 2)))]) if cut < 0.5
                        else bytes(data))
    verdict = verify_bundle_file(damaged)
    assert not verdict.intact and verdict.problems  # unsigned at best, never "intact"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(1, 160), st.integers(0, 255)), min_size=1,
                        max_size=8))
def test_a_damaged_central_directory_gives_a_verdict(tmp_path: Path,
                                                     changes: list[tuple[int, int]]) -> None:
    """The directory and end record (the archive's last bytes) are what zipfile parses first."""
    data = bytearray(_bundle(tmp_path, listed={"items.jsonl": BODY}).read_bytes())
    for back, value in changes:
        data[-min(back, len(data))] = value
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    verdict = verify_bundle_file(damaged)
    assert not verdict.intact and verdict.problems


def test_too_many_entries_are_refused_before_zipfile_loads_them(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.zip", [stored(f"f{i}", b"") for i in range(50)])
    verdict = verify_bundle_file(path, limits=ZipLimits(max_entries=40))
    assert not verdict.intact and "50 entries in a" in verdict.problems[0]
    data = bytearray(path.read_bytes())  # an end record claiming 65,535 entries
    end = data.rindex(b"PK\x05\x06")
    data[end + 8:end + 12] = b"\xff\xff\xff\xff"
    path.write_bytes(bytes(data))
    assert "65535 entries" in verify_bundle_file(path, limits=ZipLimits(max_entries=60000)).problems[0]


def test_the_zip64_entry_count_is_read(tmp_path: Path) -> None:
    path = tmp_path / "zip64.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(70_000):
            archive.writestr(f"{i}", b"")
    problems = verify_bundle_file(path, limits=ZipLimits(max_entries=65_000)).problems
    assert "70000 entries in a" in problems[0]
