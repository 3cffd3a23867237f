"""The director's erasure of an account on request (RGPD, article 17), from the account's admin page.

Who may see what (erase.py decides through admin.accounts.get_account; tests/privacy/test_routes.py
checks every route and role):
  /admin/comptes/<id>/effacer   GET: the confirmation page; POST: the erasure, confirmed a second
                                time by typing the account's full name. The director of the
                                account's school and the installation's admin; anyone else 403
                                (another school's director included).
"""
from bottle import redirect

from ..errors import ValidationError
from ..i18n import _
from ..web.forms import field
from ..web.guards import require_role
from ..web.render import flash, render, url
from ..web.routing import Routes
from . import erase, export_pages, register_routes

routes = Routes('privacy')


@routes.get('/admin/comptes/<user_id:int>/effacer', 'erase_form')
def erase_form(user_id, errors=None, form=None):
    """Director of the account's school, admin: what erasing this account removes and keeps."""
    actor = require_role('director', 'admin')
    return render('privacy/erase.html', errors=errors or {}, form=form or {}, **erase.erasure_page(actor, user_id))


@routes.post('/admin/comptes/<user_id:int>/effacer', 'erase')
def erase_post(user_id):
    """Director of the account's school, admin: erase it, once its full name is typed."""
    actor = require_role('director', 'admin')
    form = {'confirm_name': field('confirm_name'), 'contributions': field('contributions')}
    try:
        erase.erase_on_request(actor, user_id, form['confirm_name'], form['contributions'])
    except ValidationError as exc:
        return erase_form(user_id, exc.errors, form)
    flash(_('Compte effacé : ses données personnelles ne sont plus sur l’ENT.'), 'success')
    redirect(url('admin.account', user_id=user_id), 303)


def register(app):
    routes.install(app)
    register_routes.register_routes(app)     # the notice, the register, the photo dates
    export_pages.register(app)
