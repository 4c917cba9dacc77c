"""``numeduc questionnaires list|validate``."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from numeduc.cli.main import app
from numeduc.questionnaires import CONTENT_ROOT


def test_list_shows_the_three_shipped_questionnaires():
    result = CliRunner().invoke(app, ["questionnaires", "list"])
    assert result.exit_code == 0
    for slug in ("autodiagnostic", "enquete-trois-questions", "dan"):
        assert slug in result.output


def test_validate_accepts_a_shipped_file_and_names_the_field_of_a_broken_copy(tmp_path):
    shipped = Path(CONTENT_ROOT) / "autodiagnostic" / "2017.yaml"
    ok = CliRunner().invoke(app, ["questionnaires", "validate", str(shipped)])
    assert ok.exit_code == 0 and "valide" in ok.output
    broken_dir = tmp_path / "autodiagnostic"
    broken_dir.mkdir()
    broken = broken_dir / "2017.yaml"
    broken.write_text(shipped.read_text(encoding="utf-8").replace("    factors: [7]", "    factors: [7, 99]", 1),
                      encoding="utf-8")
    bad = CliRunner().invoke(app, ["questionnaires", "validate", str(broken)])
    assert bad.exit_code == 2
    assert "2017.yaml" in bad.output and "axes" in bad.output
