"""Dashboards, scheduled and on-demand reports, PDFs and exports.

Its models arrive with its issue.
"""
