"""`alsatlas meta --baujat/--radial/--labbe/--gosh/--funnel-contours`: files written (SVG
with their ids, or PNG), and bad combinations end in one error line with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alsatlas.cli import app

ROOT = Path(__file__).resolve().parents[2]
TRIALS = str(ROOT / "examples" / "trials.csv")
STUDIES = str(ROOT / "examples" / "studies.csv")
TWO_BY_TWO = ["--ai", "ai", "--bi", "bi", "--ci", "ci", "--di", "di", "--measure", "RR"]


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["meta", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("option", "ids"),
    [
        ("--baujat", ("baujat-points", "baujat-label-12")),
        ("--radial", ("radial-points", "radial-region", "radial-estimate", "radial-arc")),
        ("--labbe", ("labbe-points", "labbe-identity", "labbe-estimate")),
        ("--gosh", ("gosh-points", "gosh-estimate")),
    ],
)
def test_plot_svg_written(option: str, ids: tuple[str, ...], tmp_path: Path) -> None:
    out = tmp_path / "plot.svg"
    code, output = _run(TRIALS, *TWO_BY_TWO, "--label", "trial", option, str(out))
    assert code == 0, output
    svg = out.read_text()
    for gid in ids:
        assert f'id="{gid}"' in svg
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_contour_funnel_and_png(tmp_path: Path) -> None:
    funnel, radial = tmp_path / "funnel.svg", tmp_path / "radial.png"
    code, output = _run(STUDIES, "--estimate", "ratio", "--ci-lb", "lo", "--ci-ub", "hi",
                        "--log", "--funnel", str(funnel), "--funnel-levels", "90,95,99",
                        "--radial", str(radial))  # fmt: skip
    assert code == 0, output
    svg = funnel.read_text()
    assert 'id="funnel-contour-99"' in svg and 'id="funnel-refline"' in svg
    assert radial.read_bytes()[:4] == b"\x89PNG"
    code, output = _run(TRIALS, *TWO_BY_TWO, "--funnel", str(funnel), "--funnel-contours")
    assert code == 0, output
    assert 'id="funnel-contour-90"' in funnel.read_text()


def test_gosh_subsets_sample(tmp_path: Path) -> None:
    out = tmp_path / "gosh.svg"
    code, output = _run(TRIALS, *TWO_BY_TWO, "--gosh", str(out), "--gosh-subsets", "500")
    assert code == 0, output
    assert "random sample of 500 subsets" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--funnel-contours"], "'--funnel-contours': needs --funnel FILE"),
        (["--funnel", "f.svg", "--funnel-levels", "90,x"], "not a number"),
        (["--funnel", "f.svg", "--funnel-levels", "95,95"], "levels must differ"),
        (["--funnel", "f.svg", "--funnel-levels", "100"], "levels lie in (0, 100)"),
        (["--gosh", "g.svg", "--gosh-subsets", "1"], "'--gosh-subsets': must be >= 2"),
        (["--baujat", "b.txt"], "unsupported figure format"),
    ],
)
def test_bad_options(args: list[str], message: str, tmp_path: Path) -> None:
    args = [str(tmp_path / a) if a.endswith((".svg", ".txt")) else a for a in args]
    code, output = _run(TRIALS, *TWO_BY_TWO, *args)
    assert code == 2
    assert message in output and "Traceback" not in output


def test_labbe_needs_two_by_two(tmp_path: Path) -> None:
    code, output = _run(STUDIES, "--estimate", "ratio", "--ci-lb", "lo", "--ci-ub", "hi",
                        "--log", "--labbe", str(tmp_path / "l.svg"))  # fmt: skip
    assert code == 2
    assert "--labbe" in output and "2x2 columns" in output
    assert not (tmp_path / "l.svg").exists()


def test_pooling_methods_refuse_plots(tmp_path: Path) -> None:
    code, output = _run(TRIALS, *TWO_BY_TWO, "--method", "MH", "--gosh", str(tmp_path / "g.svg"))
    assert code == 2
    assert "--gosh" in output and "MH/PETO" in output


def test_model_without_moderators_fitted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --mods, the forest, funnel, radial and GOSH plots share one fit of the model
    without moderators, made with the same --control as the main fit."""
    import alsatlas.cli.meta as meta_cli

    calls: list[dict[str, object]] = []
    real_fit = meta_cli._fit

    def counting_fit(*args: object, **kwargs: object) -> object:
        calls.append(kwargs)
        return real_fit(*args, **kwargs)

    monkeypatch.setattr(meta_cli, "_fit", counting_fit)
    plots = [f"--{name}" if i % 2 == 0 else str(tmp_path / f"{name}.svg")
             for name in ("forest", "funnel", "radial", "gosh") for i in (0, 1)]  # fmt: skip
    code, output = _run(TRIALS, *TWO_BY_TWO, "--mods", "trial", "--control", "metafor", *plots)
    assert code == 0, output
    assert len(calls) == 2  # the model with moderators, and the one without
    assert calls[0]["mods"] is not None and "mods" not in calls[1]
    assert all(c["control"] == "metafor" for c in calls)
