"""Residents' supervision of government work, units and cadres (社区监督)."""
