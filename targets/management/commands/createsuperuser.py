"""Django's createsuperuser, refused: this app grants nothing to Django's superuser flag, and its
admin accounts are the three separated duties, made with ``create_admin``."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Refused: use create_admin to make the system, security or audit admin."

    def add_arguments(self, parser) -> None:
        parser.add_argument("args", nargs="*")
        parser.add_argument("--noinput", "--no-input", action="store_true")
        parser.add_argument("--username")
        parser.add_argument("--email")

    def handle(self, *args, **options) -> None:
        raise CommandError(
            "Superusers are not used: make an admin with "
            "`manage.py create_admin USERNAME --role system_admin|security_admin|audit_admin`."
        )
