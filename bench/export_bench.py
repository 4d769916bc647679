"""Evidence-bundle export: wall time and peak memory at 10k and 100k items, beside a bare ZIP.

For each count it generates that many flagged posts (each with its own ~1 KB raw HTML snapshot)
into a temporary SQLite database, then, each in a fresh process, (a) exports the bundle through
the real use case (`monitor.services.exports.export`, PDF reports off: one Chromium print per
folder would dominate; their cost is measured apart on a small sample) and (b) writes the same
number of entries of similar sizes into a ZIP with zipfile alone: the floor any bundle pays,
including zipfile's own per-entry record. Peak memory is the process's RSS high-water mark
(VmHWM) and, in a second run, tracemalloc's peak. Constant memory means the export's peak stays
near the baseline's, not growing with the bodies exported.

    python bench/export_bench.py [--counts 10000 100000] [--pdf-sample 20]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORDS = ["ayo", "coblos", "pilih", "nomor", "dukung", "paslon", "warga", "kendari", "muna",
         "buton", "kolaka", "pasar", "sekolah", "puskesmas", "bantuan", "kegiatan", "mantap", "🗳️"]


def generate(url: str, count: int, seed: int = 11) -> None:
    """`count` flagged posts with their own raw snapshot, scored and queued (status pending)."""
    from monitor.pipeline import BATCH_SIZE
    from storage.db import Database
    from storage.import_evidence import RawLine, attach_raw_lines
    from storage.migrate import upgrade
    from storage.posts import store_posts
    from storage.records import Author, PostRecord
    from storage.reviews import ScoreRow, add_scores, enqueue

    rng = random.Random(seed)
    db = Database(url)
    upgrade(db)
    for start in range(0, count, BATCH_SIZE):
        records, raws = [], []
        for n in range(start, min(count, start + BATCH_SIZE)):
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
            records.append(PostRecord(
                platform="facebook", external_id=f"p{n}", text=text, region="Kab. Muna",
                url=f"https://fb.example/p/{n}", posted_at=datetime(2024, 11, 20, tzinfo=UTC),
                author=Author(handle=f"asn{n % 5000}", name=f"ASN {n % 5000}", bio="PNS Muna")))
            page = f"<html><body><article>{text}</article>{'<p>' + 'x' * 900 + '</p>'}</body></html>"
            raws.append(RawLine(page.encode(), "text/html", f"https://fb.example/p/{n}"))
        with db.session() as session:
            stored = store_posts(session, records)
            attach_raw_lines(session, [(s.id, s.version, raw) for s, raw in zip(stored, raws, strict=True)])
            rows = [ScoreRow(s.id, s.version, "bench-1", 0.9, 0.5, True, "social_media_campaign",
                             [["coblos", 0.4]]) for s in stored]
            add_scores(session, rows)
            enqueue(session, rows)
    db.dispose()


_CHILD = r"""
import json, os, sys, time, tracemalloc, zipfile
from pathlib import Path
mode, url, count, out, trace, home, pdf = (sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]),
                                          sys.argv[5] == "1", Path(sys.argv[6]), sys.argv[7] == "1")
sys.path.insert(0, os.environ["BENCH_REPO"])
from monitor.evidence.keys import ensure_key
from monitor.export import ExportFilter
from monitor.policy import Actor, Right
from monitor.services import exports
from storage.db import Database
key, _ = ensure_key(home)
if trace:
    tracemalloc.start()
start = time.perf_counter()
if mode == "export":
    db = Database(url)
    summary = exports.export(db, Actor("bench", "operator", rights=frozenset(Right)), "bundle", out,
                             ExportFilter(status="pending"), signing_key=key, pdf=pdf,
                             zone="Asia/Makassar")
    db.dispose()
    files = summary["files"]
else:  # the floor: the same number of entries of similar sizes, zipfile alone
    body = {"case.json": b"{" + b'"k": "v", ' * 300 + b"}", "report.html": b"<p>laporan</p>" * 700,
            "snapshots/s.html": b"<html>" + b"x" * 1000 + b"</html>"}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for n in range(count):
            for name, data in body.items():
                archive.writestr(f"posts/{n}/{name}", data)
    files = count * len(body)
wall = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1] if trace else None
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"wall_s": round(wall, 2), "tracemalloc_peak_mb": round(peak / 2**20, 1) if peak else None,
                  "rss_hwm_mb": round(hwm / 1024, 1), "files": files, "zip_mb": round(out.stat().st_size / 2**20, 1)}))
"""


def measure(mode: str, url: str, count: int, workdir: Path, trace: bool,
            pdf: bool = False) -> dict[str, float]:
    out = workdir / f"{mode}-{count}-{int(trace)}.zip"
    env = {**os.environ, "BENCH_REPO": str(REPO)}
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, url, str(count), str(out),
                           "1" if trace else "0", str(workdir / "home"), "1" if pdf else "0"],
                          env=env, capture_output=True, text=True, check=True)
    out.unlink(missing_ok=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--pdf-sample", type=int, default=20)
    args = parser.parse_args()
    report: dict[str, object] = {"bench": "export"}
    with tempfile.TemporaryDirectory(prefix="pantau-export-bench-") as tmp:
        workdir = Path(tmp)
        print(f"{'items':>8} {'what':<9} {'wall s':>8} {'items/s':>9} {'RSS HWM MB':>11} "
              f"{'tracemalloc MB':>15} {'files':>8} {'ZIP MB':>7}")
        for count in args.counts:
            url = f"sqlite:///{workdir / f'bench-{count}.db'}"
            started = time.perf_counter()
            generate(url, count)
            generated = time.perf_counter() - started
            row: dict[str, object] = {"generate_s": round(generated, 1)}
            for mode in ("export", "baseline"):
                plain = measure(mode, url, count, workdir, trace=False)
                traced = measure(mode, url, count, workdir, trace=True)
                row[mode] = {**plain, "tracemalloc_peak_mb": traced["tracemalloc_peak_mb"],
                             "items_per_s": round(count / plain["wall_s"])}
                print(f"{count:>8} {mode:<9} {plain['wall_s']:>8.1f} {round(count / plain['wall_s']):>9,} "
                      f"{plain['rss_hwm_mb']:>11.1f} {traced['tracemalloc_peak_mb']:>15.1f} "
                      f"{plain['files']:>8,} {plain['zip_mb']:>7.1f}")
            report[str(count)] = row
        if args.pdf_sample:
            url = f"sqlite:///{workdir / 'bench-pdf.db'}"
            generate(url, args.pdf_sample)
            sample = measure("export", url, args.pdf_sample, workdir, trace=False, pdf=True)
            per_pdf = sample["wall_s"] / (args.pdf_sample + 1)
            print(f"with PDF reports ({args.pdf_sample} items): {sample['wall_s']:.1f} s, "
                  f"~{per_pdf:.2f} s per report")
            report["pdf_sample"] = {"items": args.pdf_sample, **sample, "s_per_pdf": round(per_pdf, 3)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
