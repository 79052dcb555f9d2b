"""cvkg pipelines: read articles, run spaCy, resolve entities, extract events, fill the store."""

from __future__ import annotations

from pipelines.config import Settings
from pipelines.errors import InputError, ModelError

__all__ = ["InputError", "ModelError", "Settings"]
