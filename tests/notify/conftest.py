"""The panels' `setup` fixture (a demo LA with a meeting two days on), shared with the tests of
messages and letters that decide a referral at a panel."""

from tests.panels.test_panels import setup  # noqa: F401 (a fixture, found by pytest by name)
