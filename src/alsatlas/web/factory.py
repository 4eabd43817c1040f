"""The explorer built inside each server worker process (``alsatlas serve --workers N``).

uvicorn starts every worker from an import string, so the settings travel in the environment:
:data:`EVIDENCE_ENV` (an evidence folder; unset for the shipped base) and :data:`HOSTS_ENV`
(the allowed ``Host`` values, comma-separated). Each worker loads and answers the evidence
itself; the processes share nothing but the listening socket.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from alsatlas.web.app import LOCAL_HOSTS, create_app

EVIDENCE_ENV = "ALSATLAS_SERVE_EVIDENCE"
HOSTS_ENV = "ALSATLAS_SERVE_HOSTS"


def app_from_environment() -> FastAPI:
    """The explorer for the evidence and hosts named in the environment (see the module)."""
    evidence = os.environ.get(EVIDENCE_ENV)
    hosts = tuple(h for h in os.environ.get(HOSTS_ENV, "").split(",") if h) or LOCAL_HOSTS
    return create_app(evidence_path=Path(evidence) if evidence else None, allowed_hosts=hosts)


__all__ = ["EVIDENCE_ENV", "HOSTS_ENV", "app_from_environment"]
