from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.roles import Role
from accounts.services import user_create
from core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user bound to one area with one or more roles (SPEC §1.2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", required=True, help=f"role code, repeatable: {', '.join(Role.values)}"
        )
        parser.add_argument("--area", required=True, help="12-digit area code (15 for a group)")
        parser.add_argument("--password", help="initial password; prompted for when omitted")
        parser.add_argument("--department", default="", help="department code, required for department_screener")
        parser.add_argument("--name", default="", help="full name")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        if password is None:
            import getpass

            password = getpass.getpass("密码: ")
        try:
            user = user_create(
                username=options["username"],
                role_codes=options["role"],
                area_code=options["area"],
                password=password,
                department=options["department"],
                full_name=options["name"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        roles = "、".join(str(role.label) for role in sorted(user.roles))
        self.stdout.write(self.style.SUCCESS(f"已创建用户 {user.username}（{roles}，{user.area}）"))
