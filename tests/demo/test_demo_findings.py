"""numeduc.demo.findings: the checker used to measure the generator across seeds."""

from __future__ import annotations

from numeduc.demo import DEFAULT_SEED, generate_selfdiag_campaign
from numeduc.demo.findings import check_findings
from numeduc.reference import departements


def test_default_seed_reproduces_every_finding():
    frame = generate_selfdiag_campaign(departements(), 2017, seed=DEFAULT_SEED)
    result = check_findings(frame)
    assert len(result) == 6
    assert all(result.values()), result


def test_checker_detects_a_broken_finding():
    frame = generate_selfdiag_campaign(departements(), 2017, seed=DEFAULT_SEED).copy()
    # make use follow budget exactly and maturity the reverse of evaluation
    frame["f10_utilisation_equipements"] = frame["f07_budget_par_eleve"]
    frame["f01_maturite_equipes"] = 5 - frame["f02_evaluation_suivi"]
    result = check_findings(frame)
    assert result["utilisation non liée au budget"] is False
    assert result["maturité en hausse avec l'évaluation et le suivi"] is False
