"""Text preparation: the normalisations the issue lists, and spans that point into the text."""

from __future__ import annotations

from classifier.features import Prepared, prepare, prepare_author


def _words(prepared: Prepared) -> tuple[str, ...]:
    """Model tokens without the cue tags (`_asn_`, `_camp_`, ...)."""
    return tuple(t for t in prepared.tokens if not (t.startswith("_") and t.endswith("_")
                                                    and t not in ("_longnum_", "_year_")))


def test_hashtag_split_and_kept_whole() -> None:
    assert _words(prepare("#Coblos02Aja")) == ("#coblos02aja", "coblos", "2", "saja")


def test_slang_numbers_repeats_and_reduplication() -> None:
    words = _words(prepare("Sy sdh liat, yg 02 mantappp NIP 199001012015031002 teman2 thn 2024"))
    assert " ".join(words) == "saya sudah lihat yang 2 mantap nip _longnum_ teman tahun _year_"


def test_urls_mentions_and_emoji_tokens() -> None:
    prepared = prepare("Cek @tim_sejati https://t.co/x ☝️✌🏽")
    assert prepared.tokens == ("cek", "_mention_", "_url_", "☝", "✌")


def test_cue_tags_from_the_guide() -> None:
    tokens = prepare("Sbg PNS sy ajak coblos nomor 2").tokens
    assert tokens.count("_asn_") == 1 and "_camp_" in tokens and "_selfasn_" in tokens
    assert "_selfasn_" not in prepare("Bawaslu temukan oknum PNS ajak coblos").tokens
    assert prepare("honorer").tokens == ("_nonasn_", "honorer")


def test_spans_point_at_the_original_words() -> None:
    source = "Jgn lupa COBLOS no.3 ya 🙏 #KendariSejati sbg ASN"
    prepared = prepare(source)
    for start, end in prepared.spans:
        assert 0 <= start < end <= len(source)
    assert source[slice(*prepared.spans[prepared.tokens.index("coblos")])] == "COBLOS"
    assert source[slice(*prepared.spans[prepared.tokens.index("_selfasn_")])] == "ASN"


def test_author_handle_is_split() -> None:
    author = prepare_author("pns_bappeda_kdi", "Rahma KasiTrantib", "PPPK Dinas Sosial | P3K")
    assert _words(author)[:3] == ("pns", "bappeda", "kdi")
    assert author.tokens.count("pppk") == 2 and author.tokens.count("_asn_") >= 4
