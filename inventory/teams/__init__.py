"""Teams Phone adapters: the PhoneSystem port over Microsoft Graph, and a simulated tenant.

- `factory.phone_system_for(tenant)` builds a `graph.GraphPhoneSystem` (production and demo).
- `simulation.SimulatedPhoneSystem` runs a `simulation.SimulatedTenant` in process (other layers' tests).
- `stand_in.server.start_graph_server(tenant)` serves a simulated tenant as Graph over HTTP (demo, tests).
- `checks.check_tenant(tenant)` probes a tenant for `switchboard tenants`.

Nothing is imported here, so importing one module never pulls in aiohttp.web or msal needlessly.
"""
