import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from targets.accounts import passwords
from targets.audit import trail
from targets.models import ADMIN_KINDS, Role


class Command(BaseCommand):
    help = (
        "Create one of the three admin accounts of a new installation (system, security or audit "
        "admin; 三员). The password is asked for twice and must be changed at the first sign-in. "
        "Every other account is then made in the app."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ADMIN_KINDS)
        parser.add_argument("--name", default="", help="the person's full name")

    def handle(self, *args, username: str, role: str, name: str, **options) -> None:
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"An account named {username!r} exists already.")
        if Role.objects.filter(kind=role).exists():
            raise CommandError(f"A {role} exists already; make further accounts in the app.")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        user = User(username=username, first_name=name)
        try:
            validate_password(password, user)
        except ValidationError as problem:
            raise CommandError(" ".join(problem.messages)) from problem
        with transaction.atomic():
            user.set_password(password)
            user.save()
            Role.objects.create(user=user, kind=role)
            passwords.require_change(user)
            trail.record(
                "account.create", actor_name="manage.py", obj=user, changes={"role": [None, role]}
            )
        self.stdout.write(f"Created {username} ({role}); the password must be changed at sign-in.")
