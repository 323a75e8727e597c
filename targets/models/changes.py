"""Changes the domain announces that the models' own signals do not tell: decisions on many
records at once, reminders, records written in bulk (which send no post_save) and the supervision
rules in force. Defined beside the models, the lowest layer, so that every area may send them and
a listener in a lower layer (the shared page cache's receivers) hears them without importing the
area that sent them. Each is sent with the announcing module's name as ``sender``."""

from django.dispatch import Signal

# Notes and indicator values approved or returned (``items``), inside the decision's transaction.
reviewed = Signal()

# A provincial department's opinion on a county note (``note``): the review queue shows it.
opinion_given = Signal()

# Reminders sent (``notifications``), daily or by a reviewer's hand.
reminders_sent = Signal()

# Records of ``models`` created or changed in bulk: demo data, a cadence's periods.
written_in_bulk = Signal()

# The supervision rules changed; every app process applies them within ``reach_seconds``.
rules_changed = Signal()
