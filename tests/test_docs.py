"""The user documentation in docs/ agrees with the ontology, the registry and the scorer.

The tables between `<!-- generated: NAME -->` and `<!-- end generated -->` in
docs/schema.md and docs/evaluation.md are made by the functions below from
`ontology/cvkg.ttl` (through `load_registry()`) and `graph/scoring.py`. A test
fails when a class, role or relation is missing from them, or when a block
differs from what the ontology gives now. Rewrite the blocks with

    python -m tests.test_docs
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS

from ontology import CVKG, load_ontology, load_registry
from ontology.events import event_roles

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"(<!-- generated: ([a-z-]+) -->\n)(.*?)(<!-- end generated -->)", re.S)
PREFIXES = {
    str(CVKG._NS): "cvkg:",
    "https://schema.org/": "schema:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
}


def _short(term: object) -> str:
    for iri, prefix in PREFIXES.items():
        if str(term).startswith(iri):
            return prefix + str(term)[len(iri) :]
    return f"<{term}>"


def _range(ontology: Graph, prop: URIRef) -> str:
    """A property's rdfs:range as prefixed names (the members of a union joined by "or")."""
    value = ontology.value(prop, RDFS.range)
    if value is None:
        return ""
    if isinstance(value, BNode):
        union = ontology.value(value, OWL.unionOf)
        if union is not None:
            return " or ".join(f"`{_short(m)}`" for m in Collection(ontology, union))
    return f"`{_short(value)}`"


def _comment(ontology: Graph, term: URIRef) -> str:
    text = str(ontology.value(term, RDFS.comment) or "")
    return " ".join(text.split()).replace("|", "\\|")


def event_roles_table() -> str:
    """One row per role of every event class of the registry."""
    ontology, registry = load_ontology(), load_registry()
    rows = ["| class | role | key | several | value | meaning |", "|---|---|---|---|---|---|"]
    for name, event in registry.events.items():
        for role in sorted(event_roles(ontology, event), key=lambda r: (r not in event.key, _key_pos(event.key, r), r)):
            prop = CVKG._NS[role]
            key = str(event.key.index(role) + 1) if role in event.key else ""
            several = "yes" if role in event.repeatable else ""
            rows.append(
                f"| `cvkg:{name}` | `cvkg:{role}` | {key} | {several} | {_range(ontology, prop)} "
                f"| {_comment(ontology, prop)} |"
            )
    return "\n".join(rows) + "\n"


def _key_pos(key: tuple[str, ...], role: str) -> int:
    return key.index(role) if role in key else 0


def event_classes_table() -> str:
    """One row per event class: label, IRI key and the edges it yields."""
    ontology, registry = load_ontology(), load_registry()
    rows = ["| class | label | IRI key (in order) | edges it yields | what it records |", "|---|---|---|---|---|"]
    for name, event in registry.events.items():
        key = " + ".join(f"`{r}`" for r in event.key)
        edges = ", ".join(f"`{e.subject_role}` `cvkg:{e.relation}` `{e.object_role}`" for e in event.edges) or "–"
        rows.append(f"| `cvkg:{name}` | {event.label} | {key} | {edges} | {_comment(ontology, event.iri)} |")
    return "\n".join(rows) + "\n"


def common_properties_table() -> str:
    """Every cvkg: property whose domain is cvkg:Event (or includes it): what each event may carry besides roles."""
    ontology = load_ontology()
    rows = ["| property | value | meaning |", "|---|---|---|"]
    props = set()
    for prop, domain in ontology.subject_objects(RDFS.domain):
        members = {domain}
        if isinstance(domain, BNode) and ontology.value(domain, OWL.unionOf) is not None:
            members = set(Collection(ontology, ontology.value(domain, OWL.unionOf)))
        if CVKG.Event in members and isinstance(prop, URIRef):
            props.add(prop)
    for prop in sorted(props, key=str):
        rows.append(f"| `{_short(prop)}` | {_range(ontology, prop)} | {_comment(ontology, prop)} |")
    return "\n".join(rows) + "\n"


def relations_table() -> str:
    """Every relation between entities the registry knows: yielded by an event or stated directly."""
    ontology, registry = load_ontology(), load_registry()
    rows = ["| property | from | to | comes from | symmetric | meaning |", "|---|---|---|---|---|---|"]
    for name, relation in registry.relations.items():
        source = f"each `cvkg:{relation.event}`" if relation.event else "stated directly"
        domain = ontology.value(relation.iri, RDFS.domain)
        if domain is None:  # schema.org's, used but not redefined in cvkg.ttl
            subject, object_, meaning = _SCHEMA_RELATIONS[name]
        else:
            subject, object_ = f"`{_short(domain)}`", _range(ontology, relation.iri)
            meaning = _comment(ontology, relation.iri)
        symmetric = "yes" if relation.symmetric else ""
        rows.append(f"| `{_short(relation.iri)}` | {subject} | {object_} | {source} | {symmetric} | {meaning} |")
    return "\n".join(rows) + "\n"


