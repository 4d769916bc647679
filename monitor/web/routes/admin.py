"""Administration: sources (list with health, add, disable) and users (add, change role,
deactivate — through the users use cases; a deactivated user's sessions end at once)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from monitor.config import ConfigError, SourceSpec, parse_duration
from monitor.errors import N_, Conflict, InvalidInput
from monitor.policy import Right
from monitor.services.dashboard import sources_health
from monitor.services.sources import add_source, set_enabled
from monitor.services.users import ROLES, add_user, deactivate, list_users, set_role
from monitor.sources import SourceError
from monitor.web.deps import WebContext, check_csrf, db_of, page, page_user, require, settings_of
from scrapers import ADAPTERS

__all__ = ["router"]

router = APIRouter()


def _sources_page(ctx: WebContext, status: int = 200, error: str | None = None) -> Response:
    sources = sources_health(db_of(ctx.request), require(ctx, Right.MANAGE_SOURCES))
    return page(ctx, "sources.html", status, data={"sources": sources}, source_actions=True,
                types=sorted(ADAPTERS), error=error)


@router.get("/sources")
def sources_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _sources_page(ctx)


@router.post("/sources")
def source_add(ctx: Annotated[WebContext, Depends(page_user)],
               name: Annotated[str, Form()] = "", type: Annotated[str, Form()] = "",
               url: Annotated[str, Form()] = "", interval: Annotated[str, Form()] = "",
               region: Annotated[str, Form()] = "",
               csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_SOURCES)
    try:
        spec = SourceSpec(name=name.strip(), type=type, url=url.strip(),
                          interval=parse_duration(interval) if interval.strip() else None,
                          region=region.strip() or None)
        if not spec.name or not spec.url:
            raise InvalidInput(N_("a source needs a name and an address"))
        add_source(db_of(ctx.request), actor, spec, settings_of(ctx.request))
    except (SourceError, ConfigError, InvalidInput, Conflict) as exc:
        return _sources_page(ctx, 422, error=ctx.error_text(exc))
    return RedirectResponse("/sources", status_code=303)


@router.post("/sources/disable")
def source_disable(ctx: Annotated[WebContext, Depends(page_user)],
                   name: Annotated[str, Form()] = "",
                   csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_SOURCES)
    set_enabled(db_of(ctx.request), actor, name, False)
    return RedirectResponse("/sources", status_code=303)


def _users_page(ctx: WebContext, status: int = 200, error: str | None = None) -> Response:
    actor = require(ctx, Right.MANAGE_USERS)
    return page(ctx, "users.html", status, users=list_users(db_of(ctx.request), actor),
                roles=ROLES, error=error)


@router.get("/users")
def users_page(ctx: Annotated[WebContext, Depends(page_user)]) -> Response:
    return _users_page(ctx)


@router.post("/users")
def user_add(ctx: Annotated[WebContext, Depends(page_user)],
             username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
             role: Annotated[str, Form()] = "monitor",
             csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_USERS)
    add_user(db_of(ctx.request), actor, username.strip(), password, role)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/role")
def user_role(ctx: Annotated[WebContext, Depends(page_user)],
              username: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
              csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_USERS)
    set_role(db_of(ctx.request), actor, username, role)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/deactivate")
def user_deactivate(ctx: Annotated[WebContext, Depends(page_user)],
                    username: Annotated[str, Form()] = "",
                    csrf_token: Annotated[str, Form()] = "") -> Response:
    check_csrf(ctx, csrf_token)
    actor = require(ctx, Right.MANAGE_USERS)
    deactivate(db_of(ctx.request), actor, username)
    return RedirectResponse("/users", status_code=303)
