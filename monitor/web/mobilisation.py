"""Who is responsible in a mobilisation post, and who may be its victims (issue 12).

The seed study found that ASN are often not the initiators of campaign activity but staff
acting on an order from a superior. For a post in category `mobilisation` the page (and the
case report) names the instructing official as the one responsible and the staff as possible
victims, and points them to the confidential channel. The instructing official is the post's
author: the text may name someone else ("arahan pimpinan"), but guessing who from free text
would accuse a person the record does not show, so the wording says it is the author.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from monitor.errors import N_

__all__ = ["CONFIDENTIAL_CHANNEL", "MOBILISATION", "MobilisationRoles", "mobilisation_roles",
           "roles_wording"]

MOBILISATION = "mobilisation"
CONFIDENTIAL_CHANNEL = "/lapor"

_RESPONSIBLE = N_("Responsible: %(official)s, the official who gave the instruction "
                  "(the author of this post).")
_RESPONSIBLE_BIO = N_("Profile: %(bio)s")
_VICTIMS = N_("Possible victims: the staff who were instructed or pressured to attend or "
              "to support. They may have acted under orders and are not presumed to be the "
              "initiators.")
_CHANNEL = N_("Staff who were pressured can report it through the confidential channel:")


@dataclass(frozen=True, slots=True)
class MobilisationRoles:
    """The parties of a mobilisation post as shown to reviewers (values are scraped text)."""

    official: str
    bio: str
    channel: str = CONFIDENTIAL_CHANNEL


def mobilisation_roles(category: str | None, name: str = "", handle: str = "",
                       bio: str = "") -> MobilisationRoles | None:
    """The roles when `category` (decided, else predicted) is mobilisation; None otherwise."""
    if category != MOBILISATION:
        return None
    official = name.strip() or (f"@{handle.strip()}" if handle.strip() else "")
    return MobilisationRoles(official=official or "—", bio=bio.strip())


def roles_wording(roles: MobilisationRoles, gettext: Callable[[str], str]) -> dict[str, str]:
    """The sentences in the reader's language (plain text: escape where it is rendered)."""
    out = {"responsible": gettext(_RESPONSIBLE) % {"official": roles.official},
           "victims": gettext(_VICTIMS), "channel": gettext(_CHANNEL),
           "channel_url": roles.channel}
    if roles.bio:
        out["bio"] = gettext(_RESPONSIBLE_BIO) % {"bio": roles.bio}
    return out
