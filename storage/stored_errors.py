"""An error kept in a row as its English text and, when it was raised with one, its template and
values (storage.errors.TemplatedError), so it can be shown in a reader's language later.

The English text stays the row's authority (listings, logs and audit entries read it as it is);
the template and values are written beside it and cleared by every writer of a text that has
none. A text may carry a prefix before the template's rendering (`FetchError: <message>`): the
part the template renders is translated and the prefix kept, an error's kind (a class name,
storage.errors.ERROR_KINDS) said as its label in the reader's language. A text the template does not
render (written by a writer that knew no template, or cut at the column's limit) is shown in
English, as is any text without a template (its kind still said as its label).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from storage.errors import ERROR_KINDS, Message, Worded, render

__all__ = ["ERROR_LIMIT", "error_fields", "joined_error_fields", "kind_in_language",
           "params_from_json", "params_to_json", "text_in_language"]


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Worded):  # the outside text too: it is the English rendering
        return {"template": value.template, "params": params_to_json(value.params),
                "text": str(value)}
    if isinstance(value, Message):
        return {"template": value.template, "params": params_to_json(value.params)}
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # NaN and Infinity are no JSON
    if value is None or isinstance(value, str | int | float):
        return value  # bool is an int
    return str(value)


def params_to_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """An error's values as JSON: a `Message` value as its template and values, a value JSON
    cannot hold as its text."""
    return {str(key): _value_to_json(value) for key, value in params.items()}


ERROR_LIMIT = 2000  # characters of sources.last_error kept


def params_from_json(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The values `params_to_json` stored, a `Message` (or `Worded`) value rebuilt."""
    values: dict[str, Any] = {}
    for key, value in (stored or {}).items():
        if isinstance(value, Mapping) and set(value) == {"template", "params"}:
            value = Message(str(value["template"]), **params_from_json(value["params"]))
        elif isinstance(value, Mapping) and set(value) == {"template", "params", "text"}:
            value = Worded(str(value["text"]), str(value["template"]),
                           **params_from_json(value["params"]))
        values[key] = value
    return values


def error_fields(text: str, template: str | None = None,
                 params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A row's `last_error`, `last_error_template` and `last_error_params` for an error's text
    (cut at ERROR_LIMIT) and, if it was raised with one, its template and values (a `Message`
    text without them brings its own); NULLs without. Every writer of `last_error` goes through
    here, so no stale template outlives the text it rendered."""
    if template is None and isinstance(text, Message):
        template, params = text.template, text.params
    return {"last_error": text[:ERROR_LIMIT], "last_error_template": template or None,
            "last_error_params": params_to_json(params or {}) if template else None}


def joined_error_fields(errors: Sequence[str], separator: str = "; ") -> dict[str, Any]:
    """`error_fields` of several errors joined (a run that succeeded with some pages or items
    failing): one that is a `Message` keeps its template and values; several, when any is one,
    a template joining them, `{e0}; {e1}`, each error its value (structure, no message id: only
    the errors' own templates translate). A joined text longer than ERROR_LIMIT is cut and kept
    without a template, shown in English as any cut text is."""
    text = separator.join(errors)
    if len(text) > ERROR_LIMIT or not any(isinstance(error, Message) for error in errors):
        return error_fields(text)
    if len(errors) == 1 and isinstance(errors[0], Message):
        return error_fields(text, errors[0].template, errors[0].params)
    template = separator.replace("{", "{{").replace("}", "}}").join(
        f"{{e{n}}}" for n in range(len(errors)))
    return error_fields(text, template, {f"e{n}": error for n, error in enumerate(errors)})


def text_in_language(text: str | None, template: str | None, params: Mapping[str, Any] | None,
                     gettext: Callable[[str], str] | None) -> str | None:
    """A stored error text in the language of `gettext`: the part its template renders
    translated (with whatever precedes it kept), else the stored text as it is; either way
    an error's kind it begins with said as its label (`kind_in_language`)."""
    if text is None or gettext is None:
        return text
    return kind_in_language(_rendered(text, template, params, gettext), gettext)


def _rendered(text: str, template: str | None, params: Mapping[str, Any] | None,
              gettext: Callable[[str], str]) -> str:
    if not template:
        return text
    values = params_from_json(params)
    try:
        english = render(template, values)
    except (KeyError, IndexError, ValueError):
        return text
    if not english or not text.endswith(english):
        return text
    return text[:len(text) - len(english)] + render(template, values, gettext)


def kind_in_language(text: str, gettext: Callable[[str], str]) -> str:
    """A text that begins with an error's kind, `FetchError: …` (a class name, kept in the
    stored English for scripts), with the kind said as its label in the language of
    `gettext` (storage.errors.ERROR_KINDS), `Gagal mengambil: …`; any other text as it is."""
    name, separator, rest = text.partition(": ")
    label = ERROR_KINDS.get(name) if separator else None
    return text if label is None else render(label, {}, gettext) + separator + rest
