"""Django's changepassword, held to the admin duties' rule: an admin duty's password is reset in
the app by its keeper duty (see ``targets.accounts.duties``), never from the server's shell.
Any other account's new password must be changed at its next sign-in, and the change is recorded.
(``targets`` is listed before ``django.contrib.auth`` so that this command replaces Django's.)"""

from django.contrib.auth.management.commands import changepassword
from django.core.management.base import CommandError

from targets.accounts import duties, passwords
from targets.audit import trail
from targets.models import AuditRecord


class Command(changepassword.Command):
    help = (
        "Set a new password for an account that holds no admin duty; it must be changed at the "
        "next sign-in. Admin duties' passwords are reset in the app by their keeper duty."
    )

    def handle(self, *args, **options):
        username = options["username"]
        if not username:
            raise CommandError("Name the account whose password to set.")
        user = changepassword.UserModel._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"user '{username}' does not exist")
        duty = duties.duty_of(user)
        if duty is not None:
            trail.record(
                duties.RESET_ACTIONS["password"],
                actor_name="manage.py",
                obj=user,
                outcome=AuditRecord.Outcome.FAILURE,
            )
            keeper = duties.KEEPER[duty]
            raise CommandError(
                f"{username} holds the {duty} duty: its password is reset in the app by the "
                f"{keeper} (nothing was changed)."
            )
        message = super().handle(*args, **options)
        passwords.require_change(user)
        trail.record(duties.RESET_ACTIONS["password"], actor_name="manage.py", obj=user)
        return message