# schema.org's relations are used, not redefined, so cvkg.ttl gives them no comment
_SCHEMA_RELATIONS = {
    "parentOrganization": (
        "`schema:Organization`",
        "`schema:Organization`",
        "A unit or subsidiary belongs to this organisation; the scorer reads it as `owns` reversed.",
    ),
    "worksFor": (
        "`schema:Person`",
        "`schema:Organization`",
        "A person works for this organisation, with `schema:jobTitle` on the person when the text gives it.",
    ),
}


def scored_slots_table() -> str:
    """The scorer's view of each event type: the key slots and the roles scored one slot per value."""
    from graph.scoring import EVENT_ROLES

    rows = ["| type | key (matched as a whole) | roles scored one slot per value |", "|---|---|---|"]
    for name, (keys, others) in EVENT_ROLES.items():
        key = " + ".join(f"`{_slot_name(k)}`" for k in keys)
        rest = ", ".join(f"`{_slot_name(o)}`" for o in others) or "–"
        rows.append(f"| {name} | {key} | {rest} |")
    return "\n".join(rows) + "\n"


def _slot_name(role: str) -> str:
    if role.endswith("*"):
        return role[:-1] + " (list)"
    if role.endswith("?"):
        return role[:-1] + " (may be empty)"
    return role


GENERATORS: dict[str, Callable[[], str]] = {
    "event-classes": event_classes_table,
    "event-roles": event_roles_table,
    "common-properties": common_properties_table,
    "relations": relations_table,
    "scored-slots": scored_slots_table,
}
DOC_BLOCKS = {
    "schema.md": ("event-classes", "event-roles", "common-properties", "relations"),
    "evaluation.md": ("scored-slots",),
}


def _blocks(text: str) -> dict[str, str]:
    return {m.group(2): m.group(3) for m in BLOCK.finditer(text)}


def rewrite(path: Path) -> bool:
    """Put the current tables into the generated blocks of `path`; True when something changed."""
    text = path.read_text(encoding="utf-8")
    new = BLOCK.sub(lambda m: m.group(1) + GENERATORS[m.group(2)]() + m.group(4), text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


@pytest.mark.parametrize(("doc", "name"), [(d, n) for d, names in DOC_BLOCKS.items() for n in names])
def test_generated_block_is_current(doc: str, name: str) -> None:
    blocks = _blocks((DOCS / doc).read_text(encoding="utf-8"))
    assert name in blocks, f"docs/{doc} lacks the block <!-- generated: {name} -->"
    expected = GENERATORS[name]()
    assert blocks[name] == expected, f"docs/{doc}: the {name} table is stale; run `python -m tests.test_docs`"


def test_schema_doc_names_every_class_role_and_relation() -> None:
    text = (DOCS / "schema.md").read_text(encoding="utf-8")
    ontology, registry = load_ontology(), load_registry()
    rows = {tuple(cell.strip() for cell in line.split("|")[1:3]) for line in text.splitlines() if line.startswith("|")}
    for name, event in registry.events.items():
        assert f"`cvkg:{name}`" in text, f"docs/schema.md does not mention the event class {name}"
        for role in event_roles(ontology, event):
            assert (f"`cvkg:{name}`", f"`cvkg:{role}`") in rows, f"docs/schema.md has no row for {name}.{role}"
    for relation in registry.relations.values():
        assert f"`{_short(relation.iri)}`" in text, f"docs/schema.md does not mention the relation {relation.name}"
    for cls in ("CloudProvider", "Company", "Product", "MediaOutlet", "ResearchFirm", "GovernmentBody"):
        assert f"`cvkg:{cls}`" in text, f"docs/schema.md does not mention the entity class {cls}"


def test_docs_do_not_send_users_to_the_shared_folder() -> None:
    for path in [ROOT / "README.md", *DOCS.glob("*.md")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "shared/spec" in line:
                pytest.fail(f"{path.name}:{number} points to ../shared/spec, which a clone does not have: {line}")


def test_readme_gives_the_size_of_the_gazetteer() -> None:
    from ontology import load_gazetteer

    found = re.search(r"knows (\d[\d,]*) providers", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md no longer says how many entries the gazetteer has"
    assert int(found.group(1).replace(",", "")) == len(load_gazetteer())


if __name__ == "__main__":
    changed = [doc for doc in DOC_BLOCKS if rewrite(DOCS / doc)]
    sys.stdout.write(f"rewrote {', '.join(changed)}\n" if changed else "docs are current\n")
