import pytest


@pytest.fixture(autouse=True)
def _read_english(english):
    """These tests read the English messages of the services and pages (/en/ URLs)."""
