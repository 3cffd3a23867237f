"""`ecole-ent stats export`: one file for several schools, the UAI on every row, today's events
not folded yet included, small counts of a profile hidden unless --exact, clear French errors."""
import csv
import io
import json
from datetime import date

import pytest

from ecole_ent.models import StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors
from tests.stats.conftest import count, event, visitors

DEC3, DEC4 = date(2026, 12, 3), date(2026, 12, 4)


@pytest.fixture
def two_schools(who, school_b):
    """The demo school: a folded day (12 guardian page views by 6 parents, 8 teacher views by 2
    teachers) and today's events not folded (2 page views and a sign-in of one parent); School B:
    today, 2 page views of one parent."""
    for model in (StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors):
        model.delete().execute()
    demo = who.school
    count(demo, DEC3, profile='guardian', feature='blog', visits=12, signins=6)
    count(demo, DEC3, profile='teacher', feature='notes', device='computer', visits=8, signins=2)
    visitors(demo, DEC3, 8)
    visitors(demo, DEC3, 6, 'profile', 'guardian')
    visitors(demo, DEC3, 2, 'profile', 'teacher')
    event(demo, DEC4, 'p1', kind='signin')
    event(demo, DEC4, 'p1', feature='home')
    event(demo, DEC4, 'p1', feature='photos')
    event(school_b.school, DEC4, 'q1', feature='home')
    event(school_b.school, DEC4, 'q1', feature='blog')
    return demo, school_b.school


def export(run_cli, *args, expect=0):
    return run_cli('stats', 'export', *args, expect=expect)


def test_one_csv_for_two_schools_with_the_uai_on_every_row(run_cli, two_schools):
    demo, port = two_schools
    out, _err = export(run_cli, '--from', '2026-12-01', '--to', '2026-12-04', '--by', 'day', '--format', 'csv')
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ['uai', 'day', 'visits', 'visitors', 'signins', 'suppressed']
    table = {(r['uai'], r['day']): (r['visits'], r['visitors'], r['signins']) for r in rows}
    assert table == {(demo.uai, '2026-12-03'): ('20', '8', '8'),
                     (demo.uai, '2026-12-04'): ('2', '1', '1'),            # today, not folded yet
                     (port.uai, '2026-12-04'): ('2', '1', '0')}


def test_one_school_alone(run_cli, two_schools):
    _demo, port = two_schools
    out, _err = export(run_cli, '--school', port.uai, '--from', '2026-12-01', '--to', '2026-12-04',
                       '--by', 'feature', '--format', 'json')
    assert json.loads(out) == [
        {'uai': port.uai, 'feature': 'blog', 'visits': 1, 'visitors': 1, 'signins': 0, 'suppressed': False},
        {'uai': port.uai, 'feature': 'home', 'visits': 1, 'visitors': 1, 'signins': 0, 'suppressed': False}]


def test_small_counts_of_a_profile_are_hidden_unless_exact(run_cli, two_schools):
    demo, _port = two_schools
    args = ('--school', demo.uai, '--from', '2026-12-01', '--to', '2026-12-04', '--by', 'profile', '--format', 'json')
    rows = {row['profile']: row for row in json.loads(export(run_cli, *args)[0])}
    # the demo school's few teachers: a small profile, no figure at all; the guardians' figures go too,
    # else the total minus the guardians would give the teachers'
    assert rows['teacher'] == {'uai': demo.uai, 'profile': 'teacher', 'visits': None, 'visitors': None,
                               'signins': None, 'suppressed': True}
    assert rows['guardian'] == {'uai': demo.uai, 'profile': 'guardian', 'visits': None, 'visitors': None,
                                'signins': None, 'suppressed': True}
    exact = {row['profile']: row for row in json.loads(export(run_cli, *args, '--exact')[0])}
    assert exact['teacher']['visitors'] == 2 and exact['teacher']['signins'] == 2
    assert not exact['teacher']['suppressed']
    out, _err = export(run_cli, *args[:-1], 'csv')
    teacher = next(r for r in csv.DictReader(io.StringIO(out)) if r['profile'] == 'teacher')
    assert (teacher['visitors'], teacher['signins'], teacher['suppressed']) == ('', '', 'true')


@pytest.mark.parametrize('args, message', [
    (('--from', '2026-13-01', '--to', '2026-12-04'), '--from attend une date AAAA-MM-JJ'),
    (('--from', '2026-12-01', '--to', 'hier'), '--to attend une date AAAA-MM-JJ'),
    (('--from', '2026-12-04', '--to', '2026-12-01'), 'avant la date de début'),
    (('--school', '0000000X', '--from', '2026-12-01', '--to', '2026-12-04'), 'aucune école n’a le code UAI'),
])
def test_a_bad_request_says_why_in_french_and_exits_2(run_cli, two_schools, args, message):
    out, err = export(run_cli, *args, expect=2)
    assert out == '' and message in err
