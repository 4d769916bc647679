"""/statistik: anonymised public counts of confirmed violations; small counts shown as "< 5".

No names, handles, links or texts of real posts: only counts per KASN category, region and
month, and the forbidden acts explained with fictional examples.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from monitor.services.dashboard import public_statistics
from monitor.web.deps import context, page

__all__ = ["EXAMPLES", "SMALL", "router", "shown"]

router = APIRouter()
SMALL = 5
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


@router.get("/statistik")
def statistik_page(request: Request) -> Response:
    counts = public_statistics(request.app.state.dashboards)
    return page(context(request), "statistik.html", counts=counts, shown=shown,
                examples=EXAMPLES)
