"""Counting the SQL statements a page runs, for the tests that hold a page to a fixed number."""
import threading

import pytest


class Counted:
    """While in use (`with Counted() as counted:`), counts the statements the database runs in the
    thread that made it (the page's own, the session's...): a background writer's (statistics,
    deferred writes) are not the page's."""

    def __init__(self):
        from ecole_ent import db
        self.count, self.engine, self.patch = 0, db.database.obj, pytest.MonkeyPatch()

    def __enter__(self):
        real, page_thread = self.engine.execute_sql, threading.get_ident()

        def counting(sql, params=None, *args, **kwargs):
            self.count += threading.get_ident() == page_thread
            return real(sql, params, *args, **kwargs)
        self.patch.setattr(self.engine, 'execute_sql', counting)
        return self

    def __exit__(self, *exc):
        self.patch.undo()
