"""Panel meetings: agenda, attendance, conflicts, decisions, actions and minutes.

Its models arrive with its issue.
"""
