"""Helpers shared by the test tiers: fakes, clocks, card validation, the Playground driver and the demo stack."""
