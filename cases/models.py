"""Pupils, exclusions, AP referrals and Fair Access cases.

Its models arrive with its issue.
"""
