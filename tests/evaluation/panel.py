"""A small synthetic panel of collèges in the usage indicators' long format, with a known effect."""

from __future__ import annotations

import numpy as np
import pandas as pd

MONTHS = ["2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04"]


def establishments(n_per_group: int = 30) -> pd.DataFrame:
    rows = []
    for g, (density, pupils, ep) in enumerate([("rural", 250, "none"), ("urbain_dense", 700, "REP")]):
        for i in range(n_per_group):
            rows.append({"uai": f"0{g}{i:05d}A", "density_grid3": density, "pupils": pupils, "ep": ep})
    return pd.DataFrame(rows)


def panel(
    est: pd.DataFrame,
    rng: np.random.Generator,
    *,
    pilots=(),
    start: str = "2025-01",
    effect: float = 0.0,
    noise: float = 0.04,
    indicator: str = "monthly_active_rate",
    profile: str = "ELEVE",
) -> pd.DataFrame:
    """y(c, t) = level(c) + trend(t) + noise, plus ``effect`` for the pilots from ``start``; the
    numerator is y × denominator (the denominator = pupils)."""
    level = rng.normal(0.6, 0.08, len(est))
    trend = np.linspace(0, 0.05, len(MONTHS))
    y = level[:, None] + trend[None, :] + rng.normal(0, noise, (len(est), len(MONTHS)))
    is_pilot = est["uai"].isin(list(pilots)).to_numpy()
    after = np.array([m >= start for m in MONTHS])
    y = y + effect * (is_pilot[:, None] & after[None, :])
    den = np.repeat(est["pupils"].to_numpy(float)[:, None], len(MONTHS), axis=1)
    return pd.DataFrame(
        {
            "uai": np.repeat(est["uai"].to_numpy(), len(MONTHS)),
            "month": np.tile(MONTHS, len(est)),
            "indicator": indicator,
            "profile": profile,
            "value": y.ravel(),
            "numerator": (y * den).ravel(),
            "denominator": den.ravel(),
        }
    )
