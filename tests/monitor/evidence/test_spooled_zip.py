"""The bundle's ZIP writer keeps its entry records on disk: the archive it writes is the one
zipfile would write, read back entry for entry, whatever the names and sizes."""

from __future__ import annotations

import io
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.evidence.spooled_zip import SpooledZipFile

NAMES = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(NAMES, st.binary(max_size=3000), min_size=1, max_size=12))
def test_an_archive_reads_back_entry_for_entry(files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with SpooledZipFile(buffer, compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, body) in enumerate(files.items()):
            if index % 2:
                archive.writestr(name, body)
            else:
                with archive.open(name, "w", force_zip64=True) as entry:
                    entry.write(body)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as back:
        assert back.testzip() is None
        assert back.namelist() == list(files)
        assert {name: back.read(name) for name in back.namelist()} == files


def test_it_remembers_no_entry_in_memory() -> None:
    archive = SpooledZipFile(io.BytesIO())
    for n in range(100):
        archive.writestr(f"posts/{n}/case.json", b"{}")
    assert len(archive.filelist) == 100 and dict(archive.NameToInfo) == {}
    archive.close()

