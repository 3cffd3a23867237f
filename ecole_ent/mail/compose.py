"""The mails' words: subjects, and bodies in plain text and HTML from templates/mail/ (an
environment of their own, without bottle: the jobs run outside any request; autoescape for the
HTML ones). Every notification mail links to its item, to the settings (/compte) and to the
one-click stop link, which its List-Unsubscribe header also carries (RFC 8058). No bottle here."""
from dataclasses import dataclass

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..i18n import N_, _, date_fr, datetime_fr, direction, language, ngettext
from ..paths import resource_dir
from ..school_time import to_local
from . import service, unsubscribe

SETTINGS_PATH = '/compte#h-mail'
HIDDEN_SUBJECT = N_("Vous avez un nouveau message sur l'ENT de l'école")
SUBJECTS = {'message': N_('Nouveau message : {title}'), 'note': N_('Cahier de liaison : {title}'),
            'reminder': N_('Rappel : {title}')}
KIND_LABELS = {'message': N_('Nouveau message'), 'note': N_('Nouveau mot du cahier de liaison'),
               'reminder': N_('Rappel')}


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str
    headers: dict


def _gettext(message, **variables):
    text = _(message)
    return text % variables if variables else text


env = Environment(loader=FileSystemLoader(resource_dir('templates')), undefined=StrictUndefined,
                  autoescape=select_autoescape(['html']), trim_blocks=True, lstrip_blocks=True,
                  keep_trailing_newline=True)
env.globals.update(_=_gettext, ngettext=ngettext, language=language, direction=direction)   # <html lang dir>
env.filters.update(date_fr=date_fr, datetime_fr=datetime_fr)


def link(path):
    """An absolute address of the ENT (server.public_url + path), or the path alone when no
    public address is configured (the mail then says to open the ENT)."""
    return service.options().public_url + path


def _render(name, **context):
    context.setdefault('settings_url', link(SETTINGS_PATH))
    return (env.get_template(f'mail/{name}.txt').render(**context),
            env.get_template(f'mail/{name}.html').render(**context))


def _unsubscribe(user_id):
    url = link(unsubscribe.path_for(user_id))
    headers = {'Auto-Submitted': 'auto-generated'}
    if url.startswith(('https://', 'http://')):
        headers.update({'List-Unsubscribe': f'<{url}>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click'})
    return url, headers


def subject_of(notification, hide):
    if hide:
        return _(HIDDEN_SUBJECT)
    subject = _(SUBJECTS[notification.kind]).format(title=notification.title)
    return _('Urgent : %s') % subject if notification.urgent else subject


def item(notification, hide):
    """What a mail says of one notification."""
    return {'label': _(KIND_LABELS[notification.kind]), 'title': None if hide else notification.title,
            'url': link(notification.url), 'when': to_local(notification.created_at),
            'urgent': notification.urgent}


def notification_mail(user_id, notification, hide):
    """One notification, one mail."""
    stop_url, headers = _unsubscribe(user_id)
    text, html = _render('notification', item=item(notification, hide), hide=hide, stop_url=stop_url,
                         absolute=bool(service.options().public_url))
    return Mail(subject_of(notification, hide), text, html, headers)


def summary_mail(user_id, notifications, hide, digest):
    """Several notifications in one mail: the daily digest (digest=True), or news that waited
    together (after quiet hours)."""
    stop_url, headers = _unsubscribe(user_id)
    count = len(notifications)
    subject = (ngettext('Résumé du jour : %d nouveauté sur l’ENT de l’école',
                        'Résumé du jour : %d nouveautés sur l’ENT de l’école', count) if digest
               else ngettext('%d nouveauté sur l’ENT de l’école', '%d nouveautés sur l’ENT de l’école', count)) % count
    text, html = _render('summary', items=[item(n, hide) for n in notifications], hide=hide, digest=digest,
                         count=count, stop_url=stop_url, absolute=bool(service.options().public_url))
    return Mail(subject, text, html, headers)


def reset_mail(user, url, minutes):
    """The forgotten-password link (no unsubscribe: it was asked for, and is not a notification)."""
    text, html = _render('reset', user=user, url=url, minutes=minutes)
    return Mail(_('Votre nouveau mot de passe pour l’ENT de l’école'), text, html,
                {'Auto-Submitted': 'auto-generated'})
