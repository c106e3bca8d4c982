from django.core.management.base import BaseCommand

from calportal.outbox.services import deliver_due
from calportal.outbox.sms import deliver_due_sms


class Command(BaseCommand):
    help = (
        "Send every queued e-mail and text message that is due, now, from this process (the "
        "worker does it every minute; this is for an operator who wants it at once)."
    )

    def handle(self, *args, **options):
        sent = deliver_due()
        texted = deliver_due_sms()
        self.stdout.write(f"{sent} sent, {texted} text messages sent")
