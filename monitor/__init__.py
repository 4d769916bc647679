"""Pantau's application shell: configuration, the use cases (monitor.services), the command line
(monitor.cli) and the web app (monitor.web). Its public interfaces are the `pantau` command and
the web app (interfaces.md), not Python names, so the package itself exports nothing."""

__all__: list[str] = []
