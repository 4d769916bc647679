"""Help in the command line's language: commands' docstrings, options' `help=` and click's own
words ("Usage:", "Options", "Show this message and exit.", usage errors) are English message ids
of the `cli` catalog, translated when help or an error is formatted — in the language of
PANTAU_LANG at that moment (default Indonesian), never at import.

- Commands and groups are `HelpCommand` / `HelpGroup` (the `pantau` group's `command_class` and
  `group_class`, so `@cli.command` and `@some_group.command` need nothing more): their `help`,
  `short_help` and `epilog` are stored as written and read translated.
- An option's or argument's `help=` is marked `N_("...")` for `make messages` (the docstrings
  of commands are found by monitor/cli/babel_extract.py); a command turns its plain
  `click.Option`s and `click.Argument`s into `HelpOption`s and `HelpArgument`s, whose `help` is
  read translated the same way (arguments are listed under "Positional arguments").
- click's own messages go through `gettext` names that its modules import; `install()` points
  them at the cli catalog. Their ids are listed in monitor/cli/click_messages.py for extraction.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import click

from monitor.errors import N_  # marks an id for extraction; translated where shown
from monitor.i18n import cli_gettext, cli_ngettext

__all__ = ["N_", "translated", "message_id", "HelpOption", "HelpArgument", "HelpCommand",
           "HelpGroup", "install", "CLICK_MODULES"]

# click's modules that `import click` loads and whose messages go through `_` / `ngettext`
# (click.shell_completion and click._termui_impl load on demand and keep click's English).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.termui", "click.types", "click.utils")


def translated(text: str | None) -> str | None:
    """A help text (a docstring as written, or a `help=` id) in the command line's language."""
    if not text:
        return text
    return cli_gettext(inspect.cleandoc(text))


def message_id(obj: click.Command | click.Parameter, attr: str = "help") -> str | None:
    """The English id behind a translated help attribute (as its catalog entry spells it), or
    None when `obj` has no such attribute or it is not translated (a plain click object)."""
    if not isinstance(getattr(type(obj), attr, None), _Translated):
        return None
    text = obj.__dict__.get(attr)
    return inspect.cleandoc(text) if text else None


class _Translated:
    """An attribute stored as the English id and read in the command line's language."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return translated(obj.__dict__.get(self.name))

    def __set__(self, obj: Any, value: str | None) -> None:
        obj.__dict__[self.name] = value


class HelpOption(click.Option):
    help = _Translated()


class HelpArgument(click.Argument):
    help = _Translated()


class _HelpTexts:
    help = _Translated()
    short_help = _Translated()
    epilog = _Translated()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # type: ignore[attr-defined]
            if type(param) is click.Option:  # same fields, only `help` read translated
                param.__class__ = HelpOption
            elif type(param) is click.Argument:
                param.__class__ = HelpArgument

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """click's --help, made once with its text already translated: kept as the id instead,
        read in the language of the moment like every other help text."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and type(option) is click.Option:
            option.__class__ = HelpOption
            option.help = N_("Show this message and exit.")
        return option  # type: ignore[no-any-return]


class HelpCommand(_HelpTexts, click.Command):
    """A command whose help texts are read in the command line's language."""


class HelpGroup(_HelpTexts, click.Group):
    """A group whose help texts are read in the command line's language; so are its commands'
    and subgroups'."""

    command_class = HelpCommand
    group_class: type[click.Group | type] | None = type  # subgroups: this group's class


def install() -> None:
    """Point click's message lookups at the cli catalog (looked up per message, so each is in
    the language PANTAU_LANG names when it is shown)."""
    for name in CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = cli_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = cli_ngettext  # type: ignore[attr-defined]
