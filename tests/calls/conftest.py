import pytest


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings: pages are requested under /en/ and services
    speak English (the Italian catalogue is the lead's)."""
    from django.utils import translation

    with translation.override("en"):
        yield
