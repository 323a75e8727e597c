"""Accounts: the admin duties (三员) and who may act on whose account."""
