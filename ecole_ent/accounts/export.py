"""Account listings for `users list` (JSON and CSV, the CSV protected against formula injection):
a fixed number of queries whatever the number of accounts."""
import csv

from peewee import JOIN

from ..models import Classroom, Enrolment, GuardianLink, School, SchoolYear, Teaching, User

FIELDS = ['login', 'roles', 'first_name', 'last_name', 'status', 'school_uai', 'classes',
          'external_id', 'source', 'children', 'image_rights', 'niveau']


def users(school_uai=None):
    query = User.select(User, School).join(School, join_type=JOIN.LEFT_OUTER, on=(User.school == School.id))
    if school_uai:
        query = query.where(School.uai == school_uai)
    current = (Classroom.select(Classroom.id, Classroom.name).join(SchoolYear)
               .where(SchoolYear.current & ~Classroom.archived))
    names = {c.id: c.name for c in current}
    classes, niveaux = {}, {}
    for row in Enrolment.current().select(Enrolment.pupil, Enrolment.classroom, Enrolment.niveau):
        if row.classroom_id in names:
            classes.setdefault(row.pupil_id, []).append(names[row.classroom_id])
            niveaux[row.pupil_id] = row.niveau
    for row in Teaching.select(Teaching.teacher, Teaching.classroom):
        if row.classroom_id in names:
            classes.setdefault(row.teacher_id, []).append(names[row.classroom_id])
    logins = dict(User.select(User.id, User.login).tuples())
    children = {}
    for row in GuardianLink.select(GuardianLink.guardian, GuardianLink.pupil):
        children.setdefault(row.guardian_id, []).append(logins[row.pupil_id])
    return [{'login': u.login, 'roles': u.roles.split(','), 'first_name': u.first_name,
             'last_name': u.last_name, 'status': u.status,
             'school_uai': u.school.uai if u.school_id else None,
             'classes': sorted(classes.get(u.id, [])), 'external_id': u.external_id,
             'source': u.source, 'children': sorted(children.get(u.id, [])),
             'image_rights': u.image_rights if u.has_role('pupil') else None,
             'niveau': niveaux.get(u.id) if u.has_role('pupil') else None}
            for u in query.order_by(User.login)]


def safe_cell(value):
    """Spreadsheets run cells starting with = + - @ (and tab/CR) as formulas: neutralise them."""
    if isinstance(value, list):
        value = ' '.join(value)
    text = '' if value is None else str(value)
    return "'" + text if text[:1] in ('=', '+', '-', '@', '\t', '\r') else text


def write_csv(stream, rows):
    writer = csv.writer(stream, delimiter=';')
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([safe_cell(row[name]) for name in FIELDS])
