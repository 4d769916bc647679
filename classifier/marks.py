"""Marks: tokens added after normalisation for signals that span words or forms.

A short campaign post carries its whole signal in a form the bag of words sees in pieces:
"coblos no 3", "#Kolaka02", "2️⃣", "salam dua jari", "27 Nov". Each mark is one shared
token (`_pairnum_`, `_handsign_`, `_elecday_`), so every form of the same signal shares a
weight and one the corpus names rarely still counts. `_notasn_` marks an ASN word that the
author does not hold ("calon CPNS", "pejuang PPPK", "belum PNS", "kontraktor Dinas PU",
"istri ASN"), so a relation to government is weighed apart from holding the status.
`_selfasn_` (always on) marks the author speaking of being an ASN ("sy PNS", "NIP sy").
A mark keeps the span of the word it marks, so explanations still point into the post.
"""

from __future__ import annotations

from classifier.cues import FIRST_PERSON, SELF_ONLY, SELF_WINDOW, cue_tag

__all__ = ["MARKS", "contest_context", "mark_text"]

MARKS = ("_selfasn_", "_pairnum_", "_handsign_", "_elecday_", "_notasn_", "_negcamp_", "_contest_")

_NUMBER_BEFORE = frozenset(["nomor", "urut", "coblos", "pilih", "paslon", "nomer", "angka", "no", "pasangan"])
_NUMBER_AFTER = frozenset(
    ["menang", "coblos", "pilih", "saja", "lanjut", "paten", "mantap", "juara", "jaya", "hebat", "menang2", "pasti", "periode", "☝", "✌", "🤟", "👆", "💪", "🔥"])
_HAND_EMOJI = frozenset(["☝", "✌", "🤟", "👆", "🤞", "🤙"])
_FINGER_COUNT = frozenset(["1", "2", "3", "4", "5", "satu", "dua", "tiga", "empat", "lima"])
_ELECTION_MONTH = {"14": ("feb", "februari", "pebruari"), "27": ("nov", "november", "nopember")}
_NOT_HOLDER = frozenset(
    ["calon", "pejuang", "otw", "menuju", "belum", "semoga", "gagal", "tes", "seleksi", "daftar", "pendaftaran", "mantan", "eks", "ex", "pensiunan", "purna", "istri", "suami", "anak", "bapakku", "ibuku", "kontraktor", "rekanan", "mitra", "vendor", "honorer", "bukan", "non", "lulus", "ikut", "persiapan", "try", "tryout", "bimbel", "latihan"])
_NOT_WINDOW = 2
# Relatives of an ASN who campaign themselves: "bapak sy PNS", "mertua sy guru PNS", "bokap kadis".
_KIN = frozenset(
    ["bapak", "bpk", "ayah", "papa", "bapa", "mama", "mamak", "ibu", "mertua", "menantu", "adik", "kakak", "om", "tante", "paman", "bibi", "bokap", "nyokap", "ortu", "abang", "sepupu", "ponakan", "keponakan", "nenek", "kakek", "ipar"])
_KIN_WINDOW = 3
# "nomor 1", "menang", "pilih", "dukung" in a match, an exam or a contest: not a pair number.
_CONTEST = frozenset(
    ["lomba", "pertandingan", "tanding", "turnamen", "liga", "porprov", "porseni", "o2sn", "mtq", "skor", "medali", "emas", "perak", "perunggu", "podium", "atlet", "pelatih", "futsal", "voli", "sepakbola", "bola", "dayung", "lari", "10k", "5k", "ujian", "soal", "tryout", "utbk", "nilai", "peringkat", "rangking", "ranking", "kategori", "punggung", "dada", "absen", "jersey", "kejurda", "olimpiade", "cerdas", "kelas", "adipura", "skripsi", "hadiah", "juri", "finish", "semifinal", "final"])
# `daily_numbers` (round 10): a queue, a room, a quiz or a form; numbers of daily work, not of
# a ballot ("antre nomor 47", "kuis: pilih jawaban … nomor 2", "kamar nomor 2 yg sy jaga").
_DAILY = frozenset(["antre", "antri", "antrean", "antrian", "loket", "kuis", "jawaban", "kamar",
                    "ruangan", "lantai", "halaman", "pasal", "formasi", "undian", "arisan",
                    "mapel", "nuptk"])
