"""One figure, one value on the national page: the peer groups' tree, table and map agree.

Built on the real reference data (INSEE indicators of the 101 départements), through the
presenters the page uses; no database needed."""

from __future__ import annotations

import re

import pytest

from numeduc import reference
from numeduc.analysis.peers import compute_peer_groups
from numeduc.web.national import presenters


@pytest.fixture(scope="module")
def peers():
    return compute_peer_groups(reference.departements())


@pytest.fixture(scope="module")
def tree(peers):
    return presenters.dendrogram_section(peers)


@pytest.fixture(scope="module")
def group_map(peers):
    return presenters.map_section(("groupes", None), None, peers, demo=False, coordinator=False)


def legend_sizes(svg: str) -> dict[str, int]:
    return {f"groupe {g}": int(n) for g, n in re.findall(r">groupe (\d+) \((\d+)\)<", svg)}


def resolve_fill(svg: str, fill: str) -> str:
    """A fill attribute as a colour: a pattern's background colour for ``url(#…)``."""
    match = re.fullmatch(r"url\(#(.+)\)", fill)
    if not match:
        return fill
    pattern = re.search(rf'<pattern id="{re.escape(match.group(1))}".*?fill="(#[0-9A-Fa-f]{{6}})"', svg)
    assert pattern, fill
    return pattern.group(1)


def tree_colours(svg: str) -> dict[str, str]:
    """Group -> colour of the dendrogram's leaf markers (each group drawn in one colour)."""
    colours: dict[str, set[str]] = {}
    for group, fill in re.findall(
        r'<g class="nc-leaf"><title>[^<]* : (groupe \d+)[^<]*</title><\w+ [^>]*?fill="([^"]+)"', svg
    ):
        colours.setdefault(group, set()).add(fill)
    assert all(len(fills) == 1 for fills in colours.values()), colours
    return {group: fills.pop() for group, fills in colours.items()}


def map_colours(svg: str, peers) -> dict[str, str]:
    fills = dict(re.findall(r'<path class="nc-dep" data-code="([^"]+)" d="[^"]*" fill="([^"]+)"', svg))
    colours: dict[str, set[str]] = {}
    for code, group in peers.groups.items():
        if code in fills:
            colours.setdefault(f"groupe {group}", set()).add(resolve_fill(svg, fills[code]))
    assert all(len(c) == 1 for c in colours.values()), colours
    return {group: c.pop() for group, c in colours.items()}


def test_tree_table_and_map_give_each_group_the_same_size(peers, tree, group_map):
    table = {f"groupe {row['group']}": row["members"] for row in presenters.peer_group_rows(peers, None)}
    assert legend_sizes(str(tree.figure)) == table == legend_sizes(str(group_map.figure))
    assert sum(table.values()) == len(reference.departements())


def test_tree_and_map_put_each_departement_in_the_same_group(tree, group_map):
    tree_rows = re.findall(
        r'<tr><td>\d+</td><th scope="row">(\w+)</th><td>(groupe \d+)</td>', str(tree.figure)
    )
    map_rows = dict(
        re.findall(r'<th scope="row">(\w+)</th><td>[^<]*</td><td>(groupe \d+)</td>', str(group_map.figure))
    )
    assert len(tree_rows) == len(reference.departements()) - 1  # Paris is computed apart, not in the tree
    assert all(map_rows[code] == group for code, group in tree_rows)


def test_every_chart_of_the_groups_gives_a_group_the_same_colour(peers, tree, group_map):
    expected = presenters.peer_group_colours(peers)
    assert tree_colours(str(tree.figure)) == expected
    assert map_colours(str(group_map.figure), peers) == expected
    assert len(set(expected.values())) == len(expected)


def test_departements_moved_after_the_cut_are_named_and_ringed(peers, tree):
    assert peers.moved  # the consolidation does move some départements on the real data
    names = reference.departements()["name"]
    for code in peers.moved:
        assert f"{names[code]} ({code})" in tree.note
    n = len(peers.moved)
    assert tree.note.startswith(
        f"{n} départements rattachés au groupe le plus proche après la coupure de l'arbre : "
    )
    svg = str(tree.figure)
    assert svg.count("(rattaché après la coupure)</title>") == n
    assert f">rattaché après la coupure ({n})<" in svg
