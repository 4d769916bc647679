"""Orders to staff to join a candidate's campaign are tagged `mobilisation`, and score above
the same order for a flag ceremony or an office apel (issue 12). The posts are new, not seed
text. The ordinary order is not asserted unflagged: with "wajib hadir … yg tdk hadir harap
konfirmasi" the first pair still scores above the threshold (docs/classifier.md)."""

from __future__ import annotations

import pytest

from classifier import Model
from storage.records import Author, PostRecord

OFFICIAL = Author(handle="kabid.sosbud.bappeda", name="Asmawati Lakudo",
                  bio="Kabid Sosial Budaya Bappeda Kab. Kolaka Utara")
ORDERS = [
    "Staf bidang sosbud, Jumat sore wajib hadir di posko pemenangan ZONA nomor 1. Absen apel "
    "kita ambil di sana. Yg tdk hadir harap konfirmasi ke sy.",
    "Sesuai arahan pimpinan, semua pegawai ikut kampanye akbar paslon nomor 3 hari Minggu. "
    "Daftar hadir sy pegang, yg tdk datang nanti dievaluasi.",
]
ORDINARY = [
    "Staf bidang sosbud, Jumat pagi wajib hadir di upacara Hari Pahlawan di halaman kantor "
    "bupati. Yg tdk hadir harap konfirmasi ke sy.",
    "Sesuai arahan pimpinan, semua pegawai ikut apel kesiapsiagaan bencana hari Senin. "
    "Daftar hadir sy pegang.",
]


def _post(i: int, text: str) -> PostRecord:
    return PostRecord(platform="facebook", external_id=f"mob-test-{i}", text=text,
                      author=OFFICIAL)


@pytest.mark.parametrize("text", ORDERS)
def test_an_order_to_join_a_campaign_is_mobilisation(model: Model, text: str) -> None:
    (got,) = model.predict([_post(0, text)])
    assert got.flagged and got.category == "mobilisation"


@pytest.mark.parametrize(("order", "ordinary"), list(zip(ORDERS, ORDINARY, strict=True)))
def test_the_same_order_for_office_duties_scores_lower(model: Model, order: str,
                                                      ordinary: str) -> None:
    campaign, duty = model.predict([_post(0, order), _post(1, ordinary)])
    assert duty.score < campaign.score - 0.3
