"""The guardian home (/) of the demo's guardian with two children in two classes, under load at 10
and 50 connections, with a bare waitress "hello" app started the same way, measured in the same run.

    .venv/bin/python -m bench.bench_home [--seconds 10] [--workers 1,2]

Target (issues 2, 12 and 16, 2-core machine): the guardian home >= 20 % of the bare-waitress
requests/s and p99 <= 150 ms at 50 connections, with its child cards and its family feed (the
latest posts, albums, homework and notes of the children's classes, issue 16).
"""
import re
import urllib.request

from bench.common import GUARDIAN, page_against_waitress


def shown(base, cookie):
    """What the home shows (a check that the page measured is the full one)."""
    request = urllib.request.Request(base + '/', headers={'Cookie': cookie})
    with urllib.request.urlopen(request) as response:
        page = response.read().decode()
    items = len(re.findall(r'<li class="feed-item', page))
    return f'guardian {GUARDIAN}: {page.count("child-card")} child cards, {items} feed items, {len(page) // 1024} KB'



def prepare(_data):
    return '/', shown


def main():
    page_against_waitress(__doc__, GUARDIAN, 'guardian home', prepare)


if __name__ == '__main__':
    main()
