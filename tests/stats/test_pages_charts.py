"""charts.py: what pygal draws leaves as an image the page's Content-Security-Policy accepts (no
script, no style element or attribute), scaled by its viewBox, its text escaped; figures in
French."""
import re

from ecole_ent.stats import charts


def test_a_chart_is_a_clean_scalable_image():
    svg = str(charts.chart('bar', 'Visites « <script>alert(1)</script> »', ['<b>lundi</b>', 'mardi'],
                           [('Visites', [1200, None]), ('Connexions', [3, 4])], 'essai'))
    opening = svg.split('>', 1)[0]
    assert opening.startswith('<svg role="img" aria-label="Visites « &lt;script&gt;')
    assert 'viewBox="0 0 520 340"' in opening and ' width=' not in opening and ' height=' not in opening
    assert not re.search(r'<script|<style|\sstyle=|<!--|xlink:href="http|href="http', svg)
    assert '&lt;b&gt;lundi&lt;/b&gt;' in svg and '<b>' not in svg
    assert 'id="stats-essai"' in svg and 'chart-' not in svg


def test_every_kind_draws_and_an_empty_chart_says_so():
    for kind in charts.KINDS:
        svg = str(charts.chart(kind, kind, ['a', 'b'], [('x', [1, 2]), ('y', [3, 0])], kind))
        assert '<svg role="img"' in svg and 'Aucune donnée' not in svg
    empty = str(charts.chart('bar', 'Vide', [], [], 'vide'))
    assert 'Aucune donnée pour cette période' in empty


def test_figures_are_written_in_french():
    assert charts.number(1234567) == '1\u202f234\u202f567'
    assert charts.number(2.5) == '2,5' and charts.number(3.0) == '3'
    assert charts.number(None) == 'masqué'
    assert charts.rate(0.4523) == '45,2\u202f%' and charts.rate(None) == 'masqué'


def test_a_pie_leaves_a_hidden_figure_out_instead_of_drawing_it_as_zero():
    svg = charts.chart('pie', 'Appareils', ['Téléphone', 'Borne'], [('Téléphone', [40]), ('Borne', [None])], 'dev')
    assert 'Téléphone' in svg and 'Borne' not in svg


def test_the_years_offered_follow_keep_months(demo, set_option):
    from datetime import date

    from ecole_ent.stats import pages
    assert len(pages.years(date(2026, 12, 4))) == 3                    # 25 months: this year and two before
    set_option('stats.keep_months', 12)
    assert [label for label, _start, _end in pages.years(date(2026, 12, 4))] == ['2026-2027']
