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
