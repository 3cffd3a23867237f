"""What a process keeps of pages it rendered: a part of a page (a child's homework week, the inbox's
lines, the family feed) is kept under everything it shows, so a change to any of it is a new key
and a kept copy is never out of date; the queries still run on every view, only the template is
spared. The reader's language is part of every key (the same lines read in French and in Arabic
are two copies)."""
from .. import i18n


class Kept:
    """At most `size` values made by make() and kept under (language, key); all forgotten at once
    when full (a school's week of keys fits; a flood of new keys costs one clear, never a lock)."""

    def __init__(self, size):
        self.size, self._values = size, {}

    def get(self, key, make):
        key = (i18n.language(), key)
        found = self._values.get(key)
        if found is None:
            if len(self._values) >= self.size:
                self._values.clear()
            found = self._values[key] = make()
        return found

    def clear(self):
        self._values.clear()
