"""/statistik: anonymised public counts of confirmed violations; small counts shown as "< 5".

No names, handles, links or texts of real posts: only counts per KASN category, region and
month, and the forbidden acts explained with fictional examples.
"""

from __future__ import annotations

import threading
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from monitor.web.deps import context, db_of, page, settings_of
from storage.dashboard import public_counts

__all__ = ["EXAMPLES", "SMALL", "router", "shown"]

router = APIRouter()
SMALL = 5
CACHE_SECONDS = 300.0
_lock = threading.Lock()
# Fictional posts (invented names and places), one per KASN category: Indonesian as posted.
EXAMPLES = {
    "mobilisation": "Kpd seluruh staf: Sabtu wajib hadir di kampanye paslon Contoh, yg tdk hadir harap konfirmasi ke sy",
    "social_media_campaign": "Sbg PNS sy cuma bilang: Kota Fiksi butuh pemimpin baru, nomor 3 ☝️ #FiksiMaju",
    "party_approach": "Formulir bakal calon bupati sdh sy kembalikan ke DPC Partai Contoh 🙏",
    "partisan_activity": "Hadir di deklarasi paslon Contoh–Sampel, siap menangkan! 🔥",
    "banner": "Baliho Pak Contoh sdh sy pasang depan rumah 😎",
    "partisan_decision": "Bantuan bibit tahun ini utk desa2 yg dukung paslon kita dulu ya",
}


def shown(count: int) -> str:
    """A public count: below five it is "< 5", so nobody can be singled out."""
    return f"< {SMALL}" if count < SMALL else str(count)


def _counts(request: Request) -> dict[str, list[tuple[str, int]]]:
    state = request.app.state
    with _lock:
        hit = getattr(state, "statistik_cache", None)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]  # type: ignore[no-any-return]
    with db_of(request).reader() as session:
        counts = public_counts(session, settings_of(request).get("web.timezone"))
    with _lock:
        state.statistik_cache = (time.monotonic(), counts)
    return counts


@router.get("/statistik")
def statistik_page(request: Request) -> Response:
    counts = _counts(request)
    return page(context(request), "statistik.html", counts=counts, shown=shown,
                examples=EXAMPLES)
