"""What the code relies on in its dependencies beyond their documented API, in one place.

PRIVATE_NAMES lists every private name (underscored, or internal and undocumented) of a library
that ecole_ent uses. tests/test_dependencies.py resolves each one and fails when an upgrade has
dropped or renamed it, and also fails when the code reaches for a private attribute missing
from this list. setup.cfg bounds these libraries' versions, constraints.txt pins the ones CI and
the binary are built with. Imports nothing beyond the standard library: the PyInstaller spec
reads VERSIONED from here.
"""
import importlib.metadata
import platform
from collections import namedtuple

# module: where the name is looked up; name: a dotted path from it, where `Class()` stands for an
# instance made without arguments; used_in: the file that uses it (the test checks the last part
# of the name appears there, so a name the code no longer uses drops out of the list).
Private = namedtuple('Private', 'distribution module name used_in why')

W_LANES = 'ecole_ent/lanes.py'
W_FORMS = 'ecole_ent/web/forms.py'

PRIVATE_NAMES = (
    Private('pillow', 'PIL.Image', 'core.set_blocks_max', 'ecole_ent/media/images.py',
            "Pillow's block cache, on while images are processed"),
    # peewee: rows built without Model.__init__ (db.instance, db.hydrate: its defaults cost too
    # much on the hot pages), the engine behind the proxy, the model's column map.
    Private('peewee', 'ecole_ent.models.base', 'BaseModel._meta.columns', 'ecole_ent/db.py',
            "hydration_plan maps result columns to fields"),
    Private('peewee', 'ecole_ent.models.base', 'BaseModel._meta.database',
            'ecole_ent/models/accounts.py', "School.cached keys its cache on the bound database"),
    Private('peewee', 'peewee', 'DatabaseProxy().obj', 'ecole_ent/db.py',
            "the engine behind the proxy (None before init_db)"),
    Private('peewee', 'ecole_ent.models.base', 'BaseModel().__data__', 'ecole_ent/db.py',
            "db._built fills a row's values"),
    Private('peewee', 'ecole_ent.models.base', 'BaseModel()._dirty', 'ecole_ent/db.py',
            "db._built: nothing to save"),
    Private('peewee', 'ecole_ent.models.base', 'BaseModel().__rel__', 'ecole_ent/db.py',
            "db._built: no related objects yet"),
    # bottle 0.13.4: a request's lane comes from its route; multipart bodies are parsed by
    # bottle's own parser with other limits (web/forms.py, whose test checks the behaviour).
    Private('bottle', 'bottle', 'Router.match', W_LANES, "the lane of a request, from its route"),
    Private('bottle', 'bottle', '_MultipartParser', W_FORMS, "multipart bodies, our limits"),
    Private('bottle', 'bottle', '_MultipartPart().headerlist', W_FORMS, "a part's headers"),
    Private('bottle', 'bottle', '_MultipartPart().size', W_FORMS, "a text part's size"),
    Private('bottle', 'bottle', '_MultipartPart.value', W_FORMS, "a text part's value"),
    Private('bottle', 'bottle', '_MultipartPart().close', W_FORMS, "a part's temporary file"),
    Private('bottle', 'bottle', '_parse_http_header', W_FORMS, "the multipart boundary"),
    Private('bottle', 'bottle', 'tonat', W_FORMS, "text parts decoded as BaseRequest.POST does"),
    Private('bottle', 'bottle', 'FormsDict.recode_unicode', W_FORMS, "likewise"),
    Private('bottle', 'bottle', 'BaseRequest.POST', W_FORMS,
            "forms.POST_KEY is the environ key it keeps its parse under (tests/test_forms.py)"),
    # waitress 3.0: the two lanes are waitress's loop with a task dispatcher of our own, and a
    # channel that times the headers of slow clients.
    Private('waitress', 'waitress.server', 'create_server', W_LANES,
            "called with map= and _dispatcher= (the test calls it so)"),
    Private('waitress', 'waitress.wasyncore', 'poll', W_LANES, "Lanes.run is waitress's loop"),
    Private('waitress', 'waitress.wasyncore', 'poll2', W_LANES, "likewise"),
    Private('waitress', 'waitress.channel', 'HTTPChannel.received', W_LANES,
            "overridden: when a request's headers began"),
    Private('waitress', 'waitress.channel', 'HTTPChannel.request', W_LANES,
            "the request being read"),
    Private('waitress', 'waitress.channel', 'HTTPChannel.requests', W_LANES,
            "the request to serve, for its lane"),
    Private('waitress', 'waitress.channel', 'HTTPChannel.will_close', W_LANES,
            "closes a connection too slow to send its headers"),
    Private('waitress', 'waitress.parser', 'HTTPRequestParser.error', W_LANES,
            "a request that failed to parse goes to the writes lane"),
    Private('waitress', 'waitress.parser', 'HTTPRequestParser.command', W_LANES, "the method"),
    Private('waitress', 'waitress.parser', 'HTTPRequestParser.path', W_LANES, "the path"),
    Private('waitress', 'waitress.parser', 'HTTPRequestParser.headers_finished', W_LANES,
            "headers still coming"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.channel_class', W_LANES,
            "replaced by lanes.Channel"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.maintenance', W_LANES,
            "extended with the header timeout"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.active_channels', W_LANES,
            "the connections maintenance checks"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.accepting', W_LANES,
            "tells listeners from connections in the socket map"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.pull_trigger', W_LANES,
            "wakes the loop from another thread"),
    Private('waitress', 'waitress.server', 'TcpWSGIServer.adj', W_LANES,
            "the server's adjustments"),
    Private('waitress', 'waitress.adjustments', 'Adjustments.asyncore_use_poll', W_LANES,
            "which poll the loop uses"),
    Private('waitress', 'waitress.adjustments', 'Adjustments.asyncore_loop_timeout', W_LANES,
            "the loop's poll timeout"),
    Private('waitress', 'waitress.adjustments', 'Adjustments.socket_options',
            'ecole_ent/server.py', "set after create_server, which has no keyword for it"),
    Private('waitress', 'waitress.task', 'ThreadedTaskDispatcher.set_thread_count', W_LANES,
            "each lane's pool"),
    Private('waitress', 'waitress.task', 'ThreadedTaskDispatcher.add_task', W_LANES,
            "each lane's pool"),
    Private('waitress', 'waitress.task', 'ThreadedTaskDispatcher.shutdown', W_LANES,
            "each lane's pool"),
    Private('waitress', 'waitress.buffers', 'ReadOnlyFileBasedBuffer.file',
            'ecole_ent/web/access_log.py', "a sent file's bytes, counted by where it was read to"),
    # babel 2.19: the CLDR data a language keeps once trimmed to what formatting reads (i18n.babel_locale)
    Private('babel', 'babel.localedata', '_dict_cache', 'ecole_ent/i18n.py',
            "the data every Locale of a language shares, replaced by its trimmed copy"),
    Private('babel', 'babel.localedata', '_cache', 'ecole_ent/i18n.py',
            "the full data of a language and its parents, dropped once trimmed"),
    Private('babel', 'babel.core', '_global_data', 'ecole_ent/i18n.py',
            "Babel's global data, trimmed to what locale loading reads (i18n.BABEL_GLOBAL_KEYS)"),
    # The standard library's own: no version to bound, but a new Python could drop them.
    Private(None, 'gettext', 'GNUTranslations._parse', 'ecole_ent/i18n.py',
            "i18n.Catalog reads a .mo as it does, then packs the dict it leaves in self._catalog"),
    Private(None, 'argparse', 'ArgumentParser()._actions', 'ecole_ent/cli.py',
            "every option gets its environment variable"),
    Private(None, 'argparse', '_SubParsersAction', 'ecole_ent/cli.py', "likewise"),
    Private(None, 'argparse', '_StoreTrueAction', 'ecole_ent/cli.py', "likewise"),
)

# The libraries whose versions `ecole-ent --version` prints (their dist-info is bundled in the
# binary: installer/ecole-ent.spec): the main ones, and the one whose data the school calendar
# uses (which school-holiday dates: its version says how far they go).
VERSIONED = ('waitress', 'bottle', 'peewee', 'Pillow', 'vacances-scolaires-france')


def versions():
    """[(name, version)] of ecole-ent's main libraries as installed, and of Python."""
    found = []
    for name in VERSIONED:
        try:
            found.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            found.append((name, 'inconnue'))
    return found + [('Python', platform.python_version())]
