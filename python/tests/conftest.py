import os
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "Fixtures" / "generated" / "pack"
BINARY = REPO / ".build" / "debug" / "synergen-prep"


@pytest.fixture(scope="session")
def fixtures() -> pathlib.Path:
    if not (FIXTURES / "packed" / "index.json").exists():
        pytest.skip(f"no packed fixtures in {FIXTURES}: run scripts/make_pack_fixtures.sh first")
    return FIXTURES
