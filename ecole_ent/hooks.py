"""Every extension point of ecole-ent, declared once: what a feature may plug in, with which
signature, when it is called and what it may do (as Datasette's hookspecs.py).

A feature is a folder listed in features.py. It may have these submodules (FEATURE_MODULES), and
its routes.register(app) plugs functions into the hooks below with `hooks.NAME.add(function)`.
Nothing else is appended to from outside its own module: a test (tests/test_hooks.py) fails on a
feature that appends to another module's list.

Adding an extension point: declare it here, with its documentation, and call it where it belongs.
"""

# The submodules a feature folder may have, and what each gives (features.modules(kind)).
FEATURE_MODULES = {
    'routes': 'the feature\'s routes, each declared above its handler with web.routing.Routes '
              '(@routes.get(path, "action"): the route "feature.action"; a long GET joins the '
              'writes lane with slow=True, see lanes.py), and register(app), which plugs into the '
              'hooks below and adds the routes with routes.install(app). Runs for every app built '
              '(tests, workers): adding twice is harmless.',
    'commands': 'register(commands): adds the feature\'s CLI commands with commands.add() and '
                'commands.group() (ecole_ent/cli.py); each handler calls one service function.',
    'options': 'imported for its side effect: config.register(Option(...), ...) adds the '
               'feature\'s configuration options (documented in provisioning/ecole-ent.ini.example).',
    'jobs': '@scheduler.job functions that the scheduler runs (ecole_ent/scheduler.py).',
    'demo': 'seed(demo): adds the feature\'s content to the demo school, with its own random '
            'generator (ecole_ent/demo.py).',
    'service': 'the feature\'s rules, plain functions without bottle. Its options reach it '
               'through the runtime: settings() returns runtime.settings(read_settings), a '
               'frozen dataclass read once from the configuration. Housekeeping is a job '
               '(jobs.py), never work at start: every command would pay for it.',
}


class Hook:
    """An ordered set of plug-ins of one kind; iterating gives them in the order added."""

    def __init__(self, name, signature, doc, key=None):
        self.name, self.signature, self.doc, self.key = name, signature, doc, key
        self._items = []

    def add(self, item):
        """Plug `item` in, once: register(app) runs for every app a process builds. With a `key`,
        an item of the same key is replaced (a filter's name, a menu entry's address)."""
        if self.key is not None:
            self._items = [old for old in self._items if self.key(old) != self.key(item)]
        if item not in self._items:
            self._items.append(item)
        return item

    def remove(self, item):
        """Unplug `item` (tests that plug a section in for one test)."""
        self._items.remove(item)

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return f'<hook {self.name}: {self.signature}>'


HOME_SECTION = Hook(
    'home_section', 'fn(user, context) -> None',
    'Called on every view of a home page (home/service.home_context) with the signed-in user and '
    'the page\'s context: adds keys to the context, home.service.Link lines to the guardian\'s '
    'child cards (context["cards"]), or home.service.Todo lines to the one « À faire » band '
    '(context["todo"]: what needs action, with how many). The guardian home is the most-viewed page: cheap queries '
    'only (db.prepared, one query for all children), and no writes.')

FAMILY_FEED = Hook(
    'family_feed', 'fn(guardian, classes, before, limit) -> [home.feed.FeedItem]',
    'Called on a view of the guardian\'s home (home/feed.py) with the guardian, the current '
    'classes of their children, `before` (None: the newest; else a home.feed.Cursor: the last item '
    'of the previous page) and a count `limit`: returns at most `limit` of the feature\'s items for '
    'these classes, newest first, each after the cursor (Cursor.admits(item) in Python, or '
    'Cursor.bound(kind) in SQL); the home merges, sorts and pages them, on every view (nothing '
    'is kept between views: a change is seen at the next one). An item shows only what the '
    'page it links to shows this guardian (the feature\'s own reading and image-rights functions, '
    'never a copy of them). Cheap queries only (db.prepared), and no writes.')

ARCHIVE_SECTION = Hook(
    'archive_section', 'fn(guardian, pupil, classroom) -> iterable of (path in zip, bytes, text or Path)',
    'Called when a guardian downloads their child\'s year (directory/archive.py): yields what '
    'that guardian may see of the class in this feature, each part as bytes (a page) or the path '
    'of a file on disk (copied in chunks: never read a photo into memory). Each section applies '
    'its feature\'s own access rules.')

HEALTH_CHECK = Hook(
    'health_check', 'fn(report) -> None',
    'Called by /healthz (app.healthz) with the JSON report being built: adds keys, and French '
    'sentences to report["warnings"] for what commune IT should look at. Must be quick and must '
    'not raise (/healthz answers 200 while the database answers).')

MENU = Hook(
    'menu', "{'url', 'label', 'icon', 'roles', 'order'}",
    'An entry of the main menu, shown to the users holding one of `roles`, ordered by `order` '
    '(0: home; admin pages last). Added from register(app) with web.render.add_nav().',
    key=lambda entry: entry['url'])

ACCOUNT_SECTION = Hook(
    'account_section', 'fn(user) -> Markup or None',
    'Called on every view of the account page /compte (accounts/routes.py) with the signed-in '
    'user: returns an HTML fragment rendered from the feature\'s own template (a <section> with an '
    '<h2>, its forms posting with the CSRF token and coming back to /compte), or None when the '
    'feature has nothing for this user. Shown after the account\'s own sections, in the order '
    'added. A GET: no waiting on the write lock (db.write_soon).')

TEMPLATE_FILTER = Hook(
    'template_filter', '(name, fn)',
    'A Jinja filter for the feature\'s templates, available to every template once the app is '
    'built (web.render.bind). User text never goes through |safe: a filter that returns Markup '
    'sanitises first.',
    key=lambda pair: pair[0])

SIGNED_IN = Hook(
    'signed_in', 'fn(user, kiosk) -> None',
    'Called by web.guards.sign_in in the request that opened a session for `user` (password, QR '
    'card, picture password, kiosk: kiosk=True), after its cookie is set. Must be cheap and never '
    'raise nor write: queue work for later (stats/recorder.py).')

STOPPING = Hook(
    'stopping', 'fn(timeout) -> None',
    'Called by server.run when a serving process stops (after its server closed, before its '
    'database connections close): writes what the feature keeps in memory, `timeout` seconds at '
    'most. Must not raise.')

BEFORE_BACKUP = Hook(
    'before_backup', 'fn(config) -> None',
    'Called by maintenance.service.make_backup (nightly job, `ecole-ent backup`, before a migration) '
    'just before the database is copied: deletes what must never reach an archive (the statistics fold '
    'their past days and delete their keys). Plugged in from the feature\'s jobs.py (make_backup loads '
    'every jobs module first). A failure is logged by make_backup, and the backup goes on.')

ALL = [HOME_SECTION, FAMILY_FEED, ARCHIVE_SECTION, HEALTH_CHECK, MENU, ACCOUNT_SECTION, TEMPLATE_FILTER,
       SIGNED_IN, STOPPING, BEFORE_BACKUP]
