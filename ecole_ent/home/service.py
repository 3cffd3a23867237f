"""What each role's home shows: the guardian's child cards, the teacher's classes, the school and
installation at a glance. Features add to a home through hooks.HOME_SECTION."""
from typing import NamedTuple

from peewee import fn

from .. import hooks
from ..accounts import membership
from ..accounts import service as accounts
from ..models import Classroom, Enrolment, School, SchoolYear, User
from . import feed


class Link(NamedTuple):
    """A line of a child card that leads to a feature's page: « 3 nouvelles photos »."""
    url: str
    icon: str
    label: str


class Todo(NamedTuple):
    """A line of the « À faire » band of a staff home (what needs action, and how many): a feature
    appends it to context['todo'] from its HOME_SECTION hook; one band shows them all."""
    url: str
    count: int
    label: str


class Card:
    """A guardian's child: the pupil, their current class (or None), its teachers, and the links
    features add (new posts, new photos)."""
    __slots__ = ('pupil', 'classroom', 'teachers', 'links')

    def __init__(self, pupil, classroom, teachers):
        self.pupil, self.classroom, self.teachers, self.links = pupil, classroom, teachers, []


def home_context(user, before=None):
    """The page's context; `before`: the family feed's cursor (home.feed, None: its newest page)."""
    context = {'todo': []}
    if user.has_role('guardian'):
        context['cards'] = [Card(pupil, classroom, teachers)
                            for pupil, classroom, teachers in accounts.children_with_teachers(user)]
        classes = {card.classroom.id: card.classroom for card in context['cards'] if card.classroom}
        context['feed'] = feed.family_feed(user, list(classes.values()), before)
        context['feed_html'] = feed.feed_html
    if user.has_role('pupil', 'teacher', 'staff'):
        context['classes'] = class_summaries(membership.current_classes_of(user)) \
            if not user.has_role('pupil') else membership.current_classes_of(user)
    if user.has_role('director') and user.school_id:
        context['school'] = school_overview(user.school)
    if user.has_role('admin'):
        context['schools'] = [school_overview(s) for s in School.select().order_by(School.name)]
    for section in hooks.HOME_SECTION:
        section(user, context)
    return context


def class_summaries(classrooms):
    counts = pupil_counts([c.id for c in classrooms])
    return [{'classroom': c, 'pupils': counts.get(c.id, 0)} for c in classrooms]


def pupil_counts(class_ids):
    if not class_ids:
        return {}
    rows = (Enrolment.select(Enrolment.classroom, fn.COUNT(Enrolment.id).alias('n'))
            .where(Enrolment.classroom.in_(class_ids) & Enrolment.ended_on.is_null())
            .group_by(Enrolment.classroom))
    return {row.classroom_id: row.n for row in rows}


def school_overview(school):
    year = school.current_year()
    classrooms = list(Classroom.of_year(year)) if year else []
    statuses = dict(User.select(User.status, fn.COUNT(User.id)).where(User.school == school)
                    .group_by(User.status).tuples())
    return {'school': school, 'year': year, 'classes': class_summaries(classrooms),
            'active': statuses.get('active', 0), 'pending': statuses.get('pending', 0),
            'disabled': statuses.get('disabled', 0)}


def class_page(user, classroom_id):
    classroom = membership.get_class(user, classroom_id)
    full_names = membership.teaches(user, classroom)
    return {'classroom': classroom, 'year': SchoolYear.get_by_id(classroom.year_id),
            'teachers': accounts.teachers_of([classroom])[classroom.id],
            'pupils': accounts.pupils_of(classroom), 'full_names': full_names}
