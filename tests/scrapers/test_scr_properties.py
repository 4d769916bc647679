"""Property tests over the open-ended inputs servers send: charset labels, ids, dates,
Retry-After values, option values, HTML fragments. Each either reads the value or refuses it in
the documented way; nothing else escapes."""

from __future__ import annotations

import math
import string

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.base import SourceConfig
from scrapers.bounded import load_json
from scrapers.charsets import LABELS, codec_for_label
from scrapers.dates import to_datetime
from scrapers.errors import InvalidSource, ParseError
from scrapers.ids import id_key
from scrapers.options import opt_int
from scrapers.retry import parse_retry_after
from scrapers.telegram.parse import page_number, parse_page
from scrapers.text import body_codec, decode_body, element_text, html_to_text
from scrapers.treetext import fragment_text

LABEL_TEXT = st.one_of(
    st.sampled_from(sorted(LABELS)),
    st.text(alphabet=string.ascii_letters + string.digits + "-_:.", max_size=20),
    st.text(max_size=20),
)
DIGITISH = st.text(alphabet="0123456789³²¹①٣๓፩₁⁹", min_size=1, max_size=12)


@settings(max_examples=400)
@given(label=LABEL_TEXT, body=st.binary(max_size=300), in_header=st.booleans())
def test_any_charset_label_decodes_or_falls_back(label: str, body: bytes, in_header: bool) -> None:
    if in_header:
        headers = {"content-type": f"text/html; charset={label}"}
    else:
        headers, body = {}, f'<meta charset="{label}">'.encode("utf-8", "replace") + body
    _codec, how = body_codec(body, headers)
    assert how in ("bom", "header", "document", "detected")
    assert isinstance(decode_body(body, headers), str)


@given(label=LABEL_TEXT)
def test_only_whatwg_labels_name_a_codec(label: str) -> None:
    codec = codec_for_label(label)
    assert (codec is None) or label.strip("\t\n\f\r ").lower() in LABELS


@settings(max_examples=300)
@given(number=DIGITISH, views=st.text(max_size=12), before=DIGITISH)
def test_telegram_ids_and_views_never_crash(number: str, views: str, before: str) -> None:
    safe_views = views.replace("<", "").replace("&", "")
    page = (
        f'<a class="tme_messages_more" data-before="{before}"></a>'
        f'<div class="tgme_widget_message" data-post="kanal/{number}">'
        f'<div class="tgme_widget_message_text">x</div>'
        f'<span class="tgme_widget_message_views">{safe_views}</span></div>'
    )
    parsed = parse_page(page)
    ascii_number = number.isascii() and number.isdecimal()
    assert len(parsed.records) == (1 if ascii_number else 0)
    assert parsed.before == (int(before) if before.isascii() and before.isdecimal() else None)
    for record in parsed.records:
        views_value = record.extra.get("views")
        assert views_value is None or (isinstance(views_value, int) and views_value >= 0)
    assert page_number(before) in (None, int(before) if before.isascii() else None)


@given(value=st.one_of(st.text(max_size=40), st.integers(), st.none(), st.floats()))
def test_to_datetime_never_raises(value: object) -> None:
    found = to_datetime(value)
    assert found is None or found.tzinfo is not None


@given(value=st.one_of(st.text(max_size=40), DIGITISH, st.from_regex(r"[0-9]{1,30}", fullmatch=True)))
def test_retry_after_is_none_or_finite_and_not_negative(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or (math.isfinite(seconds) and seconds >= 0)


@given(a=st.text(max_size=30), b=st.text(max_size=30))
def test_id_key_orders_any_ids(a: str, b: str) -> None:
    assert (id_key(a) < id_key(b)) or (id_key(a) >= id_key(b))
    if a.isascii() and a.isdecimal() and b.isascii() and b.isdecimal():
        assert (id_key(a) < id_key(b)) == (int(a) < int(b))


@given(value=st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.booleans()))
def test_option_numbers_are_read_or_refused(value: object) -> None:
    source = SourceConfig("s", "rss", "http://x/", options={"max_pages": value})
    try:
        assert opt_int(source, "max_pages", 5) >= 1
    except InvalidSource as exc:
        assert "max_pages" in str(exc)


@settings(max_examples=200)
@given(depth=st.integers(min_value=1, max_value=5000), extra=st.text(max_size=20))
def test_json_of_any_depth_loads_or_is_a_parse_error(depth: int, extra: str) -> None:
    text = "[" * depth + extra + "]" * depth
    try:
        load_json(text)
    except ParseError:
        pass


def _soup_text(markup: str) -> str:
    """The reading html_to_text always had: BeautifulSoup's html.parser + element_text."""
    return element_text(BeautifulSoup(markup, "html.parser"))


_TAGS = ["p", "div", "b", "em", "a", "span", "li", "ul", "ol", "h2", "blockquote", "br", "img",
         "hr", "script", "style", "template", "rt", "table", "td", "pre", "title", "textarea",
         "xmp", "iframe", "svg", "P", "BR"]
