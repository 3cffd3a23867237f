"""The mail settings on /compte and the one-click stop link: a GET asks, a POST without any CSRF
token or cookie stops (RFC 8058), a wrong or retired token is 404; the CSRF exemption is that
link's POST only."""
import pytest
import webtest

from ecole_ent.db import writing
from ecole_ent.mail import compose, notify, preferences, unsubscribe
from ecole_ent.models import AuditEvent, MailPreference, User
from ecole_ent.web import guards
from tests.conftest import Client


def test_the_account_page_shows_the_mail_settings_to_adults_not_pupils(demo, signed_in):
    page = signed_in(demo.user('aurelie.dubois')).get('/compte')
    assert 'Courriels de l’ENT' in page.text and 'Heures de calme' in page.text
    form = page.forms[[f.action for f in page.forms.values()].index('/compte/courriels')]
    assert form['mode'].value == 'immediate'
    pupil = demo.first('pupil')
    assert 'Courriels de l’ENT' not in signed_in(pupil).get('/compte').text


def test_a_teacher_chooses_the_digest_and_quiet_hours(demo, signed_in):
    client = signed_in(demo.teacher)
    page = client.get('/compte')
    form = page.forms[[f.action for f in page.forms.values()].index('/compte/courriels')]
    form['mode'] = 'digest'
    form['hide_content'] = True
    form['quiet_from'], form['quiet_until'] = '19:00', '07:30'
    done = form.submit()
    assert done.status_int == 303 and done.headers['Location'].endswith('/compte#h-mail')
    pref = notify.preference(demo.teacher)
    assert (pref.mode, pref.hide_content, pref.quiet_from, pref.quiet_until) == ('digest', True, '19:00', '07:30')
    assert 'Réglages des courriels enregistrés : un résumé par jour.' in done.follow().text


@pytest.mark.parametrize('values, message', [
    ({'mode': 'souvent'}, 'Choisissez : à chaque nouveauté'),
    ({'mode': 'immediate', 'quiet_from': '25:00', 'quiet_until': '07:00'}, 'Indiquez une heure comme 19:00'),
    ({'mode': 'immediate', 'quiet_from': '19:00', 'quiet_until': ''}, 'le début et la fin'),
    ({'mode': 'immediate', 'quiet_from': '19:00', 'quiet_until': '19:00'}, 'différente du début'),
])
def test_bad_settings_are_refused_in_french_and_nothing_is_saved(demo, signed_in, values, message):
    client = signed_in(demo.teacher)
    before = MailPreference.get(MailPreference.user == demo.teacher.id).__data__
    token = client.csrf('/compte')
    done = client.post('/compte/courriels', {'csrf_token': token, **values})
    assert message in done.follow().text
    assert MailPreference.get(MailPreference.user == demo.teacher.id).__data__ == before


def test_the_settings_form_needs_its_csrf_token(demo, signed_in):
    client = signed_in(demo.teacher)
    assert client.post('/compte/courriels', {'mode': 'none'}, expect_errors=True).status_int == 400
    assert notify.preference(demo.teacher).mode == 'immediate'


def test_the_demo_has_addresses_quiet_hours_and_digests_but_no_relay(demo, config):
    from ecole_ent.models import NOTIFY_MODES
    guardians = list(User.with_role('guardian'))
    assert all(g.email and g.email.endswith('@example.org') for g in guardians)
    assert User.get(User.login == 'aurelie.dubois').email == 'famille0@example.org'     # as it was
    teacher = notify.preference(demo.teacher)
    assert (teacher.quiet_from, teacher.quiet_until) == ('19:00', '07:30')
    modes = [notify.preference(g).mode for g in guardians]
    assert modes.count('digest') > 3 and set(modes) <= set(NOTIFY_MODES)
    assert notify.preference(User.get(User.login == 'thomas.dubois')).mode == 'immediate'
    assert config['smtp.host'] == ''


