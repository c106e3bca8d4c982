from django.core.management.base import BaseCommand

from calportal.outbox.services import deliver_due


class Command(BaseCommand):
    help = (
        "Send every queued e-mail that is due, now, from this process (the worker does it "
        "every minute; this is for an operator who wants it at once)."
    )

    def handle(self, *args, **options):
        sent = deliver_due()
        self.stdout.write(f"{sent} sent")
