import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

ROLES = {"editor": "Editor", "administrator": "Administrator"}


class Command(BaseCommand):
    help = (
        "Create a staff account with the Editor role (or --role administrator). The password is "
        "asked for twice, or read from standard input with --password-stdin; there is no default."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from the first line of stdin."
        )

    def handle(self, *args, username, email, role, password_stdin, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} already exists.")
        try:
            group = Group.objects.get(name=ROLES[role])
        except Group.DoesNotExist as exc:
            raise CommandError(f"The {ROLES[role]} role is missing: run `manage.py migrate` first.") from exc
        password = self.read_password(password_stdin)
        user = User(username=username, email=email, is_staff=True)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(f"Created {ROLES[role].lower()} {username!r}. Sign in at /admin/.")

    def read_password(self, from_stdin):
        if from_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        if not password:
            raise CommandError("A password is required; there is no default.")
        return password
