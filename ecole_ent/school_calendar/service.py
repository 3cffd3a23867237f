"""Which days a school has class. SKELETON (the helper building the calendar replaces the bodies,
keeping these names and signatures): other features call days(school_id) only.
"""
from datetime import timedelta

WEEKDAY_NAMES = ('lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche')


class SchoolDays:
    """The calendar of one school: built by days(school_id), cheap to ask again and again."""

    def __init__(self, weekdays=(0, 1, 3, 4)):
        self.weekdays = frozenset(weekdays)

    def closed_reason(self, day):
        """None on a school day; else why there is no class, in French ('Vacances de Noël',
        'Jour férié : Noël', 'Pas de classe le mercredi', 'Week-end')."""
        if day.weekday() >= 5 and day.weekday() not in self.weekdays:
            return 'Week-end'
        if day.weekday() not in self.weekdays:
            return f'Pas de classe le {WEEKDAY_NAMES[day.weekday()]}'
        return None

    def is_school_day(self, day):
        return self.closed_reason(day) is None

    def next_school_day(self, day):
        """The first school day strictly after `day`."""
        day += timedelta(days=1)
        for _ in range(400):
            if self.is_school_day(day):
                return day
            day += timedelta(days=1)
        return day

    def school_days(self, start, end):
        """The school days from start to end, both included."""
        return [start + timedelta(days=n) for n in range((end - start).days + 1)
                if self.is_school_day(start + timedelta(days=n))]


def days(school_id):
    """The SchoolDays of a school (from a short per-process cache)."""
    return SchoolDays()
