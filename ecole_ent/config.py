"""Configuration: one declarative spec, read as defaults < DATA/ecole-ent.ini < --config file <
ECOLE_* environment.

Every option lives in OPTIONS. The environment variable of `section.key` is ECOLE_SECTION_KEY.
load() validates everything and raises ConfigError with one line per bad option. save() writes
settings chosen at installation (first-run page, `init --from`) into DATA/ecole-ent.ini.
"""
import configparser
import ipaddress
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path


class ConfigError(Exception):
    """A bad configuration: str(exc) is one line per problem, each naming the option."""


@dataclass(frozen=True)
class Option:
    section: str
    key: str
    type: object          # a callable that parses a string, or a tuple of allowed strings
    default: object
    help: str
    secret: bool = False

    @property
    def name(self):
        return f'{self.section}.{self.key}'

    @property
    def env(self):
        return f'ECOLE_{self.section}_{self.key}'.upper()


def boolean(text):
    value = str(text).strip().lower()
    if value in ('1', 'true', 'yes', 'on', 'oui'):
        return True
    if value in ('0', 'false', 'no', 'off', 'non'):
        return False
    raise ValueError('attendu : true ou false')


def integer(text):
    try:
        return int(text)
    except ValueError:
        raise ValueError('attendu : un nombre entier') from None


def positive_int(text):
    value = integer(text)
    if value < 1:
        raise ValueError('attendu : un entier supérieur ou égal à 1')
    return value


def port(text):
    value = integer(text)
    if not 1 <= value <= 65535:
        raise ValueError('attendu : un port entre 1 et 65535')
    return value


def proxy_address(text):
    """One IP address (waitress trusts one proxy), or empty for none."""
    text = str(text).strip()
    if not text:
        return ''
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise ValueError("attendu : l'adresse IP du proxy inverse (une seule), "
                         'par exemple 127.0.0.1') from None


def job_intervals(text):
    """'directory.sync=900, sessions.cleanup=3600' -> the same text, checked."""
    for part in str(text).split(','):
        if part.strip():
            name, _sep, seconds = part.partition('=')
            if not name.strip() or not seconds.strip().isdigit() or int(seconds) < 1:
                raise ValueError('attendu : nom=secondes, séparés par des virgules')
    return str(text).strip()


def networks(text):
    import ipaddress
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in str(text).split(',') if part.strip())


def time_zone(text):
    import zoneinfo
    try:
        zoneinfo.ZoneInfo(str(text).strip())
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise ValueError('attendu : un fuseau horaire comme Europe/Paris') from None
    return str(text).strip()


