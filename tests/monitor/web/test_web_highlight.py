"""Explanation terms are highlighted in escaped text, and never inside an escaped entity."""

from monitor.web.templating import highlight


def test_terms_are_marked_and_the_text_escaped() -> None:
    out = str(highlight('<script>alert(1)</script> Ayo COBLOS', ["coblos"]))
    assert out == "&lt;script&gt;alert(1)&lt;/script&gt; Ayo <mark>COBLOS</mark>"


def test_a_term_never_cuts_an_entity_in_two() -> None:
    assert str(highlight("A & B \"amp\"", ["amp", "quot"])) == (
        "A &amp; B &#34;<mark>amp</mark>&#34;")


def test_a_hostile_term_is_escaped_too() -> None:
    assert str(highlight("x <b> y", ["<b>"])) == "x <mark>&lt;b&gt;</mark> y"
