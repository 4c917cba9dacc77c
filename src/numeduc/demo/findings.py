"""Check a self-diagnosis frame against the white paper's published findings.

Used to measure how often the demo generator reproduces each finding across seeds:

    uv run python -m numeduc.demo.findings --seeds 200

(The tests check the default seed independently, with their own code.)
"""

from __future__ import annotations

import argparse

import pandas as pd

GOVERNANCE = (
    "f01_maturite_equipes",
    "f02_evaluation_suivi",
    "f03_accompagnement_utilisateurs",
    "f06_clarte_responsabilites",
    "f11_maturite_personnel",
    "f12_cooperation_etat",
    "f13_cooperation_etablissements",
)
FACTORS = (
    "f01_maturite_equipes",
    "f02_evaluation_suivi",
    "f03_accompagnement_utilisateurs",
    "f04_infrastructure_internet",
    "f05_infrastructure_wifi",
    "f06_clarte_responsabilites",
    "f07_budget_par_eleve",
    "f08_securisation_usages",
    "f09_maitrise_parc",
    "f10_utilisation_equipements",
    "f11_maturite_personnel",
    "f12_cooperation_etat",
    "f13_cooperation_etablissements",
)
ALPHA = 0.05


def check_findings(frame: pd.DataFrame) -> dict[str, bool]:
    """Each finding of the paper -> does it hold in ``frame`` (Spearman / Kruskal-Wallis, 5 %)."""
    from scipy.stats import kruskal, spearmanr

    def rho(a: str, b: str):
        result = spearmanr(frame[a], frame[b])
        return result.statistic, result.pvalue

    use_budget = rho("f10_utilisation_equipements", "f07_budget_par_eleve")
    use_homogeneity = rho("f10_utilisation_equipements", "homogeneite_parc")
    use_support = rho("f10_utilisation_equipements", "f03_accompagnement_utilisateurs")
    maturity_evaluation = rho("f01_maturite_equipes", "f02_evaluation_suivi")
    governance_budget = [rho(item, "f07_budget_par_eleve") for item in GOVERNANCE]
    mean_level = frame[list(FACTORS)].mean(axis=1)
    groups = [
        mean_level[frame["responsabilite_securite"] == key] for key in ("etat", "departement", "partagee")
    ]
    security_p = kruskal(*groups).pvalue if all(len(g) >= 2 for g in groups) else 1.0
    findings = {
        "utilisation non liée au budget": use_budget[1] > ALPHA,
        "utilisation en baisse avec l'homogénéité du parc": use_homogeneity[0] < 0
        and use_homogeneity[1] < ALPHA,
        "utilisation en hausse avec l'accompagnement": use_support[0] > 0 and use_support[1] < ALPHA,
        "maturité en hausse avec l'évaluation et le suivi": maturity_evaluation[0] > 0
        and maturity_evaluation[1] < ALPHA,
        "aucun facteur de gouvernance lié au budget": all(p > ALPHA for _, p in governance_budget),
        "responsabilité de la sécurité sans effet": security_p > ALPHA,
    }
    return {name: bool(value) for name, value in findings.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Part des graines où chaque constat du livre blanc se retrouve."
    )
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--year", type=int, default=2017)
    args = parser.parse_args(argv)

    from numeduc.demo.selfdiag import DEFAULT_SEED, generate_selfdiag_campaign
    from numeduc.reference import colleges, departements

    deps, public = departements(), colleges(public_only=True)
    counts: dict[str, int] = {}
    all_hold = 0
    for seed in range(args.seeds):
        result = check_findings(generate_selfdiag_campaign(deps, args.year, seed=seed, colleges=public))
        for name, ok in result.items():
            counts[name] = counts.get(name, 0) + int(ok)
        all_hold += all(result.values())
    default = check_findings(generate_selfdiag_campaign(deps, args.year, seed=DEFAULT_SEED, colleges=public))
    print(f"graines 0 à {args.seeds - 1}, campagne {args.year}, 39 répondants")
    for name, count in counts.items():
        mark = "oui" if default[name] else "NON"
        print(f"  {name:<52} {100 * count / args.seeds:5.1f} %   graine par défaut {DEFAULT_SEED} : {mark}")
    print(f"  {'tous les constats à la fois':<52} {100 * all_hold / args.seeds:5.1f} %")


if __name__ == "__main__":
    main()
