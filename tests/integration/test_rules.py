"""Assignment rules on both databases: added in order (the pool must exist, the policy be allowed),
moved and deleted with every position kept 1..n, each change audited; the first matching rule gives a
person the first free number of its pool, read from what Entra says about them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from inventory.config import TenantConfig
from inventory.e164 import parse_range
from inventory.errors import NotFound, SwitchboardError
from inventory.model import Actor, NumberStatus
from inventory.rules import PersonAttributes
from inventory.services.imports import import_range
from inventory.services.rules import RuleService
from inventory.store.engine import Store
from inventory.store.tables import audit_events
from inventory.teams.simulation import SimAccount, SimGroup, SimulatedPhoneSystem, SimulatedTenant
from tests.support.clock import FakeClock
from tests.support.services import one_tenant

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
ADELE = SimAccount(
    "obj-adele",
    "adele@contoso.test",
    "Adele Vance",
    enterprise_voice=True,
    department="Sales",
    usage_location="US",
    city="Seattle",
    member_of=[SimGroup("grp-vip", "VIP Callers")],
)


@pytest.fixture
async def pools(store: Store, clock: FakeClock) -> Store:
    """Sales-SEA has +1 206 555 0100-0102, Sales 0200-0201, Support 0300."""
    for numbers, pool in (
        ("+12065550100-+12065550102", "Sales-SEA"),
        ("+12065550200-+12065550201", "Sales"),
        ("+12065550300-+12065550300", "Support"),
    ):
        await import_range(store, "contoso", parse_range(numbers), actor=OLIVIA, clock=clock, pool=pool)
    return store


def rules(store: Store, clock: FakeClock) -> RuleService:
    teams = SimulatedTenant(name="contoso", accounts=[ADELE], clock=clock)
    config = TenantConfig(name="contoso", display_name="Contoso", allowed_policies=("US-Local", "US-Intl"))
    return RuleService(one_tenant(store, SimulatedPhoneSystem(teams, clock=clock), config, clock))


async def test_the_first_matching_rule_in_order_gives_the_first_free_number_of_its_pool(
    pools: Store, clock: FakeClock
) -> None:
    service = rules(pools, clock)
    await service.add("contoso", "department=sales pool=sales policy=us-intl", OLIVIA)
    await service.add("contoso", "department=Sales city=Seattle pool=Sales-SEA policy=US-Local", OLIVIA)
    person = await service.person("contoso", ADELE.id)
    chosen = await service.next_for("contoso", person)
    assert chosen is not None
    assert chosen.rule.position == 1  # the broader rule comes first, so it decides
    assert (chosen.rule.pool, chosen.policy) == ("Sales", "US-Intl")  # names as the tenant spells them
    assert chosen.number is not None
    assert chosen.number.number == "+12065550200"
    await service.move("contoso", 2, 1, OLIVIA)
    chosen = await service.next_for("contoso", person)
    assert chosen is not None
    assert chosen.number is not None
    assert (chosen.rule.label, chosen.number.number) == (
        "rule 1: department=Sales and city=Seattle -> pool Sales-SEA, policy US-Local",
        "+12065550100",
    )


async def test_a_group_rule_matches_by_group_name_or_id_and_no_match_is_none(pools: Store, clock: FakeClock) -> None:
    service = rules(pools, clock)
    await service.add("contoso", 'group="vip callers" pool=Support', OLIVIA)
    adele = await service.person("contoso", ADELE.id)
    chosen = await service.next_for("contoso", adele)
    assert chosen is not None
    assert chosen.rule.pool == "Support"
    assert await service.next_for("contoso", PersonAttributes(department="Sales", groups=(("grp-x", "X"),))) is None


async def test_a_pool_with_nothing_free_is_said_with_the_rule_that_chose_it(pools: Store, clock: FakeClock) -> None:
    service = rules(pools, clock)
    await service.add("contoso", "usage=US pool=Support", OLIVIA)
    async with pools.write() as uow:
        current = await uow.numbers.get("contoso", "+12065550300")
        assert current is not None
        used = current.touched("setup", clock.now(), status=NumberStatus.USED)
        await uow.numbers.save(current, used, action="assign", actor=OLIVIA, correlation_id="c")
    chosen = await service.next_for("contoso", await service.person("contoso", ADELE.id))
    assert chosen is not None
    assert (chosen.rule.pool, chosen.number) == ("Support", None)


@pytest.mark.parametrize(
    ("words", "why"),
    [
        ("pool=Sales", "at least one attribute"),
        ("department=Sales", "the pool its numbers come from"),
        ("department=Sales pool=Marketing", "no pool called 'Marketing'"),
        ("department=Sales pool=Sales policy=Worldwide", "Worldwide is not a policy contoso allows"),
        ("colour=blue pool=Sales", "Unknown: colour"),
        ("department Sales pool=Sales", "is not attribute=value"),
        ("department=Sales pool=Sales pool=Support", "once each"),
    ],
)
async def test_a_rule_that_cannot_work_is_refused_and_nothing_is_stored(
    pools: Store, clock: FakeClock, words: str, why: str
) -> None:
    service = rules(pools, clock)
    with pytest.raises(SwitchboardError, match=why):
        await service.add("contoso", words, OLIVIA)
    assert await service.listing("contoso") == []


async def test_deleting_and_moving_keep_positions_one_to_n_and_every_change_is_audited(
    pools: Store, clock: FakeClock
) -> None:
    service = rules(pools, clock)
    for department in ("A", "B", "C"):
        await service.add("contoso", f"department={department} pool=Sales", OLIVIA)
    await service.delete("contoso", 1, OLIVIA)
    await service.add("contoso", "department=D pool=Sales", OLIVIA)
    await service.move("contoso", 3, 1, OLIVIA)
    listed = await service.listing("contoso")
    assert [(r.position, r.conditions[0][1]) for r in listed] == [(1, "D"), (2, "B"), (3, "C")]
    with pytest.raises(NotFound, match="no rule 4"):
        await service.delete("contoso", 4, OLIVIA)
    with pytest.raises(SwitchboardError, match="from 1 to 3"):
        await service.move("contoso", 1, 9, OLIVIA)
    async with pools.read() as uow:
        query = select(audit_events.c.action).where(audit_events.c.action.like("%-rule")).order_by(audit_events.c.id)
        actions = [row.action for row in await uow.connection.execute(query)]
    assert actions == ["add-rule", "add-rule", "add-rule", "delete-rule", "move-rule", "add-rule", "move-rule"]
