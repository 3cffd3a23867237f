"""/images behind the trusted reverse proxy, through the real server on a real socket (as
tests/test_proxy.py does for /carte): the client's address is the one the proxy names in
X-Forwarded-For, and from outside the school's networks both the page and the POST answer 403 with
the message /carte gives, before any check of the pictures (even the right ones)."""
import html

from ecole_ent.models import User
from ecole_ent.pictures import service
from tests.test_proxy import OUTSIDE, SCHOOL, session_cookies, via

NETWORK = "La connexion par carte ne fonctionne que depuis le réseau de l’école."


def maternelle_pupil():
    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Classroom
    return accounts.pupils_of(Classroom.get(Classroom.name == 'Maternelle PS-MS-GS'))[0]


def test_from_outside_the_page_and_the_right_pictures_are_refused(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    pupil = maternelle_pupil()
    names = ','.join(service.sequence_for(pupil))
    status, _headers, page = via(base, OUTSIDE).request('/images')
    assert status == 403 and NETWORK in html.unescape(page) and 'Maternelle' not in page
    outside = via(base, OUTSIDE)
    token = outside.csrf('/connexion')
    status, headers, page = outside.request('/images', {'login': pupil.login, 'images': names, 'csrf_token': token})
    assert status == 403 and NETWORK in html.unescape(page) and not session_cookies(headers)
    status, _headers, page = via(base).request('/images')       # the proxy named nobody
    assert status == 403 and NETWORK in html.unescape(page)
    assert User.get_by_id(pupil.id).last_login_at is None


def test_from_the_school_network_the_pupil_signs_in_through_the_proxy(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    pupil = maternelle_pupil()
    school = via(base, SCHOOL)
    status, _headers, page = school.request('/images')
    assert status == 200 and 'Maternelle PS-MS-GS' in html.unescape(page)
    wrong = list(reversed(service.sequence_for(pupil)))
    status, headers, page = school.form('/images', token_from='/images', login=pupil.login, images=','.join(wrong))
    assert status == 403 and 'Ce ne sont pas les bonnes images' in page and not session_cookies(headers)
    status, headers, _page = school.form('/images', token_from='/images', login=pupil.login,
                                         images=','.join(service.sequence_for(pupil)))
    assert status == 303 and session_cookies(headers)


def test_the_address_throttle_counts_the_client_the_proxy_names(behind_proxy, monkeypatch):
    monkeypatch.setattr(service, 'ADDRESS_MAX_FAILURES', 3)
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    pupil = maternelle_pupil()
    right = ','.join(service.sequence_for(pupil))
    wrong = ','.join(reversed(service.sequence_for(pupil)))
    classroom_pc = via(base, '192.168.1.30')
    for _attempt in range(3):
        classroom_pc.form('/images', token_from='/images', login='personne', images=wrong)
    status, _headers, page = classroom_pc.form('/images', token_from='/images', login=pupil.login, images=right)
    assert status == 403 and 'Trop d’essais' in page
    status, headers, _page = via(base, SCHOOL).form('/images', token_from='/images', login=pupil.login, images=right)
    assert status == 303 and session_cookies(headers)
