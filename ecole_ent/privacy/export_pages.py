"""A family's data export on the web: the section of /compte and what the routes share (the routes
themselves, thin, are in routes.py with who may reach each; export.py builds the zip off the
request)."""
from bottle import redirect, static_file
from markupsafe import Markup

from .. import hooks
from ..errors import ValidationError
from ..i18n import _
from ..web.forms import csrf_token
from ..web.render import env, flash, url
from . import export

TOKEN = r'<token:re:[0-9a-f]{32}>'


def send(path, guardian):
    """The finished zip (a path export.zip_path checked) as a download, never cached."""
    return static_file(path.name, root=str(path.parent), mimetype='application/zip',
                       download=export.download_name(guardian), headers={'Cache-Control': 'no-store'})


def ask(requester, guardian, back):
    """Start the export, say so (or why not, in French) on the next page, and go `back`."""
    try:
        export.request_export(requester, guardian)
        flash(_('Votre export est en préparation : il apparaîtra ici dans quelques minutes.'), 'success')
    except ValidationError as exc:
        flash(exc.errors['export'], 'error')
    redirect(back, 303)


def account_section(user):
    """The export's section of /compte for guardians (hooks.ACCOUNT_SECTION); None for others."""
    if not user.has_role('guardian'):
        return None
    return Markup(env.get_template('privacy/_export_section.html').render(
        export=export.status(user, user), csrf_token=csrf_token(), keep_hours=export.KEEP_HOURS,
        action=url('privacy.export_start'), link=lambda token: url('privacy.export_download', token=token)))


def register(app):
    hooks.ACCOUNT_SECTION.add(account_section)
