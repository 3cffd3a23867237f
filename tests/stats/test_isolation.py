"""Two schools on one installation: each director reads their own school's figures only, never
the other's (not on their page, not by changing the id in the address); the admin reads both
together and each one."""
import re

from tests.admin.conftest import text_of
from tests.conftest import with_config
from tests.stats.conftest import TODAY, count

SCHOOL = '/admin/ecoles/{id}/statistiques'
MARK = '777\u202f777'           # school B's visits, as French figures print them


def test_each_director_reads_their_own_school_only(who, signed_in, school_b):
    count(school_b.school, TODAY, profile='teacher', feature='blog', visits=777777, signins=5)
    mine = text_of(signed_in(who.director).get(SCHOOL.format(id=who.school.id)))
    assert MARK not in mine
    theirs = text_of(signed_in(school_b.director).get(SCHOOL.format(id=school_b.school.id)))
    assert MARK in theirs and 'École du Port' in theirs
    assert who.school.name not in theirs
    for director, other in ((who.director, school_b.school), (school_b.director, who.school)):
        assert signed_in(director).get(SCHOOL.format(id=other.id), expect_errors=True).status_int == 403


@with_config(stats_enabled='false')     # the admin's own page views would add to the overview
def test_the_admin_reads_both(who, signed_in, school_b):
    count(school_b.school, TODAY, profile='teacher', feature='blog', visits=777777, signins=5)
    admin = signed_in(who.admin)
    assert MARK in text_of(admin.get(SCHOOL.format(id=school_b.school.id)))
    assert MARK not in text_of(admin.get(SCHOOL.format(id=who.school.id)))
    overview = admin.get('/admin/statistiques').text
    assert 'École du Port' in overview and who.school.name in overview
    mine = text_of(signed_in(who.director).get(SCHOOL.format(id=who.school.id)))
    assert _december_visits(text_of(admin.get('/admin/statistiques'))) == _december_visits(mine) + 777777


def _december_visits(text):
    """The visits of December 2026 in the « Visites par mois » table."""
    found = re.search(r'<th scope="row">décembre 2026</th><td class="num">([\d\u202f]+)<', text)
    return int(found.group(1).replace('\u202f', ''))
