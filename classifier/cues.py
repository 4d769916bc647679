"""Word lists from the labeling guide (§2 and §3), added as extra tokens next to the word.

The seed corpus cannot show every office or rank an ASN may name; tagging each cue word with
a shared token (`_asn_`, `_nonasn_`, `_camp_`) lets the model learn one weight per list and
carry it to cue words it saw rarely or never. The tag keeps the span of the word it tags, so
explanations still point at the word itself.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["CUE_TAGS", "FIRST_PERSON", "INSTITUTIONS", "NEEDS_STATUS", "SELF_ONLY", "SELF_WINDOW",
           "STATUS_WORDS", "cue_tag", "office_tag"]

_ASN = """
asn pns pppk cpns nip korpri tpp golongan eselon pangkat satker opd aparatur
sekda setda sekwan setwan kadis kaban kabid kabag kasubag kasubbag kasi kasie camat lurah
sekcam seklur dinas badan biro bkd bkpsdm bpsdm bappeda bapenda dukcapil disdukcapil kemenag
bps kemenkeu inspektorat disdik dikbud dinkes dinsos diskominfo kominfo bpbd dishub disnaker
distan dispar dlh pupr pemkab pemkot pemprov pemda kecamatan kelurahan puskesmas rsud
widyaiswara penyuluh sdn smpn sman smkn kepsek analis perencana pranata arsiparis auditor
fungsional struktural kakanwil kanwil kemendikbud kemendagri kemenkes bkn pegawai kepegawaian
uptd upt kua bpn lapas rutan kpp bpkad bpkpd bkpp dpmd dpmptsp disperindag disperkim dispora
sekretariat kedinasan sekdis sekdin kapus kapuskesmas disnakertrans dispenduk kesbangpol
dpmptsp bkpp kadisdik kadinkes kadinsos kadishub kadispora kadisnaker kakan kacab
"""
_NON_ASN = """
honorer thl kontrak ptt outsourcing outsource pensiunan purnawirawan purna mantan kades
sekdes kaur kadus perangkat relawan caleg kader timses simpatisan tni polri babinsa
bhabinkamtibmas bumn bumd swasta wiraswasta pedagang petani nelayan mahasiswa pelajar
ojol driver kpps pps panwascam pendamping istri suami dprd dewan fraksi partai yayasan
pesantren ponpes warga freelancer pengusaha
"""
_CAMPAIGN = """
coblos pilih menangkan memenangkan dukung mendukung paslon capres cawapres cagub cawagub cabup
cawabup cawalkot caleg kampanye deklarasi baliho spanduk stiker twibbon jargon menang
pemenangan timses tim sukses saksi visi misi nomor urut lanjutkan
"""

CUE_TAGS: dict[str, str] = {}
for _words, _tag in ((_CAMPAIGN, "_camp_"), (_NON_ASN, "_nonasn_"), (_ASN, "_asn_")):
    for _word in _words.split():
        CUE_TAGS[_word] = _tag

# Guide §2 "text cues that only an ASN would write": a cue word next to the author speaking of
# themself ("sy PNS", "sbg ASN", "NIP sy"), or a word only an ASN uses of their own job.
FIRST_PERSON = frozenset(["saya", "aku", "kami", "gue", "gua", "ane", "sebagai", "selaku", "kita"])
# First-person singular words: an ASN's own voice, in positives and in asn_neutral alike.
VOICE = frozenset(["sy", "saya", "aku", "gue", "gua", "ane", "sya", "ku"])
SELF_ONLY = frozenset(["nip", "korpri", "tpp", "pangkat", "golongan", "eselon"])
SELF_WINDOW = 3

# Heads and secretaries of offices are written as one word: Kadishub, Kadinsos, Sekdis PU.
_ASN_PREFIXES = ("kadis", "kadin", "sekdis", "kabid", "kabag", "kasubag", "kasubbag", "kasie")


# `office_words` (round 11): offices the guide's list lacks, and handles that glue an ASN word to
# a name or a place ("kppnpalu", "penyuluhkb", "pnsmuna", "kacabdis"). A separate list, read only
# by preparers with the flag, so that older models prepare as they were trained.
_ASN_MORE = frozenset("""
kppn kpknl djp djpb bpkp bpk kejari kejati kejaksaan pengadilan imigrasi bmkg bnn bnnk basarnas
kemenkumham kemensos kemenpan kementan kemenhub kemenpupr kemendes kemenaker kemenperin
kacabdis cabdis disdikbud dikpora dpkp dkp bapperida bappelitbangda
bakesbangpol kasubid kasubbid bapas kanim kantah kankemenag
""".split())
_OFFICE_PREFIXES = ("pns", "pppk", "cpns", "penyuluh", "kacab", "kppn", "widyaiswara", "dinkes",
                    "disdik", "dikbud", "dinsos", "bkpsdm", "bappeda", "dukcapil", "puskesmas",
                    "kemenag", "pemkab", "pemkot", "pemprov", "setda", "kecamatan",
                    "kelurahan", "sekcam", "bapenda", "bpbd")


# `explicit_status` (round 12, guide §2 "Needs an explicit status"): a teacher, a health
# worker or a Satpol PP member whose author fields have no status word and no structural post
# is no ASN for labeling ("Guru SDN 2 X", "Perawat RSUD"); the school's or hospital's `_asn_`
# tag is then `_unsure_`.
NEEDS_STATUS = frozenset("""guru perawat bidan satpol nakes ners dokter apoteker
pengajar tendik""".split())
STATUS_WORDS = frozenset("""asn pns pppk cpns nip aparatur korpri golongan pangkat eselon
kepala kepsek wakasek kapus kapuskesmas kabid kasi kasie kadis direktur kasubag kasubbag
pengawas struktural fungsional""".split())
INSTITUTIONS = frozenset("sdn smpn sman smkn rsud puskesmas".split())


@lru_cache(maxsize=100_000)
def office_tag(token: str, handle: bool = False) -> str | None:
    """`_asn_` for an office word outside the guide's list, and (`handle`) for a handle part
    that begins with an ASN word ("kppnpalu", "pnsmuna"); None otherwise."""
    if token in _ASN_MORE:
        return "_asn_"
    if handle and len(token) >= 6 and token.isalpha() and token.startswith(_OFFICE_PREFIXES):
        return "_asn_"
    return None


@lru_cache(maxsize=100_000)
def cue_tag(token: str) -> str | None:
    """The guide-list tag of one model token, if any."""
    tag = CUE_TAGS.get(token)
    if tag is None and len(token) > 5 and token.startswith(_ASN_PREFIXES):
        return "_asn_"
    return tag
