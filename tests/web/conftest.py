"""Fixtures for the web tests: an in-process client and the packaged catalogue."""

from collections.abc import Iterator

import pytest
from app_client import TestClient

from backchain.exercises import Catalogue, load_catalogue
from backchain.web.app import create_app


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


from browser_kit import browser, phone, server_url  # noqa: E402  (shared browser fixtures)

__all__ = ["browser", "catalogue", "client", "phone", "server_url"]
