"""Import the classifier's libraries in a background thread while `pantau run` imports the rest.

`pantau run` needs two large stacks before its first source can be scored: the service (web
app, scrapers, scheduler) and the classifier (scikit-learn, SciPy, skops — skops' trusted-type
list alone imports most of scikit-learn). Imported one after the other they took 7–10 s on a
busy 2-core machine; importing the classifier in a second thread while the main thread imports
the service took 4 s (much of an import is file reads and extension loading). Python's import
lock makes this safe: a module either thread asks for is imported once, and whoever needs it
first waits for it.
"""

from __future__ import annotations

import logging
import threading
from importlib import import_module

__all__ = ["CLASSIFIER_MODULES", "start_warmup"]

log = logging.getLogger(__name__)
CLASSIFIER_MODULES = ("skops.io", "classifier.model", "classifier.artifact", "classifier.registry")


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        try:
            import_module(name)
        except Exception as exc:  # noqa: BLE001 (the real import, later, reports it properly)
            log.debug("warm-up import of %s failed: %s", name, exc)
            return


def start_warmup(names: tuple[str, ...] = CLASSIFIER_MODULES) -> threading.Thread:
    """Start importing `names` in a daemon thread; returns it (joining it is optional)."""
    thread = threading.Thread(target=_import_all, args=(names,), name="import-warmup",
                              daemon=True)
    thread.start()
    return thread
