"""An SMTP backend that connects quickly but waits patiently for the relay's answer.

Django's backend uses one socket timeout (``EMAIL_TIMEOUT``) for everything. A short one is right
for connecting — a relay that is down or silent should fail fast and be retried later — but wrong
for the reply to the message itself: a slow relay that has stored the message and answers late
would make us send it again. RFC 5321 §4.5.3.2 asks clients to wait up to 10 minutes for that
reply; ``EMAIL_REPLY_TIMEOUT`` (seconds, 120 by default — relays answer in well under a second
when healthy) is how long we wait once connected.
"""

from django.conf import settings
from django.core.mail.backends.smtp import EmailBackend


class PatientSMTPBackend(EmailBackend):
    def open(self):
        opened = super().open()
        if self.connection is not None and getattr(self.connection, "sock", None) is not None:
            self.connection.sock.settimeout(settings.EMAIL_REPLY_TIMEOUT)
        return opened