OPTIONS = [
    Option('server', 'host', str, '127.0.0.1', "Adresse d'écoute du serveur HTTP"),
    Option('server', 'port', port, 8080, 'Port HTTP'),
    Option('server', 'threads', positive_int, 8, 'Fils de traitement HTTP par processus pour les '
           'pages, et autant pour les envois et les téléchargements longs (voir ecole_ent/lanes.py)'),
    Option('server', 'workers', positive_int, 2,
           'Processus serveurs partageant le port, avec SQLite comme avec PostgreSQL : '
           'un par cœur du processeur'),
    Option('server', 'one_core_each', boolean, True,
           'Garder chaque processus serveur sur un cœur du processeur, chacun sur le sien tant '
           "qu'il y a des cœurs (Linux) : ses fils se passent la main sans changer de cœur, bien "
           'plus vite ; à désactiver si un autre service lourd occupe un de ces cœurs'),
    Option('server', 'trusted_proxy', proxy_address, '',
           "Adresse IP du proxy inverse de confiance (HTTPS), le seul dont on croit "
           "X-Forwarded-For et X-Forwarded-Proto ; vide = aucun"),
    Option('server', 'public_url', str, '', "Adresse publique de l'ENT, imprimée sur les courriers"),
    Option('server', 'access_log', boolean, True,
           'Journal des requêtes (logs/access.log) : adresse, méthode, chemin sans paramètres, '
           'code de réponse, octets, durée'),
    Option('database', 'url', str, '',
           'URL de la base : vide = sqlite dans le dossier de données; ou postgresql://utilisateur@hôte/base'),
    Option('database', 'auto_migrate', boolean, True,
           'Mettre à jour le schéma au démarrage (après une sauvegarde)'),
    Option('database', 'pool_size', positive_int, 10,
           'Connexions PostgreSQL par processus (au moins 2 × server.threads + 2)'),
    Option('security', 'secret_key', str, None,
           'Clé de signature (générée au premier démarrage dans le dossier de données)', secret=True),
    Option('security', 'session_days', positive_int, 30,
           "Durée d'une session sans activité, en jours"),
    Option('security', 'login_max_failures', positive_int, 5,
           "Échecs de connexion à un compte depuis une même adresse avant que cette adresse soit "
           "bloquée un temps pour ce compte (les autres adresses s'y connectent normalement)"),
    Option('security', 'address_max_failures', positive_int, 30,
           "Échecs de connexion avant blocage temporaire d'une adresse"),
    Option('security', 'school_networks', networks, '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,::1/128',
           "Réseaux de l'école (cartes QR et images des élèves, borne du hall, statistiques « à l'école »), "
           'séparés par des virgules'),
    Option('security', 'activation_days', positive_int, 60, "Validité d'un code d'activation, en jours"),
    Option('scheduler', 'enabled', boolean, True,
           'Lancer les tâches périodiques dans le serveur (une seule exécution par période, '
           'quel que soit le nombre de processus)'),
    Option('scheduler', 'intervals', job_intervals, '',
           'Intervalles des tâches périodiques à changer : nom=secondes, séparés par des virgules'),
    Option('app', 'language', ('fr',), 'fr', "Langue de l'interface"),
    Option('app', 'log_level', ('debug', 'info', 'warning', 'error'), 'info', 'Niveau de journalisation'),
    Option('app', 'timezone', time_zone, 'Europe/Paris',
           "Fuseau horaire de l'école (heures affichées, publications programmées)"),
]
BY_NAME = {option.name: option for option in OPTIONS}
DATA_FILE = 'ecole-ent.ini'     # in the data folder; always read, written by save()


def register(*options):
    """Features declare their own options here (at import time, before load())."""
    for option in options:
        if option.name not in BY_NAME:
            OPTIONS.append(option)
            BY_NAME[option.name] = option


class Config(dict):
    """Parsed options keyed by 'section.key', plus the data folder."""

    def __init__(self, values, data_dir, source_file=None):
        super().__init__(values)
        self.data_dir = Path(data_dir)
        self.source_file = source_file

    @property
    def database_url(self):
        return self['database.url'] or f'sqlite:///{self.data_dir / "ecole.db"}'

    def path(self, *parts):
        return self.data_dir.joinpath(*parts)

    def dump(self):
        """Lines `section.key = value`, secrets shown as <redacted>."""
        lines = []
        for option in OPTIONS:
            value = self.get(option.name)
            shown = '<redacted>' if option.secret and value else _without_password(_text(value))
            lines.append(f'{option.name} = {shown}')
        return lines


def _without_password(text):
    """A URL's password (postgresql://ecole:secret@host/db, ldaps://...) shown as <redacted>."""
    return re.sub(r'^([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@/\s]+@', r'\1:<redacted>@', text)


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, tuple):
        return ','.join(str(v) for v in value)
    return '' if value is None else str(value)


def _parse(option, raw):
    if isinstance(option.type, tuple):
        value = str(raw).strip().lower()
        if value not in option.type:
            raise ValueError('valeurs permises : ' + ', '.join(option.type))
        return value
    return option.type(raw) if isinstance(raw, str) else raw


def load(data_dir, config_file=None, environ=None):
    """defaults < DATA/ecole-ent.ini (when present) < config_file < ECOLE_* env.

    The data folder's file is read even when --config names another one: it holds what the
    installation itself wrote (save()), and the service may write there, not in /etc."""
    environ = os.environ if environ is None else environ
    data_dir = Path(data_dir)
    from . import features
    features.modules('options')     # features register their options when imported
    raw = {option.name: option.default for option in OPTIONS}
    problems = []
    explicit = Path(config_file) if config_file else None
    sources = [data_dir / DATA_FILE]
    if explicit and explicit.resolve() != sources[0].resolve():
        sources.append(explicit)
    read = []
    for source in sources:
        try:
            present = source.is_file()
        except OSError as exc:
            raise ConfigError(f'{source} : illisible ({exc.strerror})') from None
        if not present and explicit and source.resolve() == explicit.resolve():
            raise ConfigError(f'fichier de configuration introuvable : {source}')
        if present:
            read.append(source)
            problems.extend(_read_ini(source, raw))
    for option in OPTIONS:
        if option.env in environ:
            raw[option.name] = environ[option.env]
    values = {}
    for option in OPTIONS:
        try:
            values[option.name] = None if raw[option.name] is None else _parse(option, raw[option.name])
        except (ValueError, TypeError) as exc:
            problems.append(f'{option.name} = {raw[option.name]!r} : {exc} ({option.env})')
    if problems:
        raise ConfigError('\n'.join(problems))
    return Config(values, data_dir, read[-1] if read else None)


