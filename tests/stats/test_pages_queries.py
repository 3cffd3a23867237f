"""A statistics page view runs a bounded number of queries: each figure's rows are read once (the
month's totals serve the head of the page, the months' chart and every share; the days already
folded are read once per figure, for its counts and its visitors)."""
from ecole_ent.stats import recorder
from tests.statements import Counted
from tests.stats.test_pages import OVERVIEW, SCHOOL


def queries_of(client, path):
    client.get(path)                                 # the SQL of each query built once
    recorder.flush()             # the events queued so far written: the count never hangs on the writer's timing
    with Counted() as counted:
        assert client.get(path).status_int == 200
    return counted.count


def test_a_page_view_runs_a_bounded_number_of_queries(who, signed_in):
    school = queries_of(signed_in(who.director), SCHOOL.format(id=who.school.id))
    overview = queries_of(signed_in(who.admin), OVERVIEW)
    assert school <= 44 and overview <= 66, (school, overview)
