"""The usage warehouse's indicator identifiers, stable (documented in docs/usage.md).

A module of its own so that whoever only needs the ids (the action catalogue's validator, the
dashboard's labels) does not import Ibis, which takes seconds; ``numeduc.usage.indicators``
computes them and re-exports these names."""

from __future__ import annotations

from numeduc.usage.schemas import SERVICE_CATEGORIES

BASE_INDICATORS = [
    "account_activation_rate",
    "monthly_active_rate",
    "sessions_per_user",
    "sessions_per_active_user",
    "regular_use_share",
    "parents_never_grades_share",
    "out_of_school_share",
    "device_activity_rate_30d",
    "device_activity_rate_7d",
    "device_utilisation",
    "peak_concurrent_clients",
    "peak_concurrent_clients_per_ap",
    "bandwidth_kbps_per_user",
    "bandwidth_pressure",
    "traffic_bytes_per_pupil_day",
    "weekly_regularity",
]
INDICATORS = (
    BASE_INDICATORS
    + [f"service_mix_share_{c}" for c in SERVICE_CATEGORIES]
    + [f"service_reach_{c}" for c in SERVICE_CATEGORIES]
)

__all__ = ["BASE_INDICATORS", "INDICATORS"]
