"""Reviewers' decisions generated for retraining tests: varied posts (so near-duplicate groups
stay small), each stored, scored, queued and decided in a real database."""

from __future__ import annotations

import random

from storage.db import Database
from storage.posts import store_posts
from storage.records import Author, PostRecord
from storage.reviews import ScoreRow, add_scores, decide, enqueue

PLACES = ["Kendari", "Kolaka", "Konawe", "Bombana", "Wakatobi", "Buton", "Muna", "Baubau",
          "Raha", "Unaaha", "Andoolo", "Lasusua", "Pasarwajo", "Tinanggea", "Ranomeeto"]
OFFICES = ["Dinas Pendidikan", "Dinkes", "Bappeda", "Dinas PU", "Kecamatan", "Dinsos",
           "BPKAD", "Disdukcapil", "Puskesmas", "RSUD", "Dinas Pertanian", "Satpol PP"]
NAMES = ["Ersan", "Tarida", "Sahrul", "Rusda", "Hamid", "Asrun", "Nur Alam", "Ridwan",
         "Lukman", "Sitti", "Jufri", "Amir", "Kasim", "Halima", "Yusran"]
PRAISE = ["paling peduli sama guru honorer", "programnya masuk akal untuk petani",
          "sudah terbukti bangun jalan desa", "dekat dengan nelayan", "jujur dan sederhana",
          "berani lawan korupsi", "punya rencana air bersih", "perhatian ke puskesmas"]
CALLS = ["jangan lupa coblos", "ayo menangkan", "pilihan kami sudah bulat", "dukung terus",
         "yuk kawal suara untuk", "mari bersama pilih"]
NEUTRAL = ["Rapat koordinasi penanganan stunting di", "Jadwal pelayanan KTP elektronik di",
           "Pengumuman libur nasional untuk kantor", "Sosialisasi netralitas ASN di aula",
           "Kegiatan bersih pantai bersama warga", "Laporan realisasi anggaran triwulan di",
           "Vaksinasi anak sekolah berlangsung di", "Pelatihan UMKM kopi dan mete di"]
NEWS = ["KPU menetapkan daftar pemilih tetap di", "Bawaslu mengawasi kampanye terbuka di",
        "Debat kandidat digelar malam ini di", "Relawan pasangan calon memasang baliho di"]


def _positive(rng: random.Random, i: int) -> PostRecord:
    name, place = rng.choice(NAMES), rng.choice(PLACES)
    text = (f"Sy {rng.choice(['PNS', 'ASN', 'guru PNS', 'pegawai'])} {rng.choice(OFFICES)} {place}, "
            f"tp Pak {name} {rng.choice(PRAISE)}. {rng.choice(CALLS).capitalize()} nomor "
            f"{rng.randint(1, 5)} #{place}{rng.choice(['Maju', 'Bangkit', 'Lestari', 'Hebat'])} "
            f"{rng.randint(10, 99)}")
    return PostRecord("facebook", f"gen-pos-{i}", text,
                      author=Author(handle=f"gen.pos.{i}", name=f"Warga {i}",
                                    bio=f"ASN {rng.choice(OFFICES)}"))


def _negative(rng: random.Random, i: int) -> PostRecord:
    place = rng.choice(PLACES)
    pool = NEWS if rng.random() < 0.4 else NEUTRAL
    text = (f"{rng.choice(pool)} {place} tanggal {rng.randint(1, 28)} "
            f"{rng.choice(['Oktober', 'November', 'Desember'])}, {rng.choice(PRAISE[:3])} "
            f"kata {rng.choice(NAMES)} ({rng.randint(100, 999)})")
    return PostRecord("facebook", f"gen-neg-{i}", text,
                      author=Author(handle=f"gen.neg.{i}", name=f"Akun {i}",
                                    bio=rng.choice(["", "jurnalis", f"Humas {place}"])))


def generated_posts(n: int = 200, seed: int = 7) -> list[tuple[PostRecord, str]]:
    """n posts with the decision a reviewer took: about 45 % confirmed, the rest rejected."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if rng.random() < 0.45:
            out.append((_positive(rng, i), "confirmed"))
        else:
            out.append((_negative(rng, i), "rejected"))
    return out


def store_decisions(db: Database, n: int = 200, seed: int = 7,
                    undecided: int = 10) -> list[tuple[PostRecord, str]]:
    """Store, score, queue and decide n generated posts (plus `undecided` escalated or pending
    ones that training must leave out); returns the decided ones."""
    decided = generated_posts(n + undecided, seed)
    with db.session() as session:
        stored = store_posts(session, [r for r, _ in decided])
        rows = [ScoreRow(s.id, 1, "m-old", 0.8, 0.5, True, None, []) for s in stored]
        add_scores(session, rows)
        enqueue(session, rows)
    with db.session() as session:
        for k, (_, decision) in enumerate(decided[:n]):
            decide(session, k + 1, decision=decision, reviewer="lead-ani",
                   category="social_media_campaign" if decision == "confirmed" else None)
        for k in range(n, n + undecided, 2):
            decide(session, k + 1, decision="escalated", reviewer="lead-ani")
    return decided[:n]
