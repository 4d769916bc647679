"""A click group whose commands are imported when first used, listed from a static table.

Start-up is most of what a short command costs: importing every command module (and what they
import) before parsing `pantau --help` took longer than the interpreter itself. The group lists
its commands and their help from `monitor.cli.index.COMMANDS`; looking a command up imports the
module that registers it (the modules still register with `@cli.command` on import). Anything
that walks every command (`cli.commands.items()`, shell completion of all names) loads them all.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from importlib import import_module
from typing import Any

import click

from monitor.cli.help_text import HelpGroup, translated
from monitor.i18n import cli_gettext

__all__ = ["LazyCommands", "LazyGroup"]


class LazyCommands(dict[str, click.Command]):
    """The group's command dict: a name's module is imported on first lookup of that name;
    iterating imports every module, so a caller that lists commands sees all of them."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        super().__init__()
        self.table = table

    def _load(self, name: str) -> None:
        if not dict.__contains__(self, name) and name in self.table:
            import_module(self.table[name][0])

    def load_all(self) -> None:
        for name in self.table:
            self._load(name)

    def get(self, name: str, default: Any = None) -> Any:
        self._load(name)
        return dict.get(self, name, default)

    def __getitem__(self, name: str) -> click.Command:
        self._load(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str):
            self._load(name)
        return dict.__contains__(self, name)

    def __iter__(self) -> Iterator[str]:
        self.load_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self.load_all()
        return dict.__len__(self)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.load_all()
        return dict.keys(self)

    def values(self) -> ValuesView[click.Command]:  # type: ignore[override]
        self.load_all()
        return dict.values(self)

    def items(self) -> ItemsView[str, click.Command]:  # type: ignore[override]
        self.load_all()
        return dict.items(self)


class LazyGroup(HelpGroup):
    """`click.Group` over LazyCommands: `--help` formats the table's help without importing.
    Its help texts, and the table's, are shown in the command line's language."""

    group_class = HelpGroup  # subgroups are plain (translated) groups, with no table

    def __init__(self, name: str | None = None, *, table: Mapping[str, tuple[str, str]],
                 **kwargs: Any) -> None:
        self.lazy = LazyCommands(table)
        super().__init__(name, self.lazy, **kwargs)
        self.table = table

    def _loaded(self, name: str) -> bool:
        return dict.__contains__(self.lazy, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        loaded = dict.keys(self.lazy)  # includes any registered outside the table
        return sorted(set(self.table) | set(loaded))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.table and not self._loaded(name):
                # shortened as click does, in the command line's language
                stand_in = click.Command(name, help=translated(self.table[name][1]))
                rows.append((name, stand_in.get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section(cli_gettext("Commands")):
            formatter.write_dl(rows)