_CONTEST_DAILY = _CONTEST | _DAILY
_CONTEST_WINDOW = 4
# `contest_post`: in a post with a contest word and none of these, every number is a contest's
# ("Lomba 17an: tim RW 02 menang", "Adipura thn ini Baubau menang lagi! Nomor 1 …").
_ELECTION = frozenset(["paslon", "pilkada", "pilgub", "pilbup", "pilwali", "pilwalkot", "pileg",
                       "pilpres", "pemilu", "caleg", "capres", "cawapres", "cagub", "cabup",
                       "cawalkot", "partai", "coblos", "tps", "kpu", "kampanye", "calon",
                       "pasangan", "dapil", "relawan", "posko", "_handsign_"])
# "tdk ikut kampanye", "menolak dukung", "dilarang pasang baliho": a campaign word negated.
# Not "jangan": "jgn lupa coblos", "jgn ragu pilih 3", "jgn pilih yg …" all campaign.
_NEGATORS = frozenset(
    ["tidak", "tak", "bukan", "tanpa", "tolak", "menolak", "ditolak", "dilarang", "larangan", "melarang", "netral", "hindari", "menghindari", "enggan"])
_NEG_WINDOW = 3


# `selfref`: the working life of a post's holder as self-reference within a wider window
# ("sy ngantor lg di kantor camat", "absen finger di dinas", "tmn2 sekantor di Dinsos"),
# and the holder speaking as one of them ("ASN juga manusia", "PPPK jg punya pilihan",
# "jadi CPNS", "as a CPNS").
_WORK_SELF = frozenset(["ngantor", "sekantor", "apel", "absen", "finger", "lembur", "gajian",
                        "atasan", "latsar", "jadi", "as"])
_ALSO = frozenset(["juga", "jg", "jga", "pun"])
_ONE_OF_US = frozenset(["manusia", "punya", "boleh", "berhak", "warga", "rakyat", "bisa"])
_SELF_WIDE = 5
_SINGULAR = frozenset(["saya", "aku", "gue", "gua", "ane"])  # not "kami"/"kita": "se-Kec. … kita"


def mark_text(tokens: list[str], spans: list[tuple[int, int]], enabled: bool,
              negation: bool = False, kin: bool = False, contest: bool = False,
              selfref: bool = False, contest_post: bool = False,
              daily_numbers: bool = False) -> None:
    """Append marks (with the span of the word each marks) to one prepared text, in place.

    Each mark is looked for only when a set test says it can occur, so a post without
    numbers, ASN words or campaign words costs a few C-level set operations.
    """
    if not tokens:
        return
    has_asn = "_asn_" in tokens
    if not enabled:
        if has_asn:
            _mark_self_reference(tokens, spans, set(), _words(tokens))
        return
    present = set(tokens)
    numbers = not _NUMBER_TRIGGERS.isdisjoint(present)
    negate = negation and "_camp_" in present and not _NEGATORS.isdisjoint(present)
    if not (has_asn or numbers or negate):
        return
    words = _words(tokens)
    negated: set[int] = set()
    if has_asn and not (_NOT_HOLDER.isdisjoint(present) and (not kin or _KIN.isdisjoint(present))):
        negated = _mark_not_holder(tokens, spans, words, kin)
    if has_asn:
        _mark_self_reference(tokens, spans, negated, words, selfref)
    if numbers:
        contest_words = _CONTEST_DAILY if daily_numbers else _CONTEST
        in_contest = contest and not contest_words.isdisjoint(present)
        _mark_numbers(tokens, spans, words, in_contest,
                      in_contest and contest_post and _ELECTION.isdisjoint(present),
                      contest_words, daily_numbers)
    if negate:
        _mark_negated_campaign(tokens, spans, words)


def contest_context(tokens: tuple[str, ...] | list[str]) -> bool:
    """A post about a match, an exam, a queue or a quiz and nothing electoral: a contest or
    daily-work word, no election word, pair number or election day (the combiner's
    `+contest` column, round 10: "Tim voli menang 2-1, jersey nomor 2", "Antre nomor 47")."""
    present = set(tokens)
    return (not _CONTEST_DAILY.isdisjoint(present) and _ELECTION.isdisjoint(present)
            and "_pairnum_" not in present and "_elecday_" not in present)


# Normalised numbers are str(int(...)) of one or two digits: "0" … "99".
_SHORT_NUMBERS = frozenset(str(n) for n in range(100))
_NUMBER_TRIGGERS = _HAND_EMOJI | _SHORT_NUMBERS | {"jari"}
# `daily_numbers`: the numbers a ballot can carry (pairs, parties: 24 in 2024 with Aceh's local
# parties, list places); "nomor 47" is a queue's or a room's.
_BALLOT_NUMBERS = frozenset(str(n) for n in range(31))


