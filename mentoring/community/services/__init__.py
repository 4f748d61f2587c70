"""Writes of the community, one module per topic: alumni (network and volunteers)."""
