"""How fast `pantau` starts (issue 14), beside a bare interpreter in the same run.

Usage: python bench/startup_bench.py [--runs 5] [--init-runs 5] [--write-bytecode]

Medians of N runs each, as fresh processes: `python -c pass` (the floor), `pantau --help`,
`pantau --version`, `pantau stats --json` and `pantau init` again (nothing to do) on an
initialised SQLite database, and `pantau init` on a fresh database (a new home each run). Also
lists which heavy modules `--help` loaded. Prints a table and one JSON line. Targets: --help
< 150 ms and ≤ 4× the bare interpreter; init < 3 s.

With PYTHONDONTWRITEBYTECODE set (as in some sandboxes), every Pantau module is compiled from
source on every start: the bench says which mode it measured, and `--write-bytecode` runs the
commands without it (after one warm-up run that writes `__pycache__/`), as an installed Pantau runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PANTAU = Path(sys.executable).with_name("pantau")
HEAVY = ("sqlalchemy", "alembic", "sklearn", "numpy", "skops", "scrapers", "httpx", "classifier")


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=600)
    return (time.perf_counter() - start) * 1000


def median_ms(argv: list[str], env: dict[str, str], runs: int) -> float:
    return round(statistics.median(run_ms(argv, env) for _ in range(runs)), 1)


def help_loads(env: dict[str, str]) -> list[str]:
    probe = ("import sys; sys.argv = ['pantau', '--help']\nfrom monitor.cli import main\n"
             "try:\n    main()\nexcept SystemExit:\n    pass\n"
             "import json\n"
             f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return list(json.loads(done.stderr.strip().splitlines()[-1]))


def fresh_init(runs: int, base: dict[str, str]) -> float:
    samples = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = dict(base, PANTAU_HOME=home, PANTAU_DATABASE_URL=f"sqlite:///{home}/p.db")
            samples.append(run_ms([str(PANTAU), "init"], env))
    return round(statistics.median(samples), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--init-runs", type=int, default=5)
    parser.add_argument("--write-bytecode", action="store_true",
                        help="run without PYTHONDONTWRITEBYTECODE (cached bytecode, as installed)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} cores")
    base = {k: v for k, v in os.environ.items() if not k.startswith("PANTAU_")}
    if args.write_bytecode:
        base.pop("PYTHONDONTWRITEBYTECODE", None)
        fresh_init(1, base)  # warm-up: writes the bytecode of everything init and --help import
    bytecode = "compiled from source each run" if base.get("PYTHONDONTWRITEBYTECODE") else "cached"
    print(f"bytecode: {bytecode}")
    figures: dict[str, float] = {"python_pass": median_ms([sys.executable, "-c", "pass"], base,
                                                          args.runs)}
    figures["help"] = median_ms([str(PANTAU), "--help"], base, args.runs)
    figures["version"] = median_ms([str(PANTAU), "--version"], base, args.runs)
    with tempfile.TemporaryDirectory() as home:
        env = dict(base, PANTAU_HOME=home, PANTAU_DATABASE_URL=f"sqlite:///{home}/p.db")
        subprocess.run([str(PANTAU), "init"], env=env, check=True, capture_output=True)
        figures["stats_json"] = median_ms([str(PANTAU), "stats", "--json"], env, args.runs)
        figures["init_again"] = median_ms([str(PANTAU), "init"], env, args.runs)
    if args.init_runs:
        figures["init_fresh"] = fresh_init(args.init_runs, base)
    loaded = help_loads(base)
    print(f"{'command':<14}{'median ms':>11}{'× bare':>9}")
    for name, ms in figures.items():
        print(f"{name:<14}{ms:>11}{ms / figures['python_pass']:>9.1f}")
    print(f"heavy modules after --help: {loaded or 'none'}")
    end = os.getloadavg()[0]
    print(f"load at end: {end:.1f}")
    print(json.dumps({"bench": "startup", "runs": args.runs, "load_1m": round(load[0], 1),
                      "load_1m_end": round(end, 1), "bytecode": bytecode,
                      **figures, "help_ratio": round(figures["help"] / figures["python_pass"], 2),
                      "help_loads": loaded}))


if __name__ == "__main__":
    main()
