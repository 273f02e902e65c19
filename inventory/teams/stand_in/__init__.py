"""A Microsoft Graph stand-in over a SimulatedTenant: the demo's "Teams" and the Graph adapter's test target.

`server.start_graph_server(tenant)` serves it on a local port; `app` holds what every request goes through
(auth, faults, the request log); the routes are in `number_routes`, `account_routes` and `token_route`.
`python -m inventory.teams.stand_in` runs it on its own.
"""
