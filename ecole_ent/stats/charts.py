"""The statistics' charts, drawn on the server as SVG by pygal and put inline in the page.

What leaves here is safe under the app's Content-Security-Policy (script-src 'self',
style-src 'self'): pygal's tooltip script is turned off (js=[]), and its <style> element and
style attributes are taken out; the look comes from static/stats/charts.css, which is pygal's
own stylesheet written once for every chart (stylesheet() below; tests/stats check the file is
current). No width or height: the chart scales with its viewBox. Each chart is an image
(role="img") named by its title: the table under it carries the numbers for everyone.
"""
import html
import re
from functools import cache

from markupsafe import Markup

from .. import i18n
from ..i18n import N_, _

WIDTH, HEIGHT = 520, 340          # the viewBox: text stays readable on a 390 px phone
# Colours told apart by most colour-blind readers (Okabe-Ito), dark enough on white.
COLORS = ('#0072B2', '#D55E00', '#009E73', '#CC79A7', '#6B5B00', '#56B4E9', '#E69F00', '#000000')
KINDS = ('bar', 'hbar', 'line', 'pie', 'stacked')
_PREFIX = '.pygal-chart '
HIDDEN = N_('masqué')
UNDER_FIVE = '< 5'


def number(value):
    """Figures as the reader's language writes them: in French 12 345 (narrow no-break space between
    thousands), 2,5; and « masqué » for a suppressed figure (query._protect: a small figure, a small
    profile's, or one that would give another back by difference — not always under 5)."""
    if value is None:
        return _(HIDDEN)
    fraction = isinstance(value, float) and not value.is_integer()
    if i18n.language() != i18n.SOURCE:
        return i18n.number(value if fraction else int(value), 1 if fraction else 0)
    if fraction:
        return f'{value:,.1f}'.replace(',', '\u202f').replace('.', ',')
    return f'{int(value):,}'.replace(',', '\u202f')


def cell(row, name):
    """A figure of a query row as text: « < 5 » for a figure from 1 to 4 hidden (query._hide_small),
    « masqué » for one hidden for another reason (a small profile's, or one that a total would give
    back by difference), else number()."""
    if row is None:
        return number(0)
    return UNDER_FIVE if name in row.get('under_five', ()) else number(row[name])


def rate(value):
    """A share as a percentage: 0.452 -> 45,2 % in French (« masqué » stays)."""
    if value is None:
        return _(HIDDEN)
    if i18n.language() != i18n.SOURCE:
        from babel.numbers import format_percent
        return format_percent(value, '#,##0.0%', locale=i18n.babel_locale())
    return f'{value * 100:.1f}'.replace('.', ',') + '\u202f%'


def _style():
    from pygal.style import Style
    font = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif'
    return Style(background='transparent', plot_background='transparent', foreground='#222',
                 foreground_strong='#111', foreground_subtle='#767676', colors=COLORS, font_family=font,
                 label_font_size=14, major_label_font_size=14, legend_font_size=15, title_font_size=18,
                 value_font_size=14, tooltip_font_size=14, no_data_font_size=20, guide_stroke_color='#bbb',
                 major_guide_stroke_color='#999')


def _chart(kind, **options):
    import pygal
    make = {'bar': pygal.Bar, 'hbar': pygal.HorizontalBar, 'line': pygal.Line, 'pie': pygal.Pie,
            'stacked': pygal.StackedBar}[kind]
    return make(style=_style(), js=[], css=['file://graph.css', 'file://style.css'], width=WIDTH, height=HEIGHT,
                disable_xml_declaration=True, explicit_size=False, legend_at_bottom=True, truncate_legend=-1,
                truncate_label=-1, value_formatter=number, no_data_text=_('Aucune donnée pour cette période'),
                print_values=False, margin=8, **options)


def chart(kind, title, labels, series, slug, major=None):
    """The SVG (Markup) of one chart: kind in KINDS, `labels` the x values as text, `series` a
    list of (name, [figure or None]); `slug` makes the ids unique in the page; with `major` (a
    list of labels), only those labels are written (a year of days: the 1st of each month)."""
    assert kind in KINDS, kind
    labels = [str(label) for label in labels]       # pygal writes them as JSON: no lazy() text
    series = [(str(name), values) for name, values in series]
    major = None if major is None else [str(label) for label in major]
    options = {'show_legend': len(series) > 1 or kind == 'pie', 'x_label_rotation': 0, 'max_scale': 6}
    if major is not None:
        options.update(x_labels_major=major, show_minor_x_labels=False, show_dots=False,
                       x_label_rotation=-45)
    elif kind in ('bar', 'stacked', 'line') and len(labels) > 8:
        options['x_label_rotation'] = -45
    drawing = _chart(kind, **options)
    if kind == 'hbar':              # pygal draws the first bar at the bottom: read from the top
        labels, series = labels[::-1], [(name, list(values)[::-1]) for name, values in series]
    if kind == 'pie':                # a hidden figure is left out, not drawn as 0 (say so under the chart)
        for name, values in series:
            if all(value is not None for value in values):
                drawing.add(name, list(values))
    else:
        drawing.x_labels = labels
        for name, values in series:
            drawing.add(name, list(values))
    return Markup(clean(drawing.render(is_unicode=True), title, slug))


def clean(svg, title, slug):
    """pygal's SVG made fit for the page: no <style>, no style attribute, no comment, no script;
    ids made from `slug`; an image named by `title`."""
    svg = re.sub(r'<style\b.*?</style>', '', svg, flags=re.S)
    svg = re.sub(r'<script\b.*?</script>', '', svg, flags=re.S)
    svg = re.sub(r'<!--.*?-->', '', svg, flags=re.S)
    svg = re.sub(r'\sstyle="[^"]*"', '', svg)
    svg = re.sub(r'chart-[0-9a-f]{8}-[0-9a-f-]{27}', f'stats-{slug}', svg)
    name = Markup.escape(title)
    svg = svg.replace('<title>Pygal</title>', f'<title>{name}</title>', 1)
    return svg.replace('<svg ', f'<svg role="img" aria-label="{name}" focusable="false" ', 1)


@cache
def stylesheet():
    """pygal's stylesheet for our style, for every chart (static/stats/charts.css holds it)."""
    drawing = _chart('bar')
    for index in range(len(COLORS)):
        drawing.add(str(index), [1])
    svg = drawing.render(is_unicode=True)
    css = html.unescape(re.search(r'<style[^>]*>(.*?)</style>', svg, flags=re.S).group(1))
    ident = re.search(r'id="(chart-[0-9a-f-]+)"', svg).group(1)
    css = css.replace(f'#{ident} ', _PREFIX).replace(f'#{ident}', _PREFIX.strip())
    return '/* Written by ecole_ent/stats/charts.py stylesheet() from pygal\'s own CSS: do not edit. */\n' + \
        css.replace('}', '}\n')
