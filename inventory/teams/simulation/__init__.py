"""A simulated Teams tenant: the records, how its operations run, its faults, its state file, and a generator.

`SimulatedTenant` is the one source of truth; `SimulatedPhoneSystem` serves it in process (other layers'
tests) and `inventory.teams.stand_in` serves it as Microsoft Graph over HTTP (the demo, the adapter's tests).
`generate_tenant` makes up a believable one from a seed, or builds one from a `generate.TenantCast` (the
demo's Contoso). The names other layers need are importable from here, so a test needs one import.
"""

from inventory.teams.simulation.faults import FaultKnobs, ScriptedFaults
from inventory.teams.simulation.generate import TenantSizes, generate_tenant
from inventory.teams.simulation.phone_system import SimulatedPhoneSystem
from inventory.teams.simulation.records import SimAccount, SimGroup, SimNumber
from inventory.teams.simulation.tenant import SimulatedTenant

__all__ = [
    "FaultKnobs",
    "ScriptedFaults",
    "SimAccount",
    "SimGroup",
    "SimNumber",
    "SimulatedPhoneSystem",
    "SimulatedTenant",
    "TenantSizes",
    "generate_tenant",
]
