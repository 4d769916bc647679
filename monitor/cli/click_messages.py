"""click's own messages, as the cli catalog holds them: the ids that click's modules loaded by
`import click` (monitor.cli.help_text.CLICK_MODULES) pass to `_` and `ngettext`, listed here so
that `make messages` extracts them with Pantau's own. Never imported at run time;
tests/monitor/test_cli_help.py checks the list against the installed click's source, so an
upgrade of click that adds or rewords a message fails until it is listed and translated."""

from gettext import ngettext

from monitor.errors import N_

__all__ = ["MESSAGES", "PLURALS"]

MESSAGES = (
    N_("required"),  # click passes it as `_(extra["required"])`, which extraction cannot see
    N_('Aborted!'),
    N_('deprecated'),
    N_('Options'),
    N_('Positional arguments'),
    N_('DeprecationWarning: The command {name!r} is deprecated.{extra_message}'),
    N_('Commands'),
    N_('Missing command.'),
    N_('Value must be an iterable.'),
    N_('DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}'),
    N_("Name '{name}' defined twice"),
    N_('Boolean option {decl!r} cannot use the same flag for true/false.'),
    N_('Could not determine name for option with declarations {decls!r}'),
    N_("No options defined but a name was passed ({name}). Did you mean to declare an argument instead? Did you mean to pass '--{name}'?"),
    N_('env var: {var}'),
    N_('default: {default}'),
    N_('(dynamic)'),
    N_('Arguments take exactly one parameter declaration, got {length}: {decls}.'),
    N_('Do you want to continue?'),
    N_('Confirm the action without prompting.'),
    N_('%(prog)s, version %(version)s'),
    N_('Show the version and exit.'),
    N_('Show this message and exit.'),
    N_('Error: {message}'),
    N_("Try '{command} {option}' for help."),
    N_('Invalid value: {message}'),
    N_('Invalid value for {param_hint}: {message}'),
    N_('Missing argument'),
    N_('Missing option'),
    N_('Missing parameter'),
    N_('Missing {param_type}'),
    N_('Missing parameter: {param_name}'),
    N_('No such option {name!r}.'),
    N_('No such command {name!r}.'),
    N_('unknown error'),
    N_('Could not open file {filename!r}: {message}'),
    N_('Usage:'),
    N_('Invalid start character for option ({option})'),
    N_('Argument {name!r} takes {nargs} values.'),
    N_('Option {name!r} does not take a value.'),
    N_('Repeat for confirmation'),
    N_('Error: The two entered values do not match.'),
    N_('Error: invalid input'),
    N_('Unknown color {colour!r}'),
    N_('Press any key to continue...'),
    N_('Choose from:\n\t{choices}'),
    N_('Choice({choices})'),
    N_('{value!r} is not a valid {number_type}.'),
    N_('{value} is not in the range {range}.'),
    N_('{value!r} is not a valid boolean. Recognized values: {states}'),
    N_('{value!r} is not a valid UUID.'),
    N_('file'),
    N_('directory'),
    N_('path'),
    N_('{name} {filename!r} does not exist.'),
    N_('{name} {filename!r} is a file.'),
    N_('{name} {filename!r} is a directory.'),
    N_('{name} {filename!r} is not readable.'),
    N_('{name} {filename!r} is not writable.'),
    N_('{name} {filename!r} is not executable.'),
    N_("Unknown standard stream '{name}'"),
)

# Plural pairs: ngettext(singular, plural, 1) marks them for extraction.
PLURALS = (
    ngettext('Got unexpected extra argument ({args})',
             'Got unexpected extra arguments ({args})', 1),
    ngettext('Takes {nargs} values but 1 was given.',
             'Takes {nargs} values but {len} were given.', 1),
    ngettext('Did you mean {possibility}?',
             '(Did you mean one of: {possibilities}?)', 1),
    ngettext('Option {name!r} requires an argument.',
             'Option {name!r} requires {nargs} arguments.', 1),
    ngettext('{value!r} is not {choice}.',
             '{value!r} is not one of {choices}.', 1),
    ngettext('{value!r} does not match the format {format}.',
             '{value!r} does not match the formats {formats}.', 1),
    ngettext('{len_type} values are required, but {len_value} was given.',
             '{len_type} values are required, but {len_value} were given.', 1),
)
