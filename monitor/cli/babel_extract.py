"""`make messages` extractor for monitor/cli: Babel's Python extractor (`_`, `N_`, `ngettext`,
...), plus the docstring of every function decorated as a click command or group
(`@cli.command(...)`, `@some_group.group(...)`, `@click.group(...)`), cleaned as click cleans
it — the docstring is the command's help and its message id (monitor/cli/help_text.py).
Named in monitor/locale/babel-cli.cfg; never imported at run time."""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from typing import IO, Any

from babel.messages.extract import extract_python

__all__ = ["extract_cli", "command_docstrings"]

_DECORATORS = {"command", "group"}


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr in _DECORATORS
    return isinstance(target, ast.Name) and target.id in _DECORATORS


def command_docstrings(source: str) -> Iterator[tuple[int, str]]:
    """(line, cleaned docstring) of each click command or group defined in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                _is_command(d) for d in node.decorator_list):
            docstring = ast.get_docstring(node, clean=True)
            if docstring:
                yield node.body[0].lineno, docstring


def extract_cli(fileobj: IO[bytes], keywords: Any, comment_tags: Collection[str],
                options: Any) -> Iterator[tuple[Any, ...]]:
    """Babel's (lineno, funcname, message(s), comments) for one file of monitor/cli."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    encoding = str(options.get("encoding", "utf-8"))
    for lineno, docstring in command_docstrings(source.decode(encoding)):
        yield lineno, None, docstring, []
