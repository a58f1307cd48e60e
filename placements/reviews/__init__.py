"""Placement reviews at the LA's interval, and what they decide."""
