"""The cahier de liaison's periodic job: the automatic reminder before a note's deadline."""
from ..scheduler import job
from . import receipts


@job('liaison.reminders', every=3600, help='Relance les familles qui n’ont pas signé un mot, quelques jours '
                                           'avant sa date limite')
def reminders():
    receipts.remind_due()
