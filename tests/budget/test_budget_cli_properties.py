"""Property tests (hypothesis) of ``numeduc budget …`` with arbitrary scenario files and options.

Whatever the file or the option holds, the command either succeeds (exit 0) with finite figures
that agree with each other and strict JSON, or refuses (exit 2) with a French message on stderr:
never a traceback, never ``NaN``/``Infinity`` in JSON, never a figure from an impossible input.
"""

from __future__ import annotations

import io
import json
import math
import re
from decimal import Decimal

import pandas as pd
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from numeduc.budget import PARAMETERS, list_presets
from numeduc.budget.parameters import BANDWIDTH_SPECS
from numeduc.cli.budget import app

runner = CliRunner()
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def strict_json(text: str):
    """``json.loads`` that refuses NaN, Infinity and -Infinity (Python's json accepts them)."""

    def refuse(name):
        raise AssertionError(f"{name} dans la sortie JSON")

    return json.loads(text, parse_constant=refuse)


# -- arbitrary numbers, as a person (or a broken export) writes them ---------------------------

numeric_text = st.one_of(
    st.sampled_from(
        [
            "1e30",
            "-1e30",
            "1e308",
            "1e-30",
            "inf",
            "-inf",
            "nan",
            "NaN",
            "sNaN",
            "Infinity",
            "-0",
            "0",
            "0,5",
            "1 200",
            "1\u202f200",
            "12,5",
            "1_000",
            "",
            " ",
            "abc",
            "1,2,3",
            "0x10",
            "²",
            "١٢",
            "9" * 30,
            "1" + "0" * 400,
            "1e999999999999999999",
            "-1",
            "400",
            "30",
            "0.15",
        ]
    ),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: str(d).replace(".", ",")),
    st.text(max_size=12),
)
numeric_value = st.one_of(
    numeric_text,
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.fixed_dictionaries({"value": st.one_of(st.integers(-5, 6000), st.floats(), numeric_text)}),
)


def in_bounds(spec) -> st.SearchStrategy:
    """A value a real collège can have (so that many examples get through to the figures)."""
    if spec.integer:
        return st.integers(min_value=int(spec.minimum), max_value=int(spec.maximum))
    return st.decimals(min_value=spec.minimum, max_value=spec.maximum, places=3).map(lambda d: format(d, "f"))


def parameter_value(name: str) -> st.SearchStrategy:
    good = in_bounds(PARAMETERS[name])
    return st.one_of(good, good, good, numeric_value)


# Mostly real names (so that the values reach the checks), a few unknown ones.
parameter_items = st.one_of(
    st.sampled_from(sorted(PARAMETERS)).flatmap(lambda n: st.tuples(st.just(n), parameter_value(n))),
    st.tuples(st.sampled_from(["tablet_prize", "Pupils", "1", ""]), numeric_value),
)
parameters_dict = st.lists(parameter_items, max_size=6).map(dict)
scenario_dict = st.fixed_dictionaries(
    {},
    optional={
        "base": st.one_of(
            st.sampled_from(list_presets()),
            st.sampled_from(["inexistant", "../content/x", ""]),
            numeric_value,
        ),
        "strategy": st.one_of(
            st.sampled_from(["eim", "classe_mobile", "byod", "hybride", "hybrid", "tablettes"]), numeric_value
        ),
        "mode": st.sampled_from(["annualised", "cash", "trésorerie", "leasing"]),
        "support": st.sampled_from(["none", "internal", "outsourced", "magique"]),
        "horizon": st.one_of(st.integers(1, 50), st.integers(-5, 60), numeric_value),
        "cohorts": st.one_of(st.integers(1, 30), st.integers(-5, 40), numeric_value),
        "state_cofunding": st.one_of(st.booleans(), st.sampled_from(["oui", "peut-être"])),
        "indirect_costs": st.booleans(),
        "parameters": parameters_dict,
    },
)
# A scenario a département could really write (every value within its bounds): the figures
# must then come out, finite and consistent.
plausible_scenario = st.fixed_dictionaries(
    {
        "base": st.sampled_from(list_presets()),
        "strategy": st.sampled_from(["eim", "classe_mobile", "byod", "hybride"]),
        "mode": st.sampled_from(["annualised", "cash"]),
        "support": st.sampled_from(["none", "internal", "outsourced"]),
        "horizon": st.integers(1, 50),
        "cohorts": st.integers(1, 30),
        "state_cofunding": st.booleans(),
        "indirect_costs": st.booleans(),
        "parameters": st.lists(
            st.sampled_from(sorted(PARAMETERS)).flatmap(
                lambda n: st.tuples(st.just(n), in_bounds(PARAMETERS[n]))
            ),
            max_size=8,
        ).map(dict),
    },
)
raw_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "[" * 200,
            "a: &x 1\nb: *x\n",
            "parameters:\n  pupils: !!python/object:os.system x\n",
            "parameters: [1, 2]\n",
            "- 1\n- 2\n",
            "\x00\x01",
            "parameters:\n  pupils: 2001-13-45\n",
            "{",
        ]
    ),
)


