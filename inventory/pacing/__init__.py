"""How fast Switchboard may go in one tenant's Teams: learnt from Teams' answers, shared fairly.

- `limit.AdaptiveLimit`: the arithmetic (AIMD) of how many Teams operations may be in flight.
- `gate.OperationGate`: one tenant's gate in front of Teams operations, with a share kept for the
  operators' own clicks; `gate.TenantGates` holds one per tenant.
- `lane`: which kind of work the current task does (interactive or bulk), so the Graph client can
  keep HTTP slots for interactive work and tell the gate what Teams answered.
"""