def _read_ini(source, raw):
    """Put the values of one INI file into `raw`; returns the problems (unknown options)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(source, encoding='utf-8')
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        raise ConfigError(f'{source} : fichier illisible ({exc})') from None
    problems = []
    for section in parser.sections():
        for key, value in parser.items(section):
            name = f'{section}.{key}'
            if name not in BY_NAME:
                problems.append(f'{name} : option inconnue (dans {source})')
            else:
                raw[name] = value
    return problems


def parse_options(texts):
    """{'section.key': text} -> ({'section.key': value} for EVERY option, the others at their
    defaults; {'section.key': one line naming the option}) -- the same checks as load()."""
    from . import features
    features.modules('options')
    values, problems = {}, {}
    for option in OPTIONS:
        text = texts.get(option.name, option.default)
        try:
            values[option.name] = None if text is None else _parse(option, text)
        except (ValueError, TypeError) as exc:
            shown = '<redacted>' if option.secret else repr(text)
            problems[option.name] = f'{option.name} = {shown} : {exc}'
    problems.update({name: f'{name} : option inconnue' for name in texts if name not in BY_NAME})
    return values, problems


def save(data_dir, texts):
    """Set options in DATA/ecole-ent.ini, keeping the rest of the file (comments included).

    `texts` is {'section.key': text}, checked first (ConfigError naming the option, nothing
    written). The file is replaced atomically with mode 0600: it may hold passwords."""
    _values, problems = parse_options(texts)
    problems = [problems[name] for name in texts if name in problems]
    problems += [f'{name} : une seule ligne attendue' for name, text in texts.items()
                 if '\n' in str(text) or '\r' in str(text)]
    if problems:
        raise ConfigError('\n'.join(problems))
    path = Path(data_dir) / DATA_FILE
    old = path.read_text(encoding='utf-8') if path.exists() else ''
    text = _with_values(old, {name: str(text).strip() for name, text in texts.items()})
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix='.ecole-ent.ini.')   # mode 0600
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _with_values(text, values):
    """`text` (an INI file) with each 'section.key' set: an existing `key = ...` line of the
    section is replaced in place, a new key goes at the end of its section (added if missing)."""
    lines, section, ends = text.splitlines(), None, {}
    pending = dict(values)
    for number, line in enumerate(lines):
        if match := re.fullmatch(r'\s*\[([^\]]+)\]\s*', line):
            section = match.group(1).strip()
        elif section:
            match = re.match(r'\s*([^;#\s][^=:]*?)\s*[=:]', line)
            name = f'{section}.{match.group(1).lower()}' if match else None
            if name in pending:
                lines[number] = f'{match.group(1)} = {pending.pop(name)}'.rstrip()
        if section and line.strip() and not line.lstrip().startswith((';', '#')):
            ends[section] = number
    for name, value in pending.items():
        section, key = name.split('.', 1)
        if section in ends:
            ends_at = ends[section]
            lines.insert(ends_at + 1, f'{key} = {value}'.rstrip())
            ends = {s: n + 1 if n > ends_at else n for s, n in ends.items()}
            ends[section] = ends_at + 1
        else:
            lines += ([''] if lines and lines[-1].strip() else []) + [f'[{section}]', f'{key} = {value}'.rstrip()]
            ends[section] = len(lines) - 1
    return '\n'.join(lines) + '\n'


def ensure_secret(config):
    """Generate the signing secret on first start and keep it in DATA/secret.key (mode 0600)."""
    if config['security.secret_key']:
        return config['security.secret_key']
    path = config.path('secret.key')
    if not path.exists():
        config.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w') as fh:
            fh.write(secrets.token_urlsafe(48))
    config['security.secret_key'] = path.read_text().strip()
    return config['security.secret_key']
