"""`alsatlas serve`: the options reach uvicorn, and the default binds to this machine only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

import alsatlas.web
from alsatlas.cli import app
from alsatlas.cli import serve as serve_module


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    fake_app = FastAPI()

    def fake_create_app(
        *, evidence_path: Path | None = None, allowed_hosts: tuple[str, ...] = ()
    ) -> FastAPI:
        seen["evidence_path"] = evidence_path
        seen["allowed_hosts"] = allowed_hosts
        return fake_app

    def fake_run(application: object, **kwargs: Any) -> None:
        seen["app"] = application
        seen.update(kwargs)

    monkeypatch.setattr(alsatlas.web, "create_app", fake_create_app)
    monkeypatch.setattr(serve_module.uvicorn, "run", fake_run)
    seen["fake_app"] = fake_app
    return seen


def test_serve_defaults_to_localhost_8000(calls: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert calls["host"] == "127.0.0.1"
    assert calls["port"] == 8000
    assert calls["app"] is calls["fake_app"]
    assert calls["evidence_path"] is None
    assert "127.0.0.1" in calls["allowed_hosts"] and calls["timeout_keep_alive"] == 5


def test_serve_passes_host_port_and_evidence(calls: dict[str, Any], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["serve", "--host", "127.0.0.1", "--port", "8765", "--evidence", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert (calls["host"], calls["port"]) == ("127.0.0.1", 8765)
    assert calls["evidence_path"] == tmp_path


def test_serve_rejects_a_bad_port(calls: dict[str, Any]) -> None:
    result = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert result.exit_code != 0
    assert "app" not in calls


def test_serve_reports_broken_evidence(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("study_id: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--evidence", str(tmp_path)])
    assert result.exit_code == 1  # broken evidence is a finding (alsatlas.cli.exits)
    assert "error:" in result.output


def test_serve_with_workers_runs_several_processes_on_loopback(tmp_path: Path) -> None:
    """A real ``alsatlas serve --workers 2``: two worker processes answer on 127.0.0.1."""
    import shutil
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    exe = shutil.which("alsatlas", path=str(Path(sys.executable).parent)) or "alsatlas"
    server = subprocess.Popen(
        [exe, "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.3)
        assert health is not None and health.status_code == 200
        assert health.json()["evidence_content_hash"]
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert page.status_code == 200 and "content-security-policy" in page.headers
        refused = httpx.get(f"http://127.0.0.1:{port}/", headers={"host": "evil.example"})
        assert refused.status_code == 400
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) >= 2
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_with_workers_checks_the_evidence_first(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("records: [\n")
    result = CliRunner().invoke(app, ["serve", "--workers", "2", "--evidence", str(tmp_path)])
    assert result.exit_code == 1
    assert "error:" in result.output and "Traceback" not in result.output
