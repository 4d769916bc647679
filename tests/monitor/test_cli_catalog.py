"""Every message the command line can print has its Indonesian translation in the cli catalog."""

from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((REPO / "monitor" / "cli").glob("*.py")),
           *sorted((REPO / "monitor" / "services").glob("*.py")),
           *sorted((REPO / "monitor" / "evidence").glob("*.py")), REPO / "monitor" / "errors.py",
           REPO / "monitor" / "config.py", REPO / "monitor" / "sources.py",
           REPO / "monitor" / "pipeline.py", REPO / "monitor" / "scrape.py",
           REPO / "monitor" / "jobs" / "processes.py", REPO / "monitor" / "jobs" / "scheduler.py"]


def test_every_cli_message_id_is_in_the_indonesian_catalog() -> None:
    with (REPO / "monitor" / "locale" / "id" / "LC_MESSAGES" / "cli.po").open("rb") as handle:
        catalog = {m.id for m in read_po(handle) if m.id}
    missing = sorted({(path.name, message) for path in SOURCES
                      for _, message, _, _ in extract_from_file(
                          "python", str(path), keywords={"_": None, "N_": None})
                      if isinstance(message, str) and message not in catalog})
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