def _yaml_text(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def check_outcome(result, *, json_out: bool) -> dict | list | None:
    """Exit 0 (strict JSON when asked) or exit 2 with a French message; never anything else."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 2), (result.exit_code, result.output)
    event(f"exit {result.exit_code}")
    if result.exit_code == 2:
        assert result.stderr.startswith("Erreur : "), result.stderr
        assert result.stdout == ""
        return None
    return strict_json(result.stdout) if json_out else None


def check_simulation(data: dict) -> None:
    """The figures of a simulation are finite and agree to the cent."""
    lines = data["lines"]
    total = data["total_per_year"]
    assert all(math.isfinite(v) for v in (total, data["per_pupil_per_year"], data["tco"]))
    assert 1 <= data["pupils"] <= 5000
    # Lines are rounded one by one: at most half a cent each away from the exact total.
    assert abs(sum(line["amount"] for line in lines) - total) <= 0.005 * len(lines) + 1e-6
    expected = Decimal(str(total)) / data["pupils"]
    assert abs(Decimal(str(data["per_pupil_per_year"])) - expected) <= Decimal("0.01")
    assert abs(data["tco"] - total * data["scenario"]["horizon"]) <= 0.01 * data["scenario"]["horizon"]


@SETTINGS
@given(
    data=st.one_of(plausible_scenario.map(_yaml_text), scenario_dict.map(_yaml_text), raw_text),
    suffix=st.sampled_from([".yaml", ".json"]),
    fmt=st.sampled_from(["json", "table", "csv", "csv-machine", "pdf"]),
)
def test_simulate_with_arbitrary_scenario_files(tmp_path_factory, data, suffix, fmt):
    path = tmp_path_factory.mktemp("s") / f"scenario{suffix}"
    path.write_text(data, encoding="utf-8")
    result = runner.invoke(app, ["simulate", "--scenario", str(path), "--format", fmt])
    out = check_outcome(result, json_out=fmt == "json")
    if out is not None:
        check_simulation(out)
    if result.exit_code == 2 and data.startswith("base: ") and fmt != "pdf" and suffix == ".yaml":
        # A refusal names the file, and the field when it is about one.
        assert str(path) in result.stderr
    if result.exit_code == 0 and fmt == "table":
        assert "€" in result.stdout and not re.search(r"\b(nan|inf|infinity)\b", result.stdout, re.IGNORECASE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.lists(
        st.sampled_from(sorted(PARAMETERS)).flatmap(lambda n: st.tuples(st.just(n), parameter_value(n))),
        min_size=1,
        max_size=3,
    ).map(dict),
    fmt=st.sampled_from(["json", "csv", "csv-machine"]),
    variation=st.one_of(st.none(), numeric_text),
    top=st.one_of(st.none(), numeric_text),
)
def test_tornado_with_arbitrary_values_and_options(tmp_path_factory, data, fmt, variation, top):
    path = tmp_path_factory.mktemp("t") / "scenario.yaml"
    path.write_text(_yaml_text({"base": "livre-blanc-2017", "parameters": data}), encoding="utf-8")
    args = ["tornado", "--scenario", str(path), "--format", fmt]
    if variation is not None:
        args += ["--variation", variation]
    if top is not None:
        args += ["--top", top]
    result = runner.invoke(app, args)
    out = check_outcome(result, json_out=fmt == "json")
    if fmt != "json" and result.exit_code == 0:
        # Both CSV variants read back (French: as a French spreadsheet reads it) give the same bars.
        machine = runner.invoke(app, [*args[:4], "csv-machine", *args[5:]]).stdout
        bars = pd.read_csv(io.StringIO(machine), keep_default_na=False).to_dict("records")
        french = pd.read_csv(io.StringIO(result.stdout.removeprefix("\ufeff")), sep=";", decimal=",")
        if fmt == "csv":
            assert list(french["Écart entre les deux totaux (€)"]) == [b["swing"] for b in bars]
        out = bars
    for bar in out or []:
        spec = PARAMETERS[bar["parameter"]]
        assert bar["swing"] >= 0 and math.isfinite(bar["total_low"]) and math.isfinite(bar["total_high"])
        assert float(spec.minimum) <= bar["low_value"] <= bar["high_value"] <= float(spec.maximum)


BANDWIDTH_OPTIONS = {
    "--pupils": "pupils",
    "--staff": "staff",
    "--current": "current_mbps",
    "--concurrency": "concurrency",
    "--classrooms": "classrooms",
    "--carts": "carts_in_use",
    "--devices-per-pupil": "devices_per_pupil",
    "--clients-per-ap": "clients_per_ap",
    "--headroom": "headroom",
}


@SETTINGS
@given(
    options=st.lists(
        st.sampled_from(sorted(BANDWIDTH_OPTIONS)).flatmap(
            lambda o: st.tuples(
                st.just(o), st.one_of(in_bounds(BANDWIDTH_SPECS[BANDWIDTH_OPTIONS[o]]).map(str), numeric_text)
            )
        ),
        max_size=5,
    ).map(dict),
    strategy=st.sampled_from(["eim", "classe_mobile", "byod", "hybride", "tablettes"]),
    fmt=st.sampled_from(["json", "table"]),
)
def test_bandwidth_with_arbitrary_options(options, strategy, fmt):
    options.setdefault("--pupils", "400")
    args = ["bandwidth", "--strategy", strategy, "--format", fmt]
    for name, value in options.items():
        args += [f"{name}={value}"]  # « --pupils=-1 »: a negative value is not taken for an option
    result = runner.invoke(app, args)
    out = check_outcome(result, json_out=fmt == "json")
    if result.exit_code == 2:
        # The message names the option (or the strategy) that is refused.
        assert any(name in result.stderr for name in list(options) + ["--strategy"]), result.stderr
        return
    # Accepted: every option was within its bounds.
    for name, value in options.items():
        spec = BANDWIDTH_SPECS[BANDWIDTH_OPTIONS[name]]
        number = Decimal(value.strip().replace(",", ".").replace("\u202f", "").replace(" ", ""))
        assert spec.minimum <= number <= spec.maximum, (name, value)
    if out is not None:
        assert all(v is None or isinstance(v, str) or math.isfinite(v) for v in out.values())
        assert out["access_points"] >= out["access_points_coverage"] >= 0


@settings(max_examples=40, deadline=None)
@given(
    code=st.one_of(
        st.sampled_from(["45", "2A", "974", "59"]),
        st.sampled_from(["2a", "1", "ZZ", "99", "00", "450", "", "4 5"]),
        st.text(max_size=4),
    ),
    colleges=st.one_of(st.none(), st.none(), numeric_text),
    mean=st.one_of(st.none(), st.none(), numeric_text),
)
def test_departement_with_arbitrary_codes_and_options(code, colleges, mean):
    args = ["departement", code, "--preset", "livre-blanc-2017", "--format", "json"]
    if colleges is not None:
        args += [f"--colleges={colleges}"]
    if mean is not None:
        args += [f"--mean-pupils={mean}"]
    result = runner.invoke(app, args)
    out = check_outcome(result, json_out=True)
    if out is not None:
        from numeduc.reference import departements

        assert out["departement_code"] in departements().index
        assert out["n_colleges"] == len(out["colleges"]) > 0
        assert math.isfinite(out["total_per_year"]) and out["total_per_year"] > 0
