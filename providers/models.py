"""AP providers: directory, due diligence, capacity, prices.

Its models arrive with its issue.
"""
