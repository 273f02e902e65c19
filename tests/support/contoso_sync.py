"""A three-number Contoso in the simulated tenant, for the sync tests: Adele with a Direct Routing number,
a spare Calling Plan number, and an auto attendant's number."""

from __future__ import annotations

from inventory.model import Actor
from inventory.teams.simulation import SimAccount, SimNumber, SimulatedTenant
from tests.support.clock import FakeClock

OLIVIA = Actor("obj-olivia", "olivia@contoso.test")
ADELE_NUMBER, SPARE_NUMBER, AA_NUMBER = "+12065550001", "+12065550002", "+12065550003"


def contoso_tenant(clock: FakeClock) -> SimulatedTenant:
    tenant = SimulatedTenant(
        name="contoso",
        accounts=[
            SimAccount(
                "obj-adele",
                "adele@contoso.test",
                "Adele Vance",
                enterprise_voice=True,
                voice_routing_policy="US-Unrestricted",
            ),
            SimAccount("obj-bob", "bob@contoso.test", "Bob Kelly", enterprise_voice=True),
            SimAccount(
                "obj-aa", "mainline@contoso.test", "Main Line AA", account_type="resourceAccount", enterprise_voice=True
            ),
        ],
        numbers=[SimNumber(SPARE_NUMBER, "callingPlan", city="Seattle", capabilities=["userAssignment"])],
        policies={"US-Unrestricted": "pol-1", "US-Local": "pol-2"},
        clock=clock,
    )
    tenant.assign_directly(ADELE_NUMBER, "obj-adele", number_type="directRouting", location_id="loc-sea")
    tenant.assign_directly(AA_NUMBER, "obj-aa", number_type="directRouting")
    return tenant
