"""The notice for families (mentions d'information, RGPD articles 13 and 14): a public page, linked
from the sign-in page and the activation letters, that says in plain French what the ENT keeps, for
how long (rules.figures(config): the figures the daily job applies), who to ask, and how to
exercise one's rights. The contacts come from the configuration ([privacy] controller,
school_contact, dpo_*); an option left empty reads « à renseigner ». Plain functions, no bottle."""
from dataclasses import dataclass

from ..accounts.membership import children_classes
from ..i18n import lazy
from ..models import Classroom, School
from . import rules

UNSET = lazy('à renseigner')


@dataclass(frozen=True)
class Contacts:
    controller: str
    school: str
    dpo_name: str
    dpo_email: str
    dpo_address: str

    @property
    def missing(self):
        """True when any contact is still « à renseigner »."""
        return UNSET in (self.controller, self.school, self.dpo_name, self.dpo_email, self.dpo_address)


def contacts(config):
    """The contacts of the configuration, « à renseigner » where an option is empty."""
    def value(name):
        return config[f'privacy.{name}'].strip() or UNSET
    return Contacts(value('controller'), value('school_contact'), value('dpo_name'), value('dpo_email'),
                    value('dpo_address'))


def schools_named(reader):
    """The schools the notice names: a signed-in reader's own (their account's school, and for a
    guardian their children's), never another school of the installation; before sign-in, and to the
    installation's admin, every school the installation serves (the notice is what families read
    before they have an account)."""
    query = School.select(School.name)
    if reader is not None and not reader.has_role('admin'):
        query = query.where((School.id == reader.school_id) | School.id.in_(
            Classroom.select(Classroom.school).where(Classroom.id.in_(children_classes(reader.id)))))
    return [school.name for school in query.order_by(School.name)]


def notice_page(config, reader=None):
    """What the public notice shows: contacts, the schools named (schools_named), the figures."""
    return {'contacts': contacts(config), 'unset': UNSET, 'schools': schools_named(reader),
            'figures': [(rule, words) for rule, _figure, words in rules.figures(config)],
            'by_kind': {rule.kind: words for rule, _figure, words in rules.figures(config)},
            'keep_contributions': config['privacy.leavers_contributions'] == 'keep',
            'mail': bool(config['smtp.host'])}