def _words(tokens: list[str]) -> list[tuple[int, str]]:
    """(index, token) of the model words, without tags and placeholders."""
    return [(i, t) for i, t in enumerate(tokens) if t[0] != "_"]


def _mark_negated_campaign(tokens: list[str], spans: list[tuple[int, int]],
                           words: list[tuple[int, str]]) -> None:
    """`_negcamp_` on a campaign word within three words after a negator."""
    added = []
    last_negator = -100
    for k, (i, token) in enumerate(words):
        if token in _NEGATORS:
            last_negator = k
        elif k - last_negator <= _NEG_WINDOW and cue_tag(token) == "_camp_":
            added.append(spans[i])
    for span in added:
        tokens.append("_negcamp_")
        spans.append(span)


def _mark_self_reference(tokens: list[str], spans: list[tuple[int, int]], negated: set[int],
                         words: list[tuple[int, str]], wide: bool = False) -> None:
    """`_selfasn_` when the author speaks of being an ASN (not negated by `_notasn_`)."""
    for k, (i, token) in enumerate(words):
        if i in negated or cue_tag(token) != "_asn_":
            continue
        window = words[max(0, k - SELF_WINDOW):k + SELF_WINDOW + 1]
        if token in SELF_ONLY or any(w in FIRST_PERSON for _, w in window) or (
                wide and _speaks_as_holder(words, k)):
            tokens.append("_selfasn_")
            spans.append(spans[i])


def _speaks_as_holder(words: list[tuple[int, str]], k: int) -> bool:
    """`selfref`: the holder's working life or a singular first person within five words of
    the ASN word at `k`, or "ASN juga manusia" / "PPPK jg punya pilihan"."""
    wider = words[max(0, k - _SELF_WIDE):k + _SELF_WIDE + 1]
    after = [w for _, w in words[k + 1:k + 3]]
    return (any(w in _SINGULAR or w in _WORK_SELF for _, w in wider)
            or (len(after) == 2 and after[0] in _ALSO and after[1] in _ONE_OF_US))


def _mark_not_holder(tokens: list[str], spans: list[tuple[int, int]],
                     words: list[tuple[int, str]], kin: bool = False) -> set[int]:
    """`_notasn_` for ASN words the author aspires to, lost, or is related to; their indexes."""
    out: set[int] = set()
    for k, (i, token) in enumerate(words):
        if cue_tag(token) != "_asn_":
            continue
        if any(w in _NOT_HOLDER for _, w in words[max(0, k - _NOT_WINDOW):k]) or (
                kin and any(w in _KIN for _, w in words[max(0, k - _KIN_WINDOW):k])):
            out.add(i)
    for i in sorted(out):
        tokens.append("_notasn_")
        spans.append(spans[i])
    return out


def _mark_numbers(tokens: list[str], spans: list[tuple[int, int]],
                  words: list[tuple[int, str]], contest: bool = False,
                  whole_post: bool = False, contest_words: frozenset[str] = _CONTEST,
                  ballot_only: bool = False) -> None:
    """`_pairnum_`, `_handsign_` and `_elecday_` over the words (hashtag parts included);
    with `contest`, a number near a contest word (match, exam, race) is `_contest_` instead;
    with `whole_post` too (`contest_post`), every such number of the post is."""
    hashtags = {spans[i] for i, t in words if t[0] == "#"}
    near = ({k for k, (_, t) in enumerate(words) if t in contest_words} if contest else set())
    added: list[tuple[str, tuple[int, int]]] = []
    last = len(words) - 1
    for k in [k for k, (_, t) in enumerate(words) if t in _NUMBER_TRIGGERS]:
        i, token = words[k]
        prev = words[k - 1][1] if k else ""
        if token in _SHORT_NUMBERS:
            nxt = words[k + 1][1] if k < last else ""
            if nxt in _ELECTION_MONTH.get(token, ()):
                added.append(("_elecday_", spans[i]))
            elif ballot_only and token not in _BALLOT_NUMBERS:
                continue
            elif prev in _NUMBER_BEFORE or nxt in _NUMBER_AFTER or spans[i] in hashtags:
                if near and (whole_post or any(abs(k - c) <= _CONTEST_WINDOW for c in near)):
                    added.append(("_contest_", spans[i]))
                else:
                    added.append(("_pairnum_", spans[i]))
        elif token != "jari" or prev in _FINGER_COUNT:
            added.append(("_handsign_", spans[i]))
    for mark, span in added:
        tokens.append(mark)
        spans.append(span)
