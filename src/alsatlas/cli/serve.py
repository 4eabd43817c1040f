"""`alsatlas serve`: run the web explorer (JSON API and HTML pages) with uvicorn."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn

from alsatlas.cli.console import DataConsole
from alsatlas.cli.exits import FINDINGS, INPUT_ERROR
from alsatlas.cli.root import app
from alsatlas.errors import AlsatlasError, EvidenceError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WORKER_STARTUP_TIMEOUT = 120
"""Seconds a worker process may take to load the evidence before its supervisor restarts it."""


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind (default: this machine only).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    evidence: Annotated[
        Path | None,
        typer.Option(help="Evidence folder (default: the evidence shipped with alsatlas)."),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Server processes; each loads the evidence and answers requests on its own.",
        ),
    ] = 1,
) -> None:
    """Serve the explorer: answered questions, the evidence browser and the JSON API."""
    err = DataConsole(stderr=True, highlight=False, soft_wrap=True)
    try:
        from alsatlas.web.app import LOCAL_HOSTS

        hosts = LOCAL_HOSTS if host in LOCAL_HOSTS else (*LOCAL_HOSTS, host)
        if workers == 1:
            from alsatlas.web import create_app

            application: Any = create_app(evidence_path=evidence, allowed_hosts=hosts)
        else:  # each worker loads the evidence itself: check it once here, then hand over
            from alsatlas.evidence import load_evidence
            from alsatlas.web.factory import EVIDENCE_ENV, HOSTS_ENV

            load_evidence(evidence)
            os.environ[HOSTS_ENV] = ",".join(hosts)
            os.environ.pop(EVIDENCE_ENV, None)
            if evidence is not None:
                os.environ[EVIDENCE_ENV] = str(evidence.resolve())
            application = "alsatlas.web.factory:app_from_environment"
    except AlsatlasError as exc:
        err.print(f"error: {exc}", markup=False)
        code = FINDINGS if isinstance(exc, EvidenceError) else INPUT_ERROR
        raise typer.Exit(code) from None
    err.print(f"alsatlas explorer on http://{host}:{port}/ (Ctrl+C stops it)", markup=False)
    from alsatlas.web.server import HeaderTimeoutProtocol

    # idle keep-alive connections close after 5 s; a request head must arrive within 10 s
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="info",
        timeout_keep_alive=5,
        http=HeaderTimeoutProtocol,
        loop="auto",  # uvloop where installed (a dependency off Windows): 2.5x the requests/s
        workers=workers,
        factory=workers > 1,
        # a worker answers its supervisor only after loading and answering the evidence
        timeout_worker_healthcheck=WORKER_STARTUP_TIMEOUT,
    )


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "serve"]
