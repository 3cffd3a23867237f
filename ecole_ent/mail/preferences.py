"""Each user's mail settings (MailPreference): immediate, daily digest or none; the item's title in
the subject or not; quiet hours. No row means the defaults (immediate, the title shown unless the
install says otherwise with mail.hide_content, no quiet hours). Quiet hours are local times of the
school (app.timezone) 'HH:MM'; 19:00 to 07:30 spans the night. No bottle here."""
import re
from datetime import datetime, time, timedelta

from .. import audit
from ..db import writing
from ..errors import ValidationError
from ..i18n import N_, _
from ..models import NOTIFY_MODES, MailPreference, now
from ..school_time import from_local, to_local
from . import service

HHMM = re.compile(r'([01]?\d|2[0-3])[:hH]([0-5]\d)')
MODE_LABELS = {'immediate': N_('à chaque nouveauté'), 'digest': N_('un résumé par jour'), 'none': N_('aucun courriel')}


def _id(user):
    return getattr(user, 'id', user)


def default(user_id):
    """The settings of a user who never chose (not saved)."""
    return MailPreference(user=user_id, mode='immediate', hide_content=service.options().hide_content,
                          quiet_from=None, quiet_until=None, unsubscribe_generation=0)


def preference(user):
    """The user's MailPreference: their row, or the defaults (an unsaved row) when they never chose."""
    row = MailPreference.get_or_none(MailPreference.user == _id(user))
    return row if row is not None else default(_id(user))


def preferences_of(user_ids):
    """{user id: MailPreference} for these users in one query, defaults for those without a row."""
    ids = list({_id(user) for user in user_ids})
    rows = {}
    for start in range(0, len(ids), 500):
        rows.update({row.user_id: row for row in
                     MailPreference.select().where(MailPreference.user.in_(ids[start:start + 500]))})
    return {i: rows.get(i) or default(i) for i in ids}


def clean_time(text, field, errors):
    """'HH:MM' of what was typed ('7:30', '19h00' too), None for nothing; a problem goes in errors."""
    text = (text or '').strip()
    if not text:
        return None
    match = HHMM.fullmatch(text)
    if not match:
        errors[field] = _('Indiquez une heure comme 19:00 ou 07:30.')
        return None
    return f'{int(match.group(1)):02d}:{match.group(2)}'


def save_preference(user, mode=None, hide_content=None, quiet_from=None, quiet_until=None, actor=None):
    """Change the user's settings; an argument left None keeps its value ('' clears the quiet
    hours). ValidationError (French) for an unknown mode, a time that is not HH:MM, one end of
    the quiet hours without the other, or both ends equal. Returns the saved MailPreference."""
    current = preference(user)
    errors = {}
    if mode is not None and mode not in NOTIFY_MODES:
        errors['mode'] = _('Choisissez : à chaque nouveauté, un résumé par jour, ou aucun courriel.')
    values = {'mode': current.mode if mode is None else mode,
              'hide_content': current.hide_content if hide_content is None else bool(hide_content),
              'quiet_from': current.quiet_from, 'quiet_until': current.quiet_until}
    if quiet_from is not None or quiet_until is not None:
        values['quiet_from'] = clean_time(quiet_from, 'quiet_from', errors)
        values['quiet_until'] = clean_time(quiet_until, 'quiet_until', errors)
        start, end = values['quiet_from'], values['quiet_until']
        if not errors and bool(start) != bool(end):
            errors['quiet_from' if not start else 'quiet_until'] = _(
                'Indiquez le début et la fin des heures de calme (ou aucune des deux).')
        elif not errors and start and start == end:
            errors['quiet_until'] = _('La fin des heures de calme doit être différente du début.')
    if errors:
        raise ValidationError(errors)
    values['updated_at'] = now()
    with writing():
        MailPreference.insert(user=_id(user), **values).on_conflict(
            conflict_target=[MailPreference.user], update=values).execute()
        if values['mode'] != current.mode:
            audit.record(actor, 'mail.mode_changed', getattr(user, 'login', _id(user)),
                         school=getattr(user, 'school_id', None), before=current.mode, after=values['mode'])
    return preference(user)


def _hhmm(text):
    hours, minutes = text.split(':')
    return time(int(hours), int(minutes))


def quiet_end(pref, moment):
    """The end (naive UTC) of `pref`'s quiet hours when `moment` (naive UTC) falls in them, else None."""
    if not pref.quiet_from or not pref.quiet_until:
        return None
    start, end = _hhmm(pref.quiet_from), _hhmm(pref.quiet_until)
    local = to_local(moment)
    clock_time, day = local.time(), local.date()
    if start < end:                                   # within a day: 12:00 to 14:00
        quiet, end_day = start <= clock_time < end, day
    elif clock_time >= start:                         # across midnight, in the evening part
        quiet, end_day = True, day + timedelta(days=1)
    else:                                             # across midnight, in the morning part
        quiet, end_day = clock_time < end, day
    if not quiet:
        return None
    return from_local(datetime.combine(end_day, end))


def mode_label(mode):
    return _(MODE_LABELS[mode])
