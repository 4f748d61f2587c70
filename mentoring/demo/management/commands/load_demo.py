from django.core.management.base import BaseCommand

from mentoring.demo.loader import DEMO_PASSWORD, load_demo
from mentoring.notifications.services import messages_muted


class Command(BaseCommand):
    help = "Load (or refresh) the demo organisation. Running it again never duplicates anything."

    def handle(self, *args, **options):
        # The demo people are fictional: the agreements, sessions and enrollments the demo creates notify nobody.
        with messages_muted():
            logins = load_demo()
        self.stdout.write(self.style.SUCCESS("Demo organisation ready. Sign in with any of these:"))
        for email, role in logins:
            self.stdout.write(f"  {email:<32} {role:<14} password: {DEMO_PASSWORD}")
