"""Placements, provider returns, reviews, reintegration plans and destinations.

Its models arrive with its issue.
"""
