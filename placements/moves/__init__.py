"""Managed moves and off-site directions: tracked like placements, but not AP."""
