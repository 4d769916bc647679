"""The html adapter on lxml reads every page as it read the BeautifulSoup tree: the same elements
for every selector (soupsieve's semantics, walked by scrapers.css), the same records (text, ids,
authors, dates, links, next page), the same errors; unsupported pseudo-classes fall back."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from soupsieve import SelectorSyntaxError

from scrapers.bounded import PageBudget, parse_html
from scrapers.css import Unsupported, compile_selector
from scrapers.errors import InvalidSource
from scrapers.html.parse import _soup_items, parse_items
from scrapers.text import decode_body

TAGS = ["div", "p", "a", "span", "li", "ul", "h2", "time", "article", "br", "b", "template"]
CLASSES = ["post", "body", "who", "next", "x"]
ATTRS = ["data-id", "href", "id", "rel", "datetime", "title"]


def _path_of_lxml(element: object) -> tuple[int, ...]:
    path = []
    node = element
    while node.getparent() is not None:  # type: ignore[attr-defined]
        parent = node.getparent()  # type: ignore[attr-defined]
        siblings = [c for c in parent if isinstance(c.tag, str)]
        path.append(siblings.index(node))
        node = parent
    return tuple(reversed(path))


def _path_of_soup(tag: Tag) -> tuple[int, ...]:
    path = []
    node = tag
    while isinstance(node.parent, Tag) and node.parent.name != "[document]":
        siblings = [c for c in node.parent.children if isinstance(c, Tag)]
        path.append(next(i for i, c in enumerate(siblings) if c is node))
        node = node.parent
    return tuple(reversed(path))


def _same_selection(markup: str, selector: str) -> None:
    soup = BeautifulSoup(markup, "lxml")
    try:
        wanted = [_path_of_soup(t) for t in soup.select(selector)]
    except SelectorSyntaxError:
        with pytest.raises(SelectorSyntaxError):
            compile_selector(selector)
        return
    try:
        compiled = compile_selector(selector)
    except Unsupported:
        return
    found = [_path_of_lxml(e) for e in compiled.select(parse_html(markup))]
    assert found == wanted, selector


def _same_records(markup: str, options: dict[str, str]) -> None:
    try:
        want = _soup_items(markup, "http://x.example/a/", options, "web", PageBudget())
    except InvalidSource as exc:
        with pytest.raises(InvalidSource) as raised:
            parse_items(markup, "http://x.example/a/", options, "web")
        assert str(raised.value) == str(exc)
        return
    assert parse_items(markup, "http://x.example/a/", options, "web") == want, options


compound = st.builds(
    lambda tag, cls, attr, op, value: tag
    + (f".{cls}" if cls else "")
    + (f"[{attr}{op}{value!r}]" if attr and op else f"[{attr}]" if attr else ""),
    st.sampled_from([*TAGS, "*", ""]),
    st.sampled_from([None, *CLASSES]),
    st.sampled_from([None, *ATTRS, "class", "CLASS"]),
    st.sampled_from([None, "=", "^=", "$=", "*=", "~=", "|="]),
    st.sampled_from(["", "1", "/p", "post", "next", "a b", "post x"]),
).map(lambda s: s or "*")
selector = st.recursive(
    compound,
    lambda inner: st.one_of(
        st.builds(lambda a, c, b: f"{a}{c}{b}", inner, st.sampled_from([" ", " > ", " + ", " ~ ", ", "]), inner),
        st.builds(lambda a, b: f"{a}:not({b})", inner, compound),
        st.builds(lambda a, b: f"{a}:is({b})", compound, compound),
        st.builds(lambda a, c, b: f"{a}:has({c}{b})", compound, st.sampled_from(["", "> ", "+ ", "~ "]), compound),
        st.builds(lambda a: f"{a}:first-child", compound),
    ),
    max_leaves=4,
)
element = st.recursive(
    st.one_of(st.text(alphabet="ab <&\n\u00a0", max_size=5), st.just("<br>")),
    lambda inner: st.builds(
        lambda tag, cls, attrs, children: f"<{tag}"
        + (f' class="{cls}"' if cls else "")
        + "".join(f' {a}="{v}"' for a, v in attrs)
        + ">"
        + "".join(children)
        + (f"</{tag}>" if tag != "br" else ""),
        st.sampled_from(TAGS),
        st.sampled_from([None, *CLASSES, "post body", " post\tx "]),
        st.lists(st.tuples(st.sampled_from(ATTRS), st.sampled_from(["1", "/p/2", "next", "a b", " a\t b ", ""])), max_size=2),
        st.lists(inner, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(page=st.lists(element, min_size=1, max_size=4), css=selector)
def test_any_selector_picks_the_elements_soupsieve_picks(page: list[str], css: str) -> None:
    _same_selection("<html><body>" + "".join(page) + "</body></html>", css)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    page=st.lists(element, min_size=1, max_size=4),
    item=selector,
    parts=st.dictionaries(
        st.sampled_from(["text", "id", "author", "date", "link", "next"]), selector, max_size=4
    ),
)
def test_any_page_and_selectors_give_the_soup_records(
    page: list[str], item: str, parts: dict[str, str]
) -> None:
    _same_records("<html><body>" + "".join(page) + "</body></html>", {"item": item, **parts})


FIXTURE_SELECTORS = [
    {"item": "p"},
    {"item": "article", "text": ".entry-content"},
    {"item": "div p", "link": "a", "date": "time", "author": ".author", "id": "a"},
    {"item": "li > a", "id": "a", "next": "a[rel=next]"},
    {"item": "h2, h3", "text": "a", "link": "a"},
    {"item": "main div > p + p"},
    {"item": "nav ~ div", "text": "span"},
    {"item": "[class]", "date": "[datetime]"},
    {"item": "div:has(> p)", "text": "p"},
    {"item": "a[href^='/']:not([rel])"},
    {"item": "p:nth-of-type(2)"},  # walked by BeautifulSoup
]


@pytest.mark.parametrize("options", FIXTURE_SELECTORS, ids=lambda o: o["item"])
def test_real_pages_give_the_soup_records(fixtures_dir: Path, options: dict[str, str]) -> None:
    pages = sorted((fixtures_dir / "html").glob("*.html"))
    assert pages
    for file in pages:
        _same_records(decode_body(file.read_bytes()), options)


def test_unsupported_pseudo_classes_are_named_and_read_by_the_soup() -> None:
    with pytest.raises(Unsupported):
        compile_selector("li:nth-child(2)")
    page = "<ul><li>a</li><li>b</li></ul>"
    assert [r.text for r in parse_items(page, "http://x/", {"item": "li:nth-child(2)"}, "w").records] == ["b"]


def test_invalid_css_is_an_invalid_source_even_when_compiled_up_front() -> None:
    with pytest.raises(InvalidSource, match="invalid CSS selector"):
        parse_items("<p>x</p>", "http://x/", {"item": "p[", "text": "b"}, "w")
    with pytest.raises(InvalidSource, match="invalid CSS selector"):
        parse_items("<p>x</p>", "http://x/", {"item": "p", "text": "b)"}, "w")
    # a broken `text` selector is only used once an item matches (as under BeautifulSoup)
    page = parse_items("<p>x</p>", "http://x/", {"item": "li", "text": "b)"}, "w")
    assert page.errors == ["no element matches the item selector 'li'"]


def test_text_read_for_an_item_shows_in_its_author_as_it_did_in_the_soup() -> None:
    """element_text edited the soup (<br> → newline, newline after blocks); later reads of the
    same page see the edits. SoupText keeps them as marks."""
    page = '<div class="post"><p>Ayo <br>coblos</p><span class="who"><p>Budi</p><p>S.</p></span></div>'
    options = {"item": ".post", "author": ".who", "id": ".who"}
    (record,) = parse_items(page, "http://x/", options, "w").records
    assert record.text == "Ayo\ncoblos\nBudi\nS."
    assert record.author.name == "Budi\nS." and record.external_id == "Budi\nS."
    assert parse_items(page, "http://x/", options, "w") == _soup_items(
        page, "http://x/", options, "w", PageBudget()
    )


@pytest.mark.parametrize(
    "css",
    ["[class='post x']", "a[rel='nofollow me']", "[CLASS~=x]", "* > html", "p + a", "p ~ a", ":has(> a) p"],
)
def test_list_attributes_case_and_the_document_node_as_in_soupsieve(css: str) -> None:
    markup = '<html><body><p class=" post\tx ">a</p><a rel="nofollow  me">b</a></body></html>'
    assert BeautifulSoup(markup, "lxml").select(css)  # the case is not vacuous
    _same_selection(markup, css)
