"""Each school's calendar: the days it has class (weekdays, public holidays, school holidays)."""