_TOKENS = st.one_of(
    st.sampled_from(
        [f"<{t}>" for t in _TAGS] + [f"</{t}>" for t in _TAGS]
        + ['<a href="/x?a=1&amp;b=2">', "<img src='a.png' alt=\"b > c\"/>", "<br/>", "<p/>",
           "&amp;", "&nbsp;", "&lt;", "&gt;", "&quot;", "&#233;", "&#x1F600;", "&#128;", "&#0;",
           "&#xD800;", "&apos;", "&hellip;", "&rsquo;", "&amp", "&foo;", "<!-- c -->", "<?pi?>",
           "<!---->", "<!-- a - b -->", "<!-->", "<!--->", "<!-- a --->", "--!>", "-->",
           "<![CDATA[x]]>", "<!DOCTYPE html>", " ", "\n", "\r", "\r\n", "\t", "\x0c", "\x00",
           "\u00a0", "\u2028", "a < b", "x<y", "<", ">", "&"]
    ),
    st.text(max_size=6),
)


def _balanced(children: list[str], tag: str) -> str:
    return f"<{tag}>{''.join(children)}</{tag}>"


_WELL_FORMED = st.recursive(
    st.one_of(
        st.text(max_size=8).map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;")),
        st.sampled_from(["<br>", "<br/>", "<img src='x'>", "&nbsp;", "&rsquo;", "&#8230;", " ", "\n"]),
    ),
    lambda inner: st.builds(
        _balanced,
        st.lists(inner, max_size=4),
        st.sampled_from(["p", "div", "b", "em", "a", "span", "li", "ul", "h2", "blockquote", "strong"]),
    ),
    max_leaves=25,
)


@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(parts=st.lists(_TOKENS, max_size=16))
def test_html_to_text_reads_any_tag_soup_as_html_parser_did(parts: list[str]) -> None:
    markup = "".join(parts)
    assert html_to_text(markup) == _soup_text(markup) if ("<" in markup or "&" in markup) else True


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(parts=st.lists(_WELL_FORMED, min_size=1, max_size=5))
def test_well_formed_fragments_read_by_lxml_read_the_same(parts: list[str]) -> None:
    markup = "".join(parts)
    text = fragment_text(markup)
    assert text is None or text == _soup_text(markup)


@pytest.mark.parametrize(
    "markup",
    [
        '<p>Ayo <a href="https://t.co/x?a=1&amp;b=2" rel="nofollow noopener">#coblos</a> '
        '<span class="h-card"><a href="/@budi">@<span>budi</span></a></span></p><p>Lagi</p>',
        "<div><p>Camat <b>hadir</b>&nbsp;di kampanye&hellip;<br/>Foto:</p>"
        "<img src='a.jpg' alt=\"x\"><ul><li>satu</li><li>dua &amp; tiga</li></ul></div>",
        "<blockquote><p>&#8220;Kutipan&#8221; &rsquo;</p></blockquote><h2>Judul</h2>",
        "<div><h2><span>Panel</span></h2><!-- end of panel --><div><p>Isi</p></div></div>",
    ],
)
def test_usual_post_content_takes_the_lxml_path(markup: str) -> None:
    text = fragment_text(markup)
    assert text is not None and text == _soup_text(markup)


@given(words=st.lists(st.text(min_size=1, max_size=10), min_size=1, max_size=8))
def test_escaped_text_in_paragraphs_loses_no_word(words: list[str]) -> None:
    markup = "".join(f"<p>{w.replace('&', '&amp;').replace('<', '&lt;')}</p>" for w in words)
    text = html_to_text(markup)
    assert text == _soup_text(markup)
    for word in words:
        for piece in word.replace("\r", " ").split():
            if piece.isprintable():
                assert piece in text


@pytest.mark.parametrize("depth", [199, 200, 201, 254, 255, 300, 5000])
def test_deeply_nested_fragments_keep_their_text(depth: int) -> None:
    """libxml2 drops text nested beyond ~255 levels, html.parser keeps it: deep fragments go
    through html.parser."""
    markup = "<b>" * depth + "Ayo coblos" + "</b>" * depth
    assert html_to_text(markup) == "Ayo coblos" == _soup_text(markup)


def test_fragments_read_in_many_threads_at_once_read_as_in_one() -> None:
    """Parsers run in worker threads (scrapers.paging): each reads with its own lxml parser."""
    from concurrent.futures import ThreadPoolExecutor

    fragments = [f"<p>Pos {n} <b>ASN</b> hadir<br>kampanye</p><ul><li>{n}</li></ul>" for n in range(400)]
    alone = [html_to_text(f) for f in fragments]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(html_to_text, fragments)) == alone
    assert alone[7] == "Pos 7 ASN hadir\nkampanye\n7"
