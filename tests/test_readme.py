"""The README's transcripts are what cvkg prints on the bundled samples.

Every fenced block opened with ```` ```console ```` is a transcript: `$ cvkg …`
lines are commands (a command may run over several lines while a quote is
open; `> FILE` at its end sends its standard output to FILE), the lines after
one are its expected output (standard output and error as a terminal shows
them), and a line `...` stands for any number of lines. The transcripts run in
README order, in one temporary folder holding `samples/` and `examples/`, on
the default store `./cvkg-store`, as after `make demo`. A figure or IRI that
the samples no longer give makes the test fail.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FENCE = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
ELLIPSIS = "..."
# an instance IRI the docs quote as an example: ent:amazon-web-services, evt:contract-lyft--…, doc:u…
QUOTED_IRI = re.compile(r"\b(ent|evt|doc):([a-z0-9][a-z0-9-]*[a-z0-9])")


@dataclass(frozen=True)
class Step:
    """One command of a transcript, its expected output lines and where the README has it."""

    command: str
    expected: tuple[str, ...]
    line: int


def read_transcripts(text: str) -> list[Step]:
    """The commands of every console block, in order."""
    steps: list[Step] = []
    for block in FENCE.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        lines = block.group(1).rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                raise ValueError(f"README.md:{first_line + i}: output before any command: {lines[i]!r}")
            start, command = i, lines[i][2:]
            i += 1
            while not _complete(command):
                if i == len(lines):
                    raise ValueError(f"README.md:{first_line + start}: unclosed quote in {command!r}")
                command += "\n" + lines[i]
                i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            steps.append(Step(command, tuple(expected), first_line + start))
    return steps


def _complete(command: str) -> bool:
    try:
        shlex.split(command)
    except ValueError:
        return False
    return True


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Whether the output lines match, `...` matching any run of lines (trailing spaces ignored)."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ELLIPSIS:
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0].rstrip() == head.rstrip() and matches(rest, actual[1:])


def test_transcript_reader_and_matcher() -> None:
    text = '```console\n$ cvkg query "SELECT\n  ?x"\na\n...\nz\n$ cvkg stats > out.txt\n```\n'
    steps = read_transcripts(text)
    assert [s.command for s in steps] == ['cvkg query "SELECT\n  ?x"', "cvkg stats > out.txt"]
    assert steps[0].expected == ("a", "...", "z")
    assert matches(steps[0].expected, ["a", "z"]) and matches(steps[0].expected, ["a", "b", "c", "z"])
    assert not matches(steps[0].expected, ["a", "b"]) and not matches(("a",), ["a", "b"])


def test_readme_has_transcripts_of_the_tour() -> None:
    commands = [s.command for s in read_transcripts(README.read_text(encoding="utf-8"))]
    assert "cvkg ingest samples/" in commands
    assert any(c.startswith("cvkg stats") for c in commands)
    assert any(c.startswith("cvkg evaluate examples/gold/gold.jsonl") for c in commands)


@pytest.mark.slow
def test_readme_transcripts_are_what_the_samples_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    env = {name: None for name in os.environ if name.startswith("CVKG_")}
    runner = CliRunner(env=env)
    failures = []
    for step in read_transcripts(README.read_text(encoding="utf-8")):
        args = shlex.split(step.command)
        if args[0] == "source":
            continue
        assert args[0] == "cvkg", f"README.md:{step.line}: a console block runs {args[0]!r}, not cvkg"
        target = None
        if len(args) > 2 and args[-2] == ">":
            args, target = args[:-2], args[-1]
        result = runner.invoke(cli, args[1:])
        if result.exit_code != 0:
            failures.append(f"README.md:{step.line}: `{step.command}` exited {result.exit_code}:\n{result.output}")
            continue
        if target is not None:
            Path(target).write_text(result.stdout, encoding="utf-8")
            shown = result.stderr.splitlines()
        else:
            shown = result.output.splitlines()
        if not matches(step.expected, shown):
            failures.append(
                f"README.md:{step.line}: `{step.command}` printed\n"
                + "\n".join(shown)
                + "\n--- but the README shows\n"
                + "\n".join(step.expected)
            )
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_iris_the_docs_quote_are_in_the_samples_graph(tmp_path: Path) -> None:
    from graph import opened_store

    texts = [README.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")]
    quoted = {m.group(0) for text in texts for m in QUOTED_IRI.finditer(text)}
    assert len(quoted) > 10
    location = str(tmp_path / "store")
    result = CliRunner().invoke(cli, ["--store", location, "ingest", str(ROOT / "samples")])
    assert result.exit_code == 0, result.output
    bases = {
        "ent": "https://w3id.org/cvkg/entity/",
        "evt": "https://w3id.org/cvkg/event/",
        "doc": "https://w3id.org/cvkg/article/",
    }
    missing = []
    with opened_store(location, read_only=True) as store:
        for iri in sorted(quoted):
            prefix, local = iri.split(":", 1)
            full = f"<{bases[prefix]}{local}>"
            if not bool(store.query(f"ASK {{ GRAPH ?g {{ {{ {full} ?p ?o }} UNION {{ ?s ?p {full} }} }} }}")):
                missing.append(iri)
    assert not missing, f"the docs quote IRIs the samples do not give: {missing}"
