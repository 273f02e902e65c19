"""Assignment rules: a tenant's ordered rules map a person's Entra attributes to a pool and a default
voice routing policy. Pure: the attributes, a rule, its words, and which rule a person matches.

A rule is one or more conditions (`department=Sales city=Seattle`), all of which must hold; values match
without case; `group=` matches a group the person is a member of (directly or through other groups) by
display name or object id. The first rule that matches, in order, decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from inventory.errors import SwitchboardError

# The words a rule uses, and the Graph user property each one reads.
ATTRIBUTES: dict[str, str] = {
    "department": "department",
    "usage": "usageLocation",
    "city": "city",
    "office": "officeLocation",
    "company": "companyName",
    "group": "transitiveMemberOf",
}
RULE_USAGE = (
    "Write it as: rule add department=Sales [city=Seattle] [usage=US] [office=...] [company=...] [group=...] "
    'pool=Sales [policy=US-Local] (quote values with spaces: office="Building 4")'
)
_PAIR = re.compile(r'(\w+)=("([^"]*)"|\S+)')


@dataclass(frozen=True)
class PersonAttributes:
    """What Entra says about a person, as far as rules read it (Graph /users and transitiveMemberOf)."""

    department: str | None = None
    usage_location: str | None = None
    city: str | None = None
    office_location: str | None = None
    company_name: str | None = None
    groups: tuple[tuple[str, str], ...] = ()  # (object id, display name) of each group

    def values(self, attribute: str) -> tuple[str, ...]:
        """What `attribute` (a rule's word) is for this person, lower-cased; several for groups."""
        if attribute == "group":
            return tuple(v.lower() for pair in self.groups for v in pair if v)
        single = {
            "department": self.department,
            "usage": self.usage_location,
            "city": self.city,
            "office": self.office_location,
            "company": self.company_name,
        }[attribute]
        return (single.lower(),) if single else ()


@dataclass(frozen=True)
class Rule:
    position: int  # 1 is tried first
    conditions: tuple[tuple[str, str], ...]  # (attribute word, value), all must hold
    pool: str
    policy: str | None = None
    id: int | None = field(default=None, compare=False)

    def matches(self, person: PersonAttributes) -> bool:
        return all(value.lower() in person.values(attribute) for attribute, value in self.conditions)

    @property
    def label(self) -> str:
        when = " and ".join(f"{a}={_quoted(v)}" for a, v in self.conditions)
        policy = f", policy {self.policy}" if self.policy else ""
        return f"rule {self.position}: {when} -> pool {self.pool}{policy}"


def first_match(rules: list[Rule], person: PersonAttributes) -> Rule | None:
    """The first rule, in order, whose conditions all hold for `person`."""
    return next((rule for rule in sorted(rules, key=lambda r: r.position) if rule.matches(person)), None)


@dataclass(frozen=True)
class RuleWords:
    conditions: tuple[tuple[str, str], ...]
    pool: str
    policy: str | None


def parse_rule(text: str) -> RuleWords:
    """`department=Sales city=Seattle pool=Sales policy=US-Local` as a rule's parts; refuses with how to write it."""
    pairs = [(m.group(1).lower(), m.group(3) if m.group(3) is not None else m.group(2)) for m in _PAIR.finditer(text)]
    leftover = _PAIR.sub("", text).strip()
    if leftover:
        raise SwitchboardError(f"'{leftover[:40]}' is not attribute=value. {RULE_USAGE}")
    unknown = sorted({key for key, _ in pairs} - {*ATTRIBUTES, "pool", "policy"})
    if unknown:
        raise SwitchboardError(f"Unknown: {', '.join(unknown)}. {RULE_USAGE}")
    values = dict(pairs)
    conditions = tuple((key, value.strip()[:128]) for key, value in pairs if key in ATTRIBUTES and value.strip())
    if len([key for key, _ in pairs if key in ("pool", "policy")]) != len({"pool", "policy"} & set(values)):
        raise SwitchboardError(f"Say pool= and policy= once each. {RULE_USAGE}")
    if not conditions:
        raise SwitchboardError(f"A rule needs at least one attribute to match. {RULE_USAGE}")
    pool = (values.get("pool") or "").strip()
    if not pool:
        raise SwitchboardError(f"A rule needs the pool its numbers come from. {RULE_USAGE}")
    return RuleWords(conditions, pool, (values.get("policy") or "").strip() or None)


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value
