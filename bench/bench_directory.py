"""Directory sync bench: a generated AAF1D Complet of 2,000 people.

Imports it into an empty database, then re-runs it unchanged, and prints the timings.
Targets on a 2-core machine (issue 6): first import <= 5 s, unchanged re-run <= 2 s.

    python bench/bench_directory.py [--people 2000] [--keep DIR]
"""
import argparse
import random
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

UAI = '0061234A'
SCHOOL_ID = '610042'
FIRST = ['Léa', 'Noé', 'Chloé', 'Lucas', 'Anaïs', 'Maël', 'Timéo', 'Zoé', 'Inès', 'Hugo', 'Jules',
         'Lætitia', 'Émilie', 'Louise', 'Gabriel', 'Ayşe', 'Nour', 'Rose', 'Arthur', 'Lina']
LAST = ['MARTIN', 'BERNARD', "D'ALMEIDA", 'LE GOFF', 'ÇELIK', 'FAURE', 'PERRIN', 'N\'DIAYE',
        'MARTIN-ROUSSEAU', 'LEFÈVRE', 'ŒUVRARD', 'DUBOIS', 'MOREAU', 'GARCIA', 'ROUX', 'FOURNIER']
NIVEAUX = ['PS', 'MS', 'GS', 'CP', 'CE1', 'CE2', 'CM1', 'CM2']
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">\n<ficAlimMENESR>\n')


def request(category, ident, attrs):
    body = ''.join(f'<attr name="{name}">' + ''.join(
        f'<value>{escape(v)}</value>' if v else '<value/>' for v in (values or [''])) + '</attr>'
        for name, values in attrs.items())
    kind = 'categorieStructure' if category == 'EtabEducNat' else 'categoriePersonne'
    return (f'<addRequest><operationalAttributes><attr name="{kind}">'
            f'<value>{category}</value></attr></operationalAttributes><identifier><id>{ident}</id>'
            f'</identifier><attributes>{body}</attributes></addRequest>\n')


def generate(folder, people=2000, seed=6):
    """Write a Complet set: ~40 % pupils, ~57 % guardians, the rest staff."""
    rnd = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    staff = max(4, people * 3 // 100)
    pupils = (people - staff) * 41 // 100
    guardians = people - staff - pupils
    classes = max(1, pupils // 25)
    name = lambda p: f'ENT_{UAI}_Complet_20250901_{p}_0000.xml'  # noqa: E731
    (folder / name('EtabEducNat')).write_text(HEAD + request('EtabEducNat', SCHOOL_ID, {
        'ENTStructureJointure': [SCHOOL_ID], 'ENTStructureUAI': [UAI],
        'ENTStructureNomCourant': ['ECOLE BENCH']}) + '</ficAlimMENESR>\n', 'utf-8')
    eleves = []
    for n in range(pupils):
        g1 = 4000000 + (2 * n) % guardians
        g2 = 4000000 + (2 * n + 1) % guardians
        c = n % classes
        eleves.append(request('Eleve', 3000000 + n, {
            'ENTPersonJointure': [str(3000000 + n)], 'ENTPersonNom': [rnd.choice(LAST)],
            'ENTPersonNomPatro': [rnd.choice(LAST)], 'ENTPersonPrenom': [rnd.choice(FIRST)],
            'ENTPersonDateNaissance': [f'{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/2017'],
            'ENTEleveAutoriteParentale': [str(g1), str(g2)],
            'ENTPersonStructRattach': [SCHOOL_ID],
            'ENTPersonClasses': [f'{SCHOOL_ID}$CLASSE$-$CL{c:05d}$Classe {c} de Mme Exemple'],
            'ENTEleveNiveau': [NIVEAUX[c % len(NIVEAUX)]], 'ENTEleveINE': [f'{n:010d}A']}))
    (folder / name('Eleve')).write_text(HEAD + ''.join(eleves) + '</ficAlimMENESR>\n', 'utf-8')
    rels = [request('PersRelEleve', 4000000 + n, {
        'ENTPersonJointure': [str(4000000 + n)], 'ENTPersonNom': [rnd.choice(LAST)],
        'ENTPersonPrenom': [rnd.choice(FIRST)], 'ENTPersonMail': [f'parent{n}@example.org'],
        'ENTPersonAdresse': [f'{n} rue des Écoles$Bâtiment B'], 'ENTPersonCodePostal': ['06999'],
        'ENTPersonVille': ['SAINT-EXEMPLE'], 'ENTPersRelEleveTelMobile': [f'06{n:08d}']})
        for n in range(guardians)]
    (folder / name('PersRelEleve')).write_text(HEAD + ''.join(rels) + '</ficAlimMENESR>\n', 'utf-8')
    pers = [request('PersEducNat', 5000000 + n, {
        'ENTPersonJointure': [str(5000000 + n)], 'ENTPersonNom': [rnd.choice(LAST)],
        'ENTPersonPrenom': [rnd.choice(FIRST)], 'ENTPersonStructRattach': [SCHOOL_ID],
        'ENTPersonFonctions': [f'{SCHOOL_ID}$ENS$ENSEIGNEMENT$ADJ$ENSEIGNANT'],
        'ENTPersonCategorieEnseignant': ['O']}) for n in range(staff)]
    (folder / name('PersEducNat')).write_text(HEAD + ''.join(pers) + '</ficAlimMENESR>\n', 'utf-8')
    return pupils + guardians + staff


def timed(label, function, *args):
    start = time.perf_counter()
    result = function(*args)
    print(f'{label:<42} {time.perf_counter() - start:7.3f} s')
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--people', type=int, default=2000, help='size of the generated Complet')
    parser.add_argument('--keep', help='write the feed and database here instead of a temp dir')
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep or tmp)
        total = generate(work / 'feed', args.people)
        print(f'generated Complet: {total} people in {work / "feed"}')
        run(work, total)
    return 0


def run(work, total):
    """Time parse + plan alone, then full imports through the real service on a real SQLite file."""
    from ecole_ent import runtime
    from ecole_ent.accounts import service as accounts
    from ecole_ent.directory import aaf1d, service
    from ecole_ent.directory.plan import Options, plan_changes
    from ecole_ent.directory.records import Snapshot
    feed = timed('parse (4 files, strict decoding, defusedxml)', aaf1d.read_paths, work / 'feed')
    timed('plan on an empty snapshot', plan_changes, feed, Snapshot(UAI, frozenset({UAI})),
          Options(UAI))
    config = runtime.open_config(work / 'data', environ={'ECOLE_SECURITY_SECRET_KEY': 'bench'})
    runtime.open_database(config, auto_migrate=True)
    accounts.ensure_school(UAI, 'École du banc d’essai')
    first = timed('first import into an empty database', service.sync_aaf1d, [work / 'feed'], config)
    print(f'  -> {first.run.created} created, {first.run.status}')
    again = timed('unchanged re-run', service.sync_aaf1d, [work / 'feed'], config)
    print(f'  -> {again.run.unchanged} unchanged, {again.run.created + again.run.updated} changed')
    print('targets (issue 6, 2 cores): first import <= 5 s, unchanged re-run <= 2 s')


if __name__ == '__main__':
    sys.exit(main())
