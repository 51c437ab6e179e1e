"""Fixtures of the AppTest pages: the synthetic pack as the data folder, the bytes a download serves."""

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import app_test


class _KeptStorage(MemoryMediaFileStorage):
    """Streamlit's own in-memory media storage, kept in reach after AppTest drops its runtime."""

    last = None

    def __init__(self, endpoint: str) -> None:
        super().__init__(endpoint)
        _KeptStorage.last = self


@pytest.fixture
def data_root(pack, monkeypatch):
    monkeypatch.setenv("CULTUREMAP_DATA", str(pack.parent))
    return pack.parent


@pytest.fixture
def served(monkeypatch):
    """The bytes a download button serves (its media URL's file in the run's storage)."""
    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", _KeptStorage)
    return lambda button: _KeptStorage.last.get_file(button.proto.url.rsplit("/", 1)[1]).content
