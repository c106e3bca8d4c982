from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from calportal.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off. Never do this on a real deployment.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a production configuration. The demo data "
                "creates logins with a published password, so it is not loaded. "
                "Use --force only on a throw-away installation."
            )
        logins = demo_data_load()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded. Demo logins (password: {DEMO_PASSWORD}):")
        )
        for login in logins:
            self.stdout.write(f"  {login.role.value:<22} {login.email}")
