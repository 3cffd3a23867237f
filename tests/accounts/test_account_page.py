"""The account page /compte: every signed-in user's own account, the e-mail address they may
change (local accounts only), the way to the password page, and the sections features add
(hooks.ACCOUNT_SECTION)."""
import html
import re

import pytest
from markupsafe import Markup

from ecole_ent import hooks
from ecole_ent.models import AuditEvent, User
from tests.conftest import Client, redirected_to


def signed_in(app, login):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    assert redirected_to(client.login(login)) == '/'
    return client


def text(response):
    return html.unescape(re.sub(r'\s+', ' ', response.text))


def send_email(client, address, token=None):
    token = client.csrf('/compte') if token is None else token
    return client.post('/compte/courriel', {'email': address, 'csrf_token': token}, expect_errors=True)


@pytest.mark.parametrize('login, role', [('aurelie.dubois', 'Parent ou responsable'),
                                         ('julien.roux', 'Enseignant·e'), ('zoe.dubois', 'Élève'),
                                         ('admin', "Administration de l'ENT")])
def test_every_signed_in_user_has_an_account_page(demo_app, login, role):
    client = signed_in(demo_app, login)
    page = text(client.get('/compte'))
    user = User.get(User.login == login)
    assert user.display_name in page and login in page and role in page
    if user.school_id:
        assert user.school.name in page
    assert 'href="/mot-de-passe"' in page and 'Changer mon mot de passe' in page
    assert 'href="/compte"' in client.get('/').text         # reached from every page


def test_an_anonymous_visitor_is_sent_to_sign_in(demo_app):
    assert redirected_to(Client(demo_app).get('/compte')) == '/connexion?next=/compte'


def test_a_local_account_sets_changes_and_removes_its_address(demo_app, demo):
    client = signed_in(demo_app, 'aurelie.dubois')
    saved = send_email(client, '  aurelie.dubois@exemple.fr ')
    assert redirected_to(saved) == '/compte'
    assert 'Votre adresse électronique est enregistrée.' in text(saved.follow())
    assert User.get(User.login == 'aurelie.dubois').email == 'aurelie.dubois@exemple.fr'
    assert 'value="aurelie.dubois@exemple.fr"' in client.get('/compte').text
    event = AuditEvent.get(AuditEvent.action == 'account.email_changed')
    assert event.target == 'aurelie.dubois' and 'aurelie.dubois@exemple.fr' in event.details
    removed = send_email(client, '')
    assert 'Votre adresse électronique est effacée.' in text(removed.follow())
    assert User.get(User.login == 'aurelie.dubois').email is None


@pytest.mark.parametrize('address, message', [
    ('aurelie', 'ne semble pas valide'), ('aurelie@exemple', 'ne semble pas valide'),
    ('a b@exemple.fr', 'ne semble pas valide'), ('a@b@exemple.fr', 'ne semble pas valide'),
    ('a' * 190 + '@exemple.fr', 'trop longue')])
def test_an_implausible_address_is_refused_and_shown_again(demo_app, demo, address, message):
    client = signed_in(demo_app, 'aurelie.dubois')
    before = User.get(User.login == 'aurelie.dubois').email
    refused = send_email(client, address)
    assert refused.status_int == 200 and message in text(refused)
    assert 'aria-invalid="true"' in refused.text and f'value="{address}"' in refused.text
    assert User.get(User.login == 'aurelie.dubois').email == before


def test_a_directory_account_cannot_change_its_address(demo_app, demo):
    User.update(source='aaf', email='j.roux@ac-exemple.fr').where(User.login == 'julien.roux').execute()
    client = signed_in(demo_app, 'julien.roux')
    page = text(client.get('/compte'))
    assert "Votre adresse est gérée par l'annuaire de l'académie." in page
    assert 'j.roux@ac-exemple.fr' in page and 'action="/compte/courriel"' not in page
    refused = send_email(client, 'autre@exemple.fr', token=client.csrf('/'))
    assert "Votre adresse est gérée par l'annuaire de l'académie." in text(refused)
    assert User.get(User.login == 'julien.roux').email == 'j.roux@ac-exemple.fr'


def test_a_change_without_the_csrf_token_is_refused(demo_app, demo):
    client = signed_in(demo_app, 'aurelie.dubois')
    refused = client.post('/compte/courriel', {'email': 'pirate@exemple.fr'}, expect_errors=True)
    assert refused.status_int == 400
    assert send_email(client, 'pirate@exemple.fr', token='faux').status_int == 400
    assert User.get(User.login == 'aurelie.dubois').email != 'pirate@exemple.fr'


def test_features_add_their_sections_after_the_accounts_own(demo_app, demo):
    def section(user):
        return Markup('<section id="essai"><h2>Essai</h2></section>') if user.has_role('teacher') else None
    hooks.ACCOUNT_SECTION.add(section)
    try:
        teacher = signed_in(demo_app, 'julien.roux').get('/compte').text
        assert teacher.index('id="essai"') > teacher.index('Adresse électronique')
        assert 'id="essai"' not in signed_in(demo_app, 'aurelie.dubois').get('/compte').text
    finally:
        hooks.ACCOUNT_SECTION.remove(section)
    # the homework's calendar addresses are one of them
    assert 'Les devoirs dans votre agenda' in signed_in(demo_app, 'aurelie.dubois').get('/compte').text


@pytest.mark.browser
@pytest.mark.parametrize('width', [320, 390])
def test_the_account_page_on_a_phone(browser_page, width):
    """A guardian on a phone: the calendar addresses fit without scrolling sideways, the page
    passes axe, and the header's name leads to the account page."""
    from tests.conftest import axe_violations, browser_sign_in
    page = browser_page
    page.set_viewport_size({'width': width, 'height': 740})
    browser_sign_in(page, 'aurelie.dubois')
    page.get_by_role('link', name='Mon compte : Aurélie Dubois').click()
    page.wait_for_load_state()
    assert page.url.endswith('/compte')
    assert page.get_by_label('Adresse de l’agenda des devoirs de Zoé').input_value().endswith('.ics')
    for state in ('active', 'revoked'):
        width_seen = page.evaluate('document.documentElement.scrollWidth')
        assert width_seen <= width, f'horizontal scrolling at {width} px ({width_seen} px wide), {state}'
        assert axe_violations(page) == []
        if state == 'active':
            page.get_by_role('button', name='Désactiver cette adresse').first.click()
            page.wait_for_load_state()
            assert page.get_by_role('button', name='Créer une nouvelle adresse').count() == 1
