"""What every use case shares: the permission check and storage errors as service errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from monitor.errors import N_, Conflict, InvalidInput, NotFound, PermissionDenied, ServiceError
from monitor.policy import Actor, Right, can
from storage.errors import (
    DuplicateRow,
    InvalidValue,
    RowNotFound,
    SchemaNotReady,
    StaleVersion,
    StorageError,
)

__all__ = ["require", "storage_errors"]


def require(actor: Actor, right: Right) -> None:
    """Refuse with PermissionDenied unless the actor's role has the right."""
    if can(actor, right):
        return
    if actor.kind == "operator":
        raise PermissionDenied(N_("the local operator may not {right}: act as a named user with "
                                  "--as USER (or PANTAU_USER)"), right=right.value)
    raise PermissionDenied(N_("{actor} ({role}) may not {right}"), actor=actor.name,
                           role=actor.role or actor.kind, right=right.value)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Storage's error tree mapped onto the use cases' (monitor.errors), each keeping its
    template and values, so the message is translated where it is shown."""
    try:
        yield
    except ServiceError:
        raise
    except RowNotFound as exc:
        raise NotFound(exc.template, **exc.params) from exc
    except StaleVersion as exc:
        raise Conflict(exc.template, **exc.params) from exc
    except DuplicateRow as exc:
        raise Conflict(exc.template, **exc.params) from exc
    except InvalidValue as exc:
        raise InvalidInput(exc.template, **exc.params) from exc
    except SchemaNotReady as exc:
        raise ServiceError(exc.template, **exc.params) from exc
    except StorageError as exc:
        raise ServiceError(exc.template, **exc.params) from exc
