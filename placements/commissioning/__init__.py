"""Placements themselves: the offer, the provider's answer, the end, caseload access, capacity."""
