"""Shared test fixtures: where the real data lives, and how tests skip without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLE_STORY = ROOT / "src" / "corroborate" / "data" / "example_story"
FLOORS_FILE = Path(__file__).resolve().parent / "floors.json"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with a printed reason when it is absent
    (a user's clone has no ../shared; CI and developers do)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path} is absent (it is beside the project in CI)")
    return path


def floor(name: str) -> float:
    """A pinned quality floor from tests/floors.json (never lowered silently)."""
    return float(json.loads(FLOORS_FILE.read_text())[name]["floor"])


@pytest.fixture
def balenciaga_dir() -> Path:
    return shared_path("examples", "balenciaga")


@pytest.fixture
def example_story_dir() -> Path:
    return EXAMPLE_STORY


@pytest.fixture
def example_truth() -> dict:
    return json.loads((EXAMPLE_STORY / "truth.json").read_text())


@pytest.fixture(scope="session")
def web_store(tmp_path_factory):
    """The web app's test store (tests/web_builders.py), built once per run; tests
    that write copy it first."""
    from web_builders import build_web_store

    return build_web_store(tmp_path_factory.mktemp("web"))


@pytest.fixture
def loopback_only(monkeypatch):
    """Name resolution that knows loopback addresses only: any other host is "unknown"
    (and so can never be contacted), which is also how the fetch tests make an
    unknown host without asking a DNS server. Proxy variables are cleared too."""
    import ipaddress
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            loopback = ipaddress.ip_address(name.strip("[]")).is_loopback
        except ValueError:
            loopback = name == "localhost"
        if not loopback:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, "http://192.0.2.1:9")  # a proxy that must never be used (trust_env=False)