def test_the_one_click_link_asks_on_get_and_stops_on_a_bare_post(demo, demo_app):
    guardian = demo.user('aurelie.dubois')
    path = unsubscribe.path_for(guardian.id)
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    page = visitor.get(path)
    assert 'Arrêter ces courriels' in page.text and notify.preference(guardian).mode == 'immediate'
    # What a mail client sends (RFC 8058): no cookie, no CSRF token, just this body.
    bare = webtest.TestApp(demo_app)
    done = bare.post(path, 'List-Unsubscribe=One-Click',
                     content_type='application/x-www-form-urlencoded')
    assert done.status_int == 200 and 'vous ne recevrez plus de courriels' in done.text
    assert notify.preference(guardian).mode == 'none'
    assert AuditEvent.select().where(AuditEvent.action == 'mail.unsubscribed').count() == 1
    assert page.forms[0].submit().status_int == 200            # the page's button: same result


def test_a_wrong_or_retired_token_is_404(demo, demo_app):
    guardian = demo.user('aurelie.dubois')
    client = webtest.TestApp(demo_app)
    good = unsubscribe.path_for(guardian.id)
    forged = good[:-3] + ('AAA' if not good.endswith('AAA') else 'BBB')
    assert client.get(forged, expect_errors=True).status_int == 404
    assert client.post(forged, 'List-Unsubscribe=One-Click', expect_errors=True).status_int == 404
    other = unsubscribe.path_for(demo.user('thomas.dubois').id)
    swapped = f'/courriels/arret/{guardian.id}.{other.rpartition(".")[2]}'
    assert client.post(swapped, expect_errors=True).status_int == 404
    with writing():
        MailPreference.insert(user=guardian.id, unsubscribe_generation=1).execute()
    assert client.get(good, expect_errors=True).status_int == 404          # retired
    assert notify.preference(guardian).mode == 'immediate'
    mailed = unsubscribe.path_for(guardian.id)
    User.update(email='nouvelle.adresse@example.org').where(User.id == guardian.id).execute()
    assert client.get(mailed, expect_errors=True).status_int == 404        # mailed to the old address
    assert client.get(unsubscribe.path_for(guardian.id)).status_int == 200


def test_the_csrf_exemption_is_that_links_post_only():
    token = unsubscribe.token_for(12, 0, 'a@example.org')
    assert unsubscribe.TOKEN.fullmatch(token)
    assert guards.csrf_exempt('POST', '/courriels/arret/' + token)
    assert not guards.csrf_exempt('POST', '/courriels/arret/' + token + '/x')
    assert not guards.csrf_exempt('POST', '/compte/courriels')
    assert not guards.csrf_exempt('PUT', '/courriels/arret/' + token)


def test_the_mails_link_is_the_one_that_works(demo, demo_app, set_option):
    set_option('server.public_url', 'https://ent.example.org')
    guardian = demo.user('aurelie.dubois')
    url, headers = compose._unsubscribe(guardian.id)
    assert headers['List-Unsubscribe'] == f'<{url}>'
    assert webtest.TestApp(demo_app).get(url.removeprefix('https://ent.example.org')).status_int == 200


def test_users_edit_notify_works_for_local_and_directory_accounts(demo, run_cli):
    guardian = demo.user('aurelie.dubois')
    _out, err = run_cli('users', 'edit', guardian.login, '--notify', 'digest')
    assert 'un résumé par jour' in err and notify.preference(guardian).mode == 'digest'
    with writing():
        User.update(source='aaf', external_id='AAF-1').where(User.id == guardian.id).execute()
    run_cli('users', 'edit', guardian.login, '--notify', 'none')
    assert preferences.preference(guardian).mode == 'none'
    _out, err = run_cli('users', 'edit', guardian.login, '--email', 'x@example.org', expect=1)
    assert "vient de l'annuaire" in err and User.get_by_id(guardian.id).email != 'x@example.org'
    with pytest.raises(SystemExit) as usage:                       # argparse: exit 2
        run_cli('users', 'edit', guardian.login, '--notify', 'souvent')
    assert usage.value.code == 2 and preferences.preference(guardian).mode == 'none'


def test_over_real_http_the_mail_client_s_one_click_post_stops_the_mails(demo, live_server):
    """RFC 8058 as a mail client sends it to waitress: a POST with no cookie and no page before."""
    from tests.real_http import Browser
    guardian = demo.user('aurelie.dubois')
    client = Browser(live_server)
    assert not list(client.jar)                                   # no cookie to send
    with client.open(unsubscribe.path_for(guardian.id), b'List-Unsubscribe=One-Click',
                     {'Content-Type': 'application/x-www-form-urlencoded'}) as response:
        assert response.status == 200
    assert notify.preference(guardian).mode == 'none'
