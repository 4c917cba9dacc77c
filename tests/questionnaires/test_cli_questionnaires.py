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
    broken.write_text(
        shipped.read_text(encoding="utf-8").replace("    factors: [7]", "    factors: [7, 99]", 1),
        encoding="utf-8",
    )
    bad = CliRunner().invoke(app, ["questionnaires", "validate", str(broken)])
    assert bad.exit_code == 2
    assert "2017.yaml" in bad.output and "axes" in bad.output


def _validate(path: Path):
    return CliRunner().invoke(app, ["questionnaires", "validate", str(path)])


def _hostile_file(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "essai"
    folder.mkdir(exist_ok=True)
    path = folder / "2020.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _refused_cleanly(result) -> str:
    assert result.exit_code == 2, result.output
    # typer.Exit(2), not an exception caught by the test runner, and no traceback printed.
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    return result.output


def test_validate_refuses_an_alias_bomb_with_exit_2(tmp_path):
    from .test_safe_yaml import alias_bomb

    output = _refused_cleanly(_validate(_hostile_file(tmp_path, alias_bomb())))
    assert (
        "essai/2020.yaml: une fois les alias développés, le document aurait plus de 20\u202f000 valeurs (ligne 5)"
        in output
    )


def test_validate_refuses_5000_nested_brackets_with_exit_2(tmp_path):
    output = _refused_cleanly(
        _validate(_hostile_file(tmp_path, "slug: essai\nsections: " + "[" * 5000 + "\n"))
    )
    assert (
        "essai/2020.yaml: imbrication trop profonde (plus de 64 niveaux de listes ou de dictionnaires) (ligne 2)"
        in output
    )


def test_validate_refuses_nested_braces_and_a_nul_with_exit_2(tmp_path):
    output = _refused_cleanly(_validate(_hostile_file(tmp_path, "slug: essai\nsections: " + "{a: " * 5000)))
    assert "imbrication trop profonde" in output
    output = _refused_cleanly(_validate(_hostile_file(tmp_path, 'slug: essai\ntitle: "Es\\0sai"\n')))
    assert "essai/2020.yaml: title: caractère de contrôle U+0000 (NUL) en position 3 (ligne 2)" in output


def test_validate_refuses_a_missing_file_or_a_directory_with_exit_2(tmp_path):
    output = _refused_cleanly(_validate(tmp_path / "essai" / "absent.yaml"))
    assert "essai/absent.yaml: fichier introuvable" in output
    (tmp_path / "essai" / "2021.yaml").mkdir(parents=True)
    assert "c'est un dossier" in _refused_cleanly(_validate(tmp_path / "essai" / "2021.yaml"))
