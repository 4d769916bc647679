"""Spliced long posts (classifier/splice.py): a short line inside an ASN's neutral post.

A spliced record is labeled as its guest line (an ASN author posting it), names every record
it was made from, and is only ever trained on by a fold that holds all of them: otherwise a
fold would score a line it learnt word for word.
"""

from __future__ import annotations

import numpy as np
import pytest

from classifier.honest import grouped_predictions
from classifier.model import Model
from classifier.splice import NEGATIVE_GUESTS, Splice, spliced_records
from classifier.train import train_model, with_splices
from storage.records import Author, PostRecord


def _record(i: int, text: str, label: int, *, category: str | None = None,
            hard_case: str | None = None, bio: str = "", asn: bool | None = None) -> PostRecord:
    return PostRecord(platform="seed", external_id=f"r{i}", text=text, label=label,
                      category=category, hard_case=hard_case,
                      author=Author(handle=f"writer{i}", name="", bio=bio),
                      extra={} if asn is None else {"author_is_asn": asn})


# one writer's day at the office, a different post per writer (distinct words: no one template)
WORK = ("apel rapat posyandu pendataan warga staf kelurahan arsip surat laporan anggaran "
        "musrenbang jalan tani sumur bor kunjungan lapangan jadwal piket berkas usulan")


def _corpus() -> list[PostRecord]:
    out = []
    for i in range(12):
        out.append(_record(len(out), " ".join(f"{w}{i}" for w in WORK.split()),
                           0, hard_case="asn_neutral", bio="PNS Kecamatan Wolo"))
        out.append(_record(len(out), f"Ayo coblos nomor {i % 3 + 1} tgl 27, paslon Fiksi Jaya!",
                           1, category="social_media_campaign", bio="ASN Dinas Fiktif"))
        out.append(_record(len(out), "Ingat, ASN wajib netral, jangan ikut kampanye paslon manapun",
                           0, hard_case="neutrality_reminder", bio="Humas BKD"))
        out.append(_record(len(out), f"Panen jagung di kebun belakang rumah minggu ke {i}",
                           0, hard_case="non_political", asn=False))
        out.append(_record(len(out), f"Warga Wolo dukung paslon nomor {i % 3 + 1}, menang!",
                           0, hard_case="public_campaign", bio="relawan", asn=False))
    return out


def test_a_spliced_post_reads_as_its_guest_line_by_the_hosts_asn_author() -> None:
    corpus = _corpus()
    splices = spliced_records(corpus, 40, seed=1)
    assert len(splices) >= 30
    for s in splices:
        host, guest = corpus[s.parents[0]], corpus[s.parents[-1]]
        assert host.hard_case == "asn_neutral"
        assert s.record.author == host.author and s.record.extra["author_is_asn"] is True
        assert host.text in s.record.text and guest.text in s.record.text
        assert len(s.record.text.split()) >= 40
        assert (s.record.label, s.record.category) == (guest.label, guest.category)
        if guest.label == 0:
            assert s.record.hard_case == guest.hard_case in NEGATIVE_GUESTS
        else:
            assert s.record.hard_case is None
    labels = [s.record.label for s in splices]
    assert 0.4 <= sum(labels) / len(labels) <= 0.6  # length alone teaches nothing


def test_splicing_is_reproducible_and_keeps_to_its_candidates() -> None:
    corpus = _corpus()
    first = spliced_records(corpus, 20, seed=7)
    assert [s.record.text for s in first] == [s.record.text for s in spliced_records(corpus, 20, seed=7)]
    allowed = list(range(0, len(corpus), 2))
    for s in spliced_records(corpus, 20, seed=7, candidates=allowed):
        assert set(s.parents) <= set(allowed)


def test_without_hosts_or_guests_nothing_is_spliced() -> None:
    corpus = [r for r in _corpus() if r.hard_case != "asn_neutral"]
    assert spliced_records(corpus, 20) == []
    assert spliced_records(_corpus(), 0) == []


@pytest.fixture(scope="module")
def spliced_model(seed_records: list[PostRecord]) -> tuple[list[PostRecord], Model]:
    corpus = seed_records[::3]  # a third of the seed corpus: quick, and real posts
    return corpus, train_model(corpus, params={"splice": 0.15})


def test_a_model_trained_with_splices_counts_only_the_real_records(
        spliced_model: tuple[list[PostRecord], Model]) -> None:
    corpus, model = spliced_model
    assert model.metadata["sizes"]["records"] == len(corpus)
    labeled, oof, _, _ = model.cv_scores
    assert len(labeled) == len(oof) == len(corpus)  # the threshold from real posts' scores only
    assert model.metadata["params"]["splice"] == 0.15


def test_a_long_asn_post_scores_higher_with_a_campaign_line_than_without(
        spliced_model: tuple[list[PostRecord], Model]) -> None:
    _, model = spliced_model
    author = Author(handle="ratna.kecwolo", bio="PNS Kecamatan Wolo, Kolaka")
    work = ("Apel pagi di kantor camat, lanjut rapat persiapan posyandu balita dan pendataan "
            "warga miskin bersama staf kelurahan. Sore cek berkas usulan musrenbang, jalan tani "
            "dan sumur bor dari tiga desa. Capek tp senang, warga antusias 🙏")
    neutral, campaign = model.predict([
        PostRecord(platform="t", external_id="a", text=work, author=author),
        PostRecord(platform="t", external_id="b", text=work + "\n\nJgn lupa 27 Nov coblos no 2 ya ✌️",
                   author=author)])
    assert campaign.score > neutral.score and campaign.flagged and not neutral.flagged


def test_a_fold_trains_on_a_splice_only_when_it_holds_every_parent() -> None:
    record = _corpus()[0]
    splices = [Splice(record, (0, 1, 2)), Splice(record, (0, 3)), Splice(record, (4,))]
    assert with_splices(np.array([0, 1, 2, 4]), splices, 5).tolist() == [0, 1, 2, 4, 5, 7]
    assert with_splices(np.array([1, 2, 3]), splices, 5).tolist() == [1, 2, 3]


def test_the_honest_evaluation_scores_spliced_posts_of_each_folds_held_out_records(
        seed_records: list[PostRecord]) -> None:
    records = seed_records[::8]
    pred = grouped_predictions(records, {"folds": 3}, folds=3, spliced=6)
    rows, got = pred["spliced"]
    assert 12 <= len(rows) == len(got["score"]) == len(got["flagged"]) == len(got["category"]) <= 18
    assert {r.label for r in rows} == {0, 1}
    texts = {r.text for r in records}
    assert all(any(t in r.text for t in texts) for r in rows)
