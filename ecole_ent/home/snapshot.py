"""A version of the whole SQLite database, to keep what the guardian's home computed for as long
as nothing at all was committed since (the family feed: home/feed.py).

SQLite's `PRAGMA data_version` changes on a connection each time another connection commits,
from any thread or process. Our own connections are closed after each request, so the process
keeps one more, which never writes: every commit is another's, so its data_version moves with
each one. The version also names the file (device, inode: a restored database is another file)
and the process (a connection is not shared across fork). PostgreSQL and in-memory databases have
no version (None): nothing is kept there, everything is computed on each view.

Reading the version is one statement on an idle connection (microseconds); it is read BEFORE the
work it keys, so a commit during the work gives the next view a new version.
"""
import itertools
import os
import sqlite3
import threading

from ..db import database, is_sqlite

_lock = threading.Lock()
_watcher = [None]           # ((path, device, inode, pid), generation, connection): one database at a time
_generation = itertools.count(1)    # a watcher opened again counts data_version from scratch


def version():
    """A hashable value that changes whenever anything is committed to the database, or None."""
    if not is_sqlite():
        return None
    path = database.obj.database
    if not path or path == ':memory:' or path.startswith('file:'):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    place = (path, stat.st_dev, stat.st_ino, os.getpid())
    with _lock:
        watcher = _watcher[0]
        if watcher is None or watcher[0] != place:
            if watcher is not None and watcher[0][3] == os.getpid():   # never one inherited by fork
                watcher[2].close()
            connection = sqlite3.connect(path, check_same_thread=False, timeout=10, isolation_level=None)
            watcher = _watcher[0] = (place, next(_generation), connection)
        try:
            number = watcher[2].execute('PRAGMA data_version').fetchone()[0]
        except sqlite3.Error:
            _watcher[0] = None
            return None
    return place + (watcher[1], number)
