"""First installation: a school and the installation's administrator, by hand or from a file,
with the SMTP relay and the directory source the installation uses (kept in DATA/ecole-ent.ini).
"""
import configparser
import os
import re

from .. import audit, runtime, security
from .. import config as configuration
from ..db import writing
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..models import School, User
from . import service

UAI_PATTERN = re.compile(r'^[0-9]{7}[A-Z]$')   # the check letter is not verified (sources disagree)


def check_uai(uai):
    if not UAI_PATTERN.match(uai or ''):
        raise ValidationError({'uai': _('Code UAI invalide : %s (7 chiffres puis une lettre '
                                        'majuscule, par exemple 0061234A)') % uai})
    return uai


def initialise(uai, name, admin_login, password):
    check_uai(uai)
    if not (name or '').strip():
        raise ValidationError({'name': _("Le nom de l'école est obligatoire.")})
    service.check_new_password(password, password)
    with writing():
        school = service.ensure_school(uai, name.strip())
        admin = User.get_or_none(User.login == admin_login.lower())
        if admin is None:
            admin = service.create_user(admin_login, 'Administrateur', name.strip(), ['admin'],
                                        password=password)
            audit.record(admin, 'install.initialised', school.uai)
    return school, admin


def provision(path, config):
    """Unattended first run from an INI file: [school] uai, name; [admin] login, password;
    optional [smtp] and [directory] sections, checked like the configuration and saved in it.
    Returns (school, admin, the configuration file written or None)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not parser.read(path, encoding='utf-8'):
            raise ValidationError({'file': _('Fichier introuvable : %s') % path})
        school, admin = parser['school'], parser['admin']
        texts = {f'{section}.{key}': value for section in SETTINGS_SECTIONS
                 if parser.has_section(section) for key, value in parser.items(section)}
        _values, problems = configuration.parse_options(texts)
        if problems:
            raise ValidationError({'file': _('%(path)s : %(problems)s') % {
                'path': path, 'problems': ' ; '.join(problems[name] for name in texts
                                                     if name in problems)}})
        school, admin = initialise(school['uai'].strip(), school['name'],
                                   admin['login'].strip(), admin['password'])
    except (KeyError, configparser.Error) as exc:
        raise ValidationError({'file': _('%(path)s : section ou clé manquante (%(error)s)')
                               % {'path': path, 'error': exc}}) from None
    return school, admin, save_settings(config, texts) if texts else None


def needs_setup():
    """True on a fresh installation: no school and no administrator yet."""
    return not School.select().exists() and not User.with_role('admin').exists()


def first_run(form, remote_addr, config):
    """The web form of the first run (when nothing was provisioned): only from the school's
    networks, only while nothing is installed. Returns the new administrator."""
    _allowed(remote_addr, config)
    errors = {}
    for check in (lambda: check_uai(form['uai'].upper()),
                  lambda: service.check_new_password(form['password'], form['confirm'])):
        try:
            check()
        except ValidationError as exc:
            errors.update(exc.errors)
    if not form['name'].strip():
        errors['name'] = _("Le nom de l'école est obligatoire.")
    if form['password'] != form['confirm']:
        errors['confirm'] = _('Les deux mots de passe ne sont pas identiques.')
    if not form['login'] or not re.fullmatch(r'[a-z0-9][a-z0-9._-]{1,60}', form['login'].lower()):
        errors['login'] = _('Identifiant : des lettres sans accent, chiffres, points ou tirets.')
    texts, _values, setting_errors = _settings(form)
    errors.update(setting_errors)
    if errors:
        raise ValidationError(errors)
    if texts:
        save_settings(config, texts)
    return initialise(form['uai'].upper(), form['name'], form['login'], form['password'])[1]


# The first-run form's optional settings: form field -> option.
SETTINGS_FIELDS = {
    'smtp_host': 'smtp.host', 'smtp_port': 'smtp.port', 'smtp_security': 'smtp.security',
    'smtp_user': 'smtp.user', 'smtp_password': 'smtp.password', 'smtp_sender': 'smtp.sender',
    'directory_source': 'directory.source', 'directory_aaf_inbox': 'directory.aaf_inbox',
    'directory_ldap_url': 'directory.ldap_url', 'directory_ldap_base_dn': 'directory.ldap_base_dn',
    'directory_ldap_bind_dn': 'directory.ldap_bind_dn',
    'directory_ldap_password': 'directory.ldap_password',
}
SETTINGS_SECTIONS = ('smtp', 'directory')
FORM_FIELDS = ('uai', 'name', 'login', 'password', 'confirm', 'smtp_test_to', *SETTINGS_FIELDS)
SECRET_FIELDS = ('password', 'confirm', 'smtp_password', 'directory_ldap_password')
TESTS = ('test_smtp', 'test_directory')      # the names of the two "Tester" buttons


def shown(form):
    """The form as it is shown again: every value typed, except passwords."""
    return {name: value for name, value in form.items() if name not in SECRET_FIELDS}


def _allowed(remote_addr, config):
    if not needs_setup():
        raise Forbidden(_("L'ENT est déjà installé."))
    if not security.in_networks(remote_addr, config['security.school_networks']):
        raise Forbidden(_("La première installation se fait depuis le réseau de l'école."))


def _settings(form):
    """The options the form sets, as (texts, parsed values, {field: error}). The SMTP section
    counts only when a relay is typed, the directory one when a source is chosen; an empty
    field keeps the option's default."""
    wanted = {'smtp.': bool(form['smtp_host']), 'directory.': bool(form['directory_source'])}
    texts = {option: form[name] for name, option in SETTINGS_FIELDS.items()
             if form[name] and wanted[option.split('.')[0] + '.']}
    values, problems = configuration.parse_options(texts)
    errors = {name: problems[option] for name, option in SETTINGS_FIELDS.items()
              if option in problems}
    return texts, values, errors


def first_run_test(test, form, remote_addr, config):
    """A "Tester" button of the first-run page: try the SMTP relay or the directory source with
    the values typed, writing nothing. Returns ('success' | 'error', French message)."""
    from ..directory import service as directory
    from ..directory.records import FeedError
    from ..mail import service as mail
    _allowed(remote_addr, config)
    _texts, values, errors = _settings(form)
    if test == 'test_smtp' and not form['smtp_host']:
        errors['smtp_host'] = _('Indiquez le relais SMTP à tester.')
    if test == 'test_directory' and not form['directory_source']:
        errors['directory_source'] = _('Choisissez la source à tester.')
    if errors:
        raise ValidationError(errors)
    try:
        if test == 'test_smtp':
            return 'success', mail.test_relay(mail.Relay.from_config(values), form['smtp_test_to'])
        uai = form['uai'].upper() if UAI_PATTERN.match(form['uai'].upper()) else None
        return 'success', directory.check_link(configuration.Config(values, config.data_dir), uai)
    except (mail.MailError, FeedError) as exc:
        return 'error', str(exc)


def save_settings(config, texts):
    """Write the chosen options into DATA/ecole-ent.ini and use them at once in this process
    (an ECOLE_* variable still wins, as it does at start)."""
    path = configuration.save(config.data_dir, texts)
    values, _problems = configuration.parse_options(texts)
    for name in texts:
        if configuration.BY_NAME[name].env not in os.environ:
            config[name] = values[name]
    runtime.changed()
    return path
