import pytest
from django.test import Client


@pytest.fixture
def anonymous(db):
    """A second browser, never logged in (the `client` fixture is the staff one in some tests)."""
    return Client()
