"""The demo school's calendar: zone B (académie de Nice, as its UAI says) and a four-day week,
saved as a director would (fixed values, no random draw)."""
from .service import DEFAULT_WEEKDAYS, store_calendar


def seed(demo):
    store_calendar(demo.school, 'B', DEFAULT_WEEKDAYS)
