"""Suspensions and permanent exclusions, their moves, and the statutory clocks counted from them."""
