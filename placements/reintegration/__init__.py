"""Reintegration plans back to school, and the follow-ups that check the return held."""
