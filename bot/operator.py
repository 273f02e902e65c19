"""Who is acting in a turn: their identity, role and the tenants they may touch, and the checks on them."""

from __future__ import annotations

from dataclasses import dataclass

from inventory.config import Role
from inventory.errors import AccessDenied
from inventory.model import Actor


@dataclass(frozen=True)
class Operator:
    actor: Actor
    role: Role
    tenants: tuple[str, ...]  # configured tenant names this operator may touch

    def require(self, role: Role, what: str) -> None:
        if self.role < role:
            raise AccessDenied(
                f"Sorry, {what} needs the {role.name.lower()} role; you are a {self.role.name.lower()}. "
                "Ask a Switchboard admin if you need it."
            )

    def require_tenant(self, tenant: str) -> None:
        if tenant not in self.tenants:
            raise AccessDenied(f"Sorry, you are not allowed to work on tenant '{tenant}'.")
