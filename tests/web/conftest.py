"""Fixtures of the explorer tests: one app over the shipped evidence, and an independent
evidence base for the reference answers (loaded separately, so a test compares the app's
numbers with a fresh :func:`alsatlas.synthesis.answer` call on the same source files)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from alsatlas.evidence import EvidenceBase, load_evidence
from alsatlas.web import Atlas, create_app


@pytest.fixture(scope="session")
def atlas() -> Atlas:
    return Atlas.load()


@pytest.fixture(scope="session")
def client(atlas: Atlas) -> Iterator[TestClient]:
    with TestClient(create_app(atlas)) as c:
        yield c


@pytest.fixture(scope="session")
def evidence() -> EvidenceBase:
    return load_evidence()
