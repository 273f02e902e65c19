"""Helpers shared by the test tiers: fakes, clocks, card validation."""
