"""The statistics pages: who may see each route (a role matrix of every route), what they show
(every chart drawn as inline SVG without script or style, the numbers as tables, French figures),
« masqué » outside the director's own view, an empty school and the demo's busy year."""
import re

import pytest

from ecole_ent.stats import charts, routes
from tests.admin.conftest import text_of
from tests.stats.conftest import TODAY, count

SCHOOL = '/admin/ecoles/{id}/statistiques'
OVERVIEW = '/admin/statistiques'
CHARTS = 10


def test_every_route_is_in_the_matrix():
    assert {row[0] for row in routes.routes.table} == {'/admin/ecoles/<school_id:int>/statistiques', OVERVIEW}


@pytest.mark.parametrize('role, school_page, overview', [
    ('director', 200, 403), ('admin', 200, 200), ('teacher', 403, 403), ('guardian', 403, 403),
    ('pupil', 403, 403), ('staff', 403, 403), ('other_director', 403, 403)])
def test_role_matrix(who, signed_in, school_b, role, school_page, overview):
    user = school_b.director if role == 'other_director' else getattr(who, role)
    client = signed_in(user)
    assert client.get(SCHOOL.format(id=who.school.id), expect_errors=True).status_int == school_page
    assert client.get(OVERVIEW, expect_errors=True).status_int == overview


def test_signed_out_goes_to_the_sign_in_page(who, demo_app):
    from tests.conftest import Client
    client = Client(demo_app)
    for path in (SCHOOL.format(id=who.school.id), OVERVIEW):
        response = client.get(path, expect_errors=True)
        assert response.status_int == 303 and '/connexion' in response.headers['Location']


def test_an_unknown_school_is_not_found_for_the_admin(who, signed_in):
    assert signed_in(who.admin).get(SCHOOL.format(id=999999), expect_errors=True).status_int == 404


def svgs(page):
    return re.findall(r'<svg role="img".*?</svg>', page, flags=re.S)


def test_the_demo_year_draws_every_chart_without_script_or_style(who, signed_in):
    page = signed_in(who.director).get(SCHOOL.format(id=who.school.id)).text
    drawn = svgs(page)
    assert len(drawn) == CHARTS
    for svg in drawn:
        assert '<script' not in svg and 'style=' not in svg and '<style' not in svg
        assert 'viewBox=' in svg and ' width="' not in svg.split('>', 1)[0]
        assert 'Aucune donnée' not in svg
    assert page.count('<table') == CHARTS
    text = text_of(signed_in(who.director).get(SCHOOL.format(id=who.school.id)))
    assert 'Visites par mois' in text and 'septembre 2026' in text and 'Téléphone' in text
    assert re.search(r'\d\u202f\d{3}', text)             # thousands in French
    assert 'masqué' not in text                             # the director's own school: exact


def test_small_counts_are_hidden_from_the_admin_not_from_the_director(who, signed_in, school_b):
    count(school_b.school, TODAY, profile='teacher', feature='blog', visits=3, signins=2)
    path = SCHOOL.format(id=school_b.school.id)
    admin_view = text_of(signed_in(who.admin).get(path))
    assert 'masqué' in admin_view and 'ceux qui en redonneraient un par différence, sont « masqués »' in admin_view
    profiles = admin_view.split('id="h-profile"', 1)[1].split('</table>', 1)[0]
    assert re.search(r'Enseignants</th><td class="num">masqué</td>', profiles)
    own_view = text_of(signed_in(school_b.director).get(path))
    assert 'masqué' not in own_view
    profiles = own_view.split('id="h-profile"', 1)[1].split('</table>', 1)[0]
    assert re.search(r'Enseignants</th><td class="num">3</td>', profiles)


def test_a_figure_from_1_to_4_of_a_profile_of_five_or_more_reads_under_five(who, signed_in, school_b):
    """« < 5 » says a figure from 1 to 4; « masqué » one hidden for another reason (a profile of
    fewer than five people: École du Port's teachers)."""
    from ecole_ent.accounts import service as accounts
    for n in range(5):
        accounts.create_user(f'parent{n}.port', 'Parent', f'Port {n}', ['guardian'], school=school_b.school)
    count(school_b.school, TODAY, profile='guardian', visits=3)
    count(school_b.school, TODAY, profile='teacher', visits=40)
    profiles = text_of(signed_in(who.admin).get(SCHOOL.format(id=school_b.school.id)))
    profiles = profiles.split('id="h-profile"', 1)[1].split('</table>', 1)[0]
    assert re.search(r'Parents</th><td class="num">&lt; 5</td>', profiles) or \
        re.search(r'Parents</th><td class="num">< 5</td>', profiles), profiles
    assert re.search(r'Enseignants</th><td class="num">masqué</td>', profiles)


def test_an_empty_school_shows_empty_charts(who, signed_in, school_b):
    response = signed_in(school_b.director).get(SCHOOL.format(id=school_b.school.id))
    assert len(svgs(response.text)) == CHARTS
    assert 'Aucune donnée pour cette période' in text_of(response)


def test_the_year_is_chosen_and_a_bad_one_is_explained(who, signed_in):
    client = signed_in(who.director)
    previous = text_of(client.get(SCHOOL.format(id=who.school.id) + '?annee=2025-2026'))
    assert 'Du lundi 1er septembre 2025' in previous
    bad = client.get(SCHOOL.format(id=who.school.id) + '?annee=<script>').text
    assert 'Année scolaire inconnue : « &lt;script&gt; »' in bad
    old = text_of(client.get(SCHOOL.format(id=who.school.id) + '?annee=2019-2020'))
    assert 'gardées 25 mois' in old


def test_the_admin_overview_links_every_school(who, signed_in, school_b):
    page = signed_in(who.admin).get(OVERVIEW).text
    assert SCHOOL.format(id=who.school.id) in page and SCHOOL.format(id=school_b.school.id) in page
    assert len(svgs(page)) == CHARTS


def test_the_stylesheet_is_pygals_own_for_our_style():
    from pathlib import Path
    written = (Path(__file__).resolve().parents[2] / 'static/stats/charts.css').read_text()
    assert written == charts.stylesheet()
