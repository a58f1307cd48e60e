"""The Fair Access Protocol: cases for unplaced children, the ledger of fair shares, allocation."""
