"""Make tests/monitor's helpers (cli_runner) importable when this folder runs on its own."""

import sys
from pathlib import Path

_MONITOR_TESTS = str(Path(__file__).resolve().parents[1])
if _MONITOR_TESTS not in sys.path:
    sys.path.insert(0, _MONITOR_TESTS)
