"""The libraries' private names the code relies on are still there, listed, and version-bounded;
constraints.txt pins every dependency at a version setup.cfg accepts."""
import ast
import configparser
import importlib
import io
import socket
import types
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from ecole_ent import db
from ecole_ent.compat import PRIVATE_NAMES
from ecole_ent.models import School

ROOT = Path(__file__).resolve().parent.parent

# Underscored names that are Python's own public API, not a library's internals: the data
# model's special attributes, and os._exit.
PYTHON_NAMES = set().union(*(dir(kind) for kind in (
    type, types.FunctionType, types.MethodType, types.ModuleType, BaseException))) | {
    '__file__', '__path__', '__spec__', '__all__', '__wrapped__', '__dataclass_fields__', '_exit'}


@pytest.fixture(scope='module')
def instances():
    """Instances of the classes whose private names are set per object, not on the class: a
    waitress server, never started, with a connection that has read one request; a file
    handed to waitress's file wrapper."""
    import waitress.server
    from waitress.buffers import ReadOnlyFileBasedBuffer
    from waitress.channel import HTTPChannel

    class NoDispatch:                 # the request stays with its channel, as in lanes.Lanes
        def add_task(self, channel):
            pass

    sockets = {}
    server = waitress.server.create_server(lambda environ, start: [], map=sockets,
                                           _dispatcher=NoDispatch(), host='127.0.0.1', port=0)
    near, far = socket.socketpair()
    channel = HTTPChannel(server, near, ('127.0.0.1', 1), server.adj, map=sockets)
    channel.received(b'GET /page HTTP/1.1\r\nHost: ecole\r\n\r\n')
    yield {'waitress.server.TcpWSGIServer': server,
           'waitress.channel.HTTPChannel': channel,
           'waitress.parser.HTTPRequestParser': channel.requests[0],
           'waitress.buffers.ReadOnlyFileBasedBuffer': ReadOnlyFileBasedBuffer(io.BytesIO(b'x'))}
    channel.close()
    server.close()
    far.close()


def resolve(private, instances):
    obj = importlib.import_module(private.module)
    owner = private.module
    for part in private.name.split('.'):
        called = part.endswith('()')
        part = part.removesuffix('()')
        if not hasattr(obj, part) and f'{owner}.{getattr(obj, "__name__", "")}' in instances:
            obj = instances[f'{owner}.{obj.__name__}']      # an attribute set per instance
        obj = getattr(obj, part)
        obj = obj() if called else obj
    return obj


@pytest.mark.parametrize('private', PRIVATE_NAMES, ids=lambda p: f'{p.module}:{p.name}')
def test_every_private_name_the_code_relies_on_still_exists(private, instances):
    try:
        resolve(private, instances)
    except ImportError:
        if private.distribution is None:
            raise
        pytest.fail(f'{private.module} is gone: {private.used_in} uses {private.name}')
    except AttributeError as exc:
        pytest.fail(f'{private.module}:{private.name} is gone ({exc}); {private.used_in} relies '
                    f'on it: {private.why}')


@pytest.mark.parametrize('private', PRIVATE_NAMES, ids=lambda p: f'{p.module}:{p.name}')
def test_every_listed_private_name_is_still_used_where_the_list_says(private):
    source = (ROOT / private.used_in).read_text(encoding='utf-8')
    assert private.name.split('.')[-1].removesuffix('()') in source, \
        f'{private.used_in} no longer uses {private.name}: take it out of ecole_ent/compat.py'


def test_the_code_reaches_for_no_private_attribute_missing_from_the_list():
    listed = {part.removesuffix('()') for private in PRIVATE_NAMES
              for part in private.name.split('.') if part.startswith('_')}
    unlisted = []
    for path in sorted((ROOT / 'ecole_ent').rglob('*.py')):
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith('_')):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ('self', 'cls'):
                continue                  # the object's own (cls._meta is listed all the same)
            if node.attr not in listed | PYTHON_NAMES:
                unlisted.append(f'{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}')
    assert not unlisted, ('private attributes not in ecole_ent/compat.py PRIVATE_NAMES (list a '
                          "library's there; make one of ours public): " + ', '.join(unlisted))


def test_rows_built_without_init_carry_every_attribute_peewee_sets():
    """db.instance() skips Model.__init__ (its defaults were too slow): a peewee that set one
    more attribute per instance would leave our rows without it."""
    assert set(vars(db.instance(School, id=1))) == set(vars(School()))
    assert set(vars(School())) == {'__data__', '_dirty', '__rel__'}


def requirements():
    """setup.cfg's requirements: install_requires and every extra."""
    config = configparser.ConfigParser()
    config.read(ROOT / 'setup.cfg', encoding='utf-8')
    lines = config['options']['install_requires'].splitlines()
    for extra in config['options.extras_require'].values():
        lines += extra.splitlines()
    return [Requirement(line) for line in lines if line.strip()]


def pinned():
    pins = {}
    for line in (ROOT / 'constraints.txt').read_text(encoding='utf-8').splitlines():
        line = line.split('#', 1)[0].strip()
        if line:
            name, sep, version = line.partition('==')
            assert sep and version, f'constraints.txt pins with ==, not {line!r}'
            pins[canonicalize_name(name)] = version
    return pins


def test_libraries_used_through_private_names_have_an_upper_bound():
    bounded = {canonicalize_name(r.name): r.specifier for r in requirements()}
    for distribution in {p.distribution for p in PRIVATE_NAMES if p.distribution}:
        specifier = bounded[canonicalize_name(distribution)]
        assert any(s.operator in ('<', '<=', '==', '~=') for s in specifier), \
            f'setup.cfg: {distribution}{specifier} has no upper bound, yet the code uses its internals'


def test_constraints_pin_every_requirement_at_a_version_setup_cfg_accepts():
    pins = pinned()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f'constraints.txt does not pin {requirement.name} (README: Dépendances)'
        assert requirement.specifier.contains(pins[name], prereleases=True), \
            f'constraints.txt pins {requirement.name}=={pins[name]}, setup.cfg wants {requirement}'
