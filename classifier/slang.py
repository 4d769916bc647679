"""Colloquial Indonesian abbreviations → standard words (one table, so it can be reviewed).

Chosen from the forms that Indonesian social-media posts use most; ASN-specific shorthand
(P3K, kadis) is expanded so that bio cues and text cues meet in one token.
"""

from __future__ import annotations

__all__ = ["SLANG"]

_PAIRS = """
yg yang|yng yang|utk untuk|utk2 untuk|untk untuk|gk tidak|ga tidak|gak tidak|nggak tidak|ngga tidak
enggak tidak|tdk tidak|tak tidak|g tidak|sdh sudah|udh sudah|udah sudah|dah sudah|sdah sudah
dgn dengan|dg dengan|dngn dengan|bgt banget|bngt banget|sy saya|sya saya|aq aku|gw gue|gua gue
sbg sebagai|dr dari|dri dari|jgn jangan|jngn jangan|tp tapi|tpi tapi|krn karena|karna karena|krna karena
dlm dalam|pd pada|kpd kepada|blm belum|blum belum|bs bisa|bsa bisa|lg lagi|lgi lagi|aja saja|ajah saja
sm sama|sma sama|org orang|orng orang|tmn teman|temen teman|kmrn kemarin|kmarin kemarin|bsk besok
hr hari|sdg sedang|lgsg langsung|msh masih|jd jadi|jdi jadi|klo kalau|kalo kalau|kl kalau|gmn bagaimana
gimana bagaimana|bgmn bagaimana|trs terus|trus terus|bnyk banyak|byk banyak|skrg sekarang|skrng sekarang
dpt dapat|spt seperti|sprt seperti|sblm sebelum|stlh setelah|thn tahun|bln bulan|no nomor|nmr nomor
nomer nomor|nmor nomor|bpk bapak|pak bapak|bp bapak|ibu ibu|bu ibu|kt kita|kta kita|km kamu|kmu kamu
ayok ayo|yuk ayo|yok ayo|ayuk ayo|yuuk ayo|mksh terima_kasih|makasih terima_kasih|trims terima_kasih
tks terima_kasih|thx terima_kasih|pny punya|pnya punya|smua semua|smuanya semuanya|sampe sampai|smpe sampai
ttg tentang|hrs harus|wkt waktu|krj kerja|kerjaa kerja|sdr saudara|sodara saudara|tgl tanggal|mnrt menurut
emg memang|emang memang|bkn bukan|bukn bukan|sj saja|aja2 saja|dl dulu|dlu dulu|pdhl padahal|bnr benar
bener benar|btw btw|mo mau|mw mau|pngn ingin|pengen ingin|pgn ingin|liat lihat|lht lihat|bljr belajar
ngajak mengajak|ajak ajak|coblos coblos|nyoblos coblos|dicoblos coblos|pilih pilih|milih pilih
p3k pppk|pppk pppk|www www|ppk ppk|kadis kepala dinas|kadin kepala dinas|kaban kepala badan|kades kepala desa
pj pj|plt plt|kec kecamatan|kab kabupaten|kel kelurahan|prov provinsi|pemkab pemkab|pemkot pemkot
"""

SLANG: dict[str, tuple[str, ...]] = {}
for _line in _PAIRS.strip().splitlines():
    for _pair in _line.split("|"):
        _short, _long = _pair.split(" ", 1)
        SLANG[_short] = tuple(_long.split())
