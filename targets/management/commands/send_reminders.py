import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from targets.orders import escalation
from targets.supervision.problem_reminders import send_problem_reminders
from targets.supervision.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send the day's reminders (催办) to county reporters (the lead offices) and to the county "
        "departments holding measures still due, and to reviewers of counties long overdue; "
        "reminds the recipients of supervision orders to sign for or answer them and tells the "
        "superior scope of late orders; in the app and by email (sent by the task worker); and "
        "the rectification reminders of the problem list, in the app. Meant for a daily timer; "
        "running it again on the same day sends nothing twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--date", help="the day to send for, YYYY-MM-DD (default: today in Asia/Shanghai)"
        )

    def handle(self, *args, date: str | None, **options) -> None:
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date {date!r} is not a date of the form YYYY-MM-DD") from exc
        result = send_due_reminders(today)
        problems = send_problem_reminders(today)
        self.stdout.write(
            f"{today}: {len(result.sent)} reminders sent ({result.to_email} to be emailed); "
            f"{result.already} had already been sent today."
        )
        if problems:
            self.stdout.write(
                f"{today}: {len(problems)} rectification reminders sent (in the app)."
            )
        orders = escalation.run(today)
        if orders.reminded or orders.escalated:
            self.stdout.write(
                f"{today}: supervision orders: {len(orders.reminded)} reminders, "
                f"{len(orders.escalated)} escalations sent."
            )
