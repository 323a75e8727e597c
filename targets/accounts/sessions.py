"""Keys of what a session records at sign-in (targets.accounts.signals) and the middleware reads."""

SIGNED_IN_AT = "signed_in_at"
PASSWORD_CHANGE_DUE = "password_change_due"
