"""A small valid catalogue written to tmp_path, which each loader test breaks in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

# Line numbers matter: the tests assert the line each error is reported on.
GOOD_FILE = """\
family: equipement
actions:
  - id: fibre
    title: "Raccorder les collèges"
    why: "Sans débit, rien ne marche."
    how: "Raccorder chaque collège."
    factors:
      - {factor: f04, from: 1, to: 3}
    prerequisites: []
    cost: {investment: 1000, running: 100, per: college, preset: livre-blanc-2017, parameters: [isp_cost_per_year]}
    partners: [dsi]
    indicators: [bandwidth_pressure]
    source:
      section: "Plans d'actions opérationnels"
      lines: [4295, 4299]
      sheets:
        - {departement: "50", lines: [1455, 1456]}
  - id: wifi
    title: "Couvrir les salles en wifi"
    why: "Les tablettes ont besoin du wifi."
    how: "Une borne par salle."
    factors:
      - {factor: f05, from: 1, to: 3}
    prerequisites: [fibre]
    cost: {investment: 500, running: 0, per: college}
    partners: [dsi, colleges]
    indicators: [peak_concurrent_clients_per_ap]
    source:
      section: "Fiche département : Meurthe-et-Moselle"
      lines: [1694, 1695]
"""


def write_catalogue(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def good_dir(tmp_path: Path) -> Path:
    return write_catalogue(tmp_path / "catalogue", {"equipement.yaml": GOOD_FILE})
