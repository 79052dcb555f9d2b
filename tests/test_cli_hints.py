"""No silent empty answers: names, prefixes, terms, empty stores, no-op updates, failed ingests, served stores.

Each case answered `(0 rows)`, `+0` or an empty store with exit 0 before; now the user is told why.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import ARTICLES, SAMPLES, free_port

from graph.stores import open_store
from pipelines.cli import cli
from pipelines.cli.main import hoist_root_options

CVKG = str(Path(sys.executable).parent / "cvkg")


@pytest.fixture()
def runner():
    return CliRunner()


@pytest.fixture(scope="module")
def samples_store(tmp_path_factory) -> str:
    location = tmp_path_factory.mktemp("hints") / "store"
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    return str(location)


@pytest.fixture()
def writable_store(samples_store, tmp_path) -> str:
    copy = tmp_path / "copy"
    shutil.copytree(samples_store, copy)
    return str(copy)


def test_a_name_no_entity_has_is_said_with_near_names(runner, samples_store):
    result = runner.invoke(cli, ["--store", samples_store, "query", "-n", "events-about", "-p", "entity_name=Gogle"])
    assert result.exit_code == 0, result.output
    assert "(0 rows)" in result.stdout
    assert "note: no entity named 'Gogle' in the store (did you mean Google" in result.stderr


def test_a_company_asked_for_as_provider_gets_the_provider_rule(runner, samples_store):
    args = ["--store", samples_store, "query", "-n", "customers-by-provider", "-p", "provider_name=Amazon"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Amazon is a company; its cloud unit is Amazon Web Services" in result.stderr
    # the provider itself: rows and no note
    result = runner.invoke(cli, [*args[:-1], "provider_name=AWS"])
    assert "(0 rows)" not in result.stdout and "note:" not in result.stderr


def test_analyze_flows_of_a_company_names_its_cloud_unit(runner, samples_store):
    result = runner.invoke(cli, ["--store", samples_store, "analyze", "flows", "--provider", "Amazon"])
    assert result.exit_code == 0, result.output
    assert "its cloud unit is Amazon Web Services" in result.stderr


def test_an_unknown_prefix_is_a_one_line_hint(runner, samples_store):
    result = runner.invoke(cli, ["--store", samples_store, "query", "SELECT ?x WHERE { ?x a foo:Bar }"])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: invalid SPARQL query: unknown prefix foo: (cvkg predefines cvkg, doc")
    # declared prefixes and prefixed-looking text inside IRIs and strings are no unknown prefix
    declared = 'PREFIX foo: <https://example.org/> SELECT ?x WHERE { ?x a foo:Bar ; rdfs:label "a:b" }'
    result = runner.invoke(cli, ["--store", samples_store, "query", declared])
    assert result.exit_code == 0, result.output


def test_an_unknown_cvkg_term_gets_the_nearest_one(runner, samples_store):
    result = runner.invoke(cli, ["--store", samples_store, "query", "SELECT ?x WHERE { ?x a cvkg:Migrations }"])
    assert result.exit_code == 0
    assert "note: cvkg:Migrations is not a term of the cvkg ontology (did you mean cvkg:Migration?)" in result.stderr
    result = runner.invoke(cli, ["--store", samples_store, "query", "SELECT ?x WHERE { ?x a cvkg:Migration }"])
    assert "note:" not in result.stderr


def test_an_empty_store_says_it_is_empty(runner, tmp_path):
    location = tmp_path / "empty"
    open_store(location).close()
    result = runner.invoke(cli, ["--store", str(location), "query", "-n", "left-provider"])
    assert result.exit_code == 0, result.output
    assert f"note: the store {location} holds no article" in result.stderr
    result = runner.invoke(cli, ["--store", str(location), "analyze", "flows"])
    assert "holds no article" in result.stderr


def test_an_update_without_graph_that_changes_nothing_fails(runner, writable_store):
    result = runner.invoke(cli, ["--store", writable_store, "update", "DELETE WHERE { ?e cvkg:confidence ?c }"])
    assert result.exit_code == 1
    assert "the update changed no article graph: it names no GRAPH" in result.stderr
    # with GRAPH and nothing matching: said, not an error
    none = "DELETE WHERE { GRAPH ?g { ?e cvkg:nothing ?c } }"
    result = runner.invoke(cli, ["--store", writable_store, "update", none])
    assert result.exit_code == 0, result.output
    assert "no article graph changed" in result.stderr
    # a real change says nothing more
    some = "DELETE WHERE { GRAPH ?g { ?e cvkg:confidence ?c } }"
    result = runner.invoke(cli, ["--store", writable_store, "update", some])
    assert result.exit_code == 0 and "no article graph changed" not in result.stderr


def test_a_failed_ingest_creates_no_store(runner, tmp_path):
    location = tmp_path / "kg"
    result = runner.invoke(cli, ["--store", str(location), "ingest", str(tmp_path / "typo.txt")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr
    assert not location.exists()
    # an ingest that stores no article (every file skipped) leaves none either
    result = runner.invoke(cli, ["--store", str(location), "ingest", str(ARTICLES / "empty.txt")])
    assert result.exit_code == 0, result.output
    assert not location.exists()
    assert "no store was created" in result.stderr
    # an existing store is never removed, even when nothing new is stored
    result = runner.invoke(cli, ["--store", str(location), "ingest", str(SAMPLES)])
    assert result.exit_code == 0 and location.exists()
    result = runner.invoke(cli, ["--store", str(location), "ingest", str(ARTICLES / "empty.txt")])
    assert result.exit_code == 0 and location.exists()
    assert open_store(location, read_only=True).article_graphs()


def test_writing_to_a_served_store_is_refused(writable_store, start_server):
    import subprocess

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server([CVKG, "--store", writable_store, "serve", "--port", str(port)], f"{url}/")
    before = open_store(writable_store, read_only=True).quad_count()
    done = subprocess.run(
        [CVKG, "--store", writable_store, "ingest", str(ARTICLES)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert f"store {writable_store} is being served by `cvkg serve` (process " in done.stderr
    assert open_store(writable_store, read_only=True).quad_count() == before
    # reading beside the server still works
    done = subprocess.run([CVKG, "--store", writable_store, "stats"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    server.terminate()
    server.wait(timeout=30)
    # the server has stopped: its marker counts for nothing
    done = subprocess.run(
        [CVKG, "--store", writable_store, "update", "DELETE WHERE { GRAPH ?g { ?e cvkg:confidence ?c } }"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["ingest", "samples", "--store", "x"], ["--store", "x", "ingest", "samples"]),
        (["ingest", "--store=x", "samples"], ["--store=x", "ingest", "samples"]),
        (["query", "-n", "a", "--debug", "--model", "m"], ["--debug", "--model", "m", "query", "-n", "a"]),
        (["--store", "x", "stats"], ["--store", "x", "stats"]),
        # after `--` nothing moves; options of the subcommand stay
        (["query", "-q", "--", "--store", "x"], ["query", "-q", "--", "--store", "x"]),
        (["-v", "ingest", "--quiet", "a"], ["-v", "ingest", "--quiet", "a"]),
    ],
)
def test_root_options_after_the_subcommand_move_before_it(args, expected):
    assert hoist_root_options(args) == expected


def test_store_option_after_the_subcommand(runner, samples_store):
    result = runner.invoke(cli, ["stats", "--store", samples_store])
    assert result.exit_code == 0, result.output
    assert "articles: 8" in result.stdout


def _limited(size: int):
    """A preexec function: files this process writes may not grow past `size` bytes (a full disk, in effect)."""
    import resource
    import signal

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


@pytest.mark.parametrize("command", [["export", "--format", "nquads"], ["view"]])
def test_an_output_that_cannot_be_written_whole_leaves_the_old_file(samples_store, tmp_path, command):
    """export -o / view -o write a temporary file and rename it: a write that fails leaves no truncated file."""
    import subprocess

    out = tmp_path / "out.file"
    out.write_bytes(b"the previous export\n")
    done = subprocess.run(
        [CVKG, "--store", samples_store, *command, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limited(4096),
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("Error:")
    assert out.read_bytes() == b"the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.file"]  # no temporary file left
    # without the limit the file is replaced whole
    done = subprocess.run([CVKG, "--store", samples_store, *command, "-o", str(out)], capture_output=True, timeout=300)
    assert done.returncode == 0 and out.stat().st_size > 4096
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # an ordinary file's mode, not mkstemp's


def test_an_interrupted_ingest_says_what_it_committed(tmp_path):
    """Ctrl-C after the second batch: the summary names the articles the store holds, and a re-run completes it."""
    import signal

    from ingest_runs import resume, start_noted_ingest, stopped, wait_for, write_corpus

    corpus = write_corpus(tmp_path / "corpus", 8)
    location = tmp_path / "kg"
    writer = start_noted_ingest(location, corpus, tmp_path / "notes", batch_size=2, pause_at=2)
    wait_for(writer, tmp_path / "notes", lambda seen: seen.paused, "the second commit")
    stopped(writer)
    writer.send_signal(signal.SIGINT)
    resume(writer)
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 130, err
    assert "interrupted: 4 article(s) committed to the store" in err
    assert len(open_store(location, read_only=True).article_graphs()) == 4
    result = CliRunner().invoke(cli, ["--store", str(location), "ingest", str(corpus)])
    assert result.exit_code == 0, result.output
    assert len(open_store(location, read_only=True).article_graphs()) == 8


def test_a_folder_of_other_files_is_no_store(runner, tmp_path):
    """--store pointed at a folder of the user's files: refused, and nothing written into it or removed from it."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "000001.log").write_text("my notes\n")
    for args in (["ingest", str(SAMPLES)], ["stats"], ["query", "SELECT * { ?s ?p ?o } LIMIT 1"]):
        result = runner.invoke(cli, ["--store", str(folder), *args])
        assert result.exit_code == 1
        assert result.stderr.strip() == (
            f"Error: {folder} is a folder of other files, not a cvkg store; give --store a new or empty folder"
        )
    assert [p.name for p in folder.iterdir()] == ["000001.log"]
    assert (folder / "000001.log").read_text() == "my notes\n"
    # an empty folder is fine
    empty = tmp_path / "empty"
    empty.mkdir()
    assert runner.invoke(cli, ["--store", str(empty), "ingest", str(SAMPLES / "lyft-aws-300m-2019.txt")]).exit_code == 0


@pytest.mark.slow
def test_an_ingest_whose_server_dies_says_what_it_committed(tmp_path, start_server):
    """The SPARQL server goes away after the first batch: the summary names the one article it holds."""
    from ingest_runs import resume, start_noted_ingest, stopped, wait_for, write_corpus

    from graph.stores.server import find_oxigraph

    corpus = write_corpus(tmp_path / "corpus", 4)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [find_oxigraph(), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"]
    server = start_server(command, f"{url}/")
    writer = start_noted_ingest(url, corpus, tmp_path / "notes", batch_size=1, pause_at=1)  # type: ignore[arg-type]
    wait_for(writer, tmp_path / "notes", lambda seen: seen.paused, "the first commit")
    stopped(writer)
    server.terminate()
    server.wait(timeout=60)
    resume(writer)
    _, err = writer.communicate(timeout=300)
    assert writer.returncode == 1, err
    assert "stopped by an error (cannot reach SPARQL server" in err
    assert ": 1 article(s) committed to the store" in err
    assert err.strip().splitlines()[-1].startswith("Error: cannot reach SPARQL server")
