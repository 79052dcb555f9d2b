"""Why an answer may be empty: one-line hints for names, prefixes, terms and empty stores.

A query that names something the store does not hold answers `(0 rows)`, which a user
cannot tell from "no such event". These checks run before the query and say what is wrong:

* `unknown_prefixes`: prefixes a query uses but neither declares nor gets predefined;
* `unknown_terms`: `cvkg:` names the ontology does not define (`cvkg:Migrations`);
* `name_hints`: a name no entity of the store has ("did you mean …"), or a company named
  where a cloud provider is asked for (the Provider rule: its cloud unit is the provider);
* `empty_store_hint`: the store holds no article at all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from rdflib import Literal

from graph.build import gazetteer_entries, name_key
from graph.stores.base import KnowledgeStore
from ontology.namespace import ontology_terms
from ontology.vocab import PREFIXES

_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
# a prefixed name outside IRIs, strings and comments: "foo:Bar", "cvkg:customer"
_PREFIXED = re.compile(r"(?<![\w<\"'?$:/#.-])([A-Za-z][\w-]*):(?=[A-Za-z_])")
_CVKG_TERM = re.compile(r"(?<![\w<\"'?$:/#.-])cvkg:([A-Za-z_][\w-]*)")
_IGNORED = re.compile(r"<[^>\s]*>|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")

_LABELS = """
SELECT DISTINCT ?label WHERE { ?e rdfs:label ?label . FILTER(STRSTARTS(STR(?e), STR(ent:))) }
"""
_BY_KEY = """
SELECT ?e ?label ?class WHERE {
  VALUES ?key { %s }
  ?e cvkg:nameKey ?key ; rdfs:label ?label ; a ?class . FILTER(STRSTARTS(STR(?class), STR(cvkg:)))
}
"""


def _code(sparql: str) -> str:
    """The query without IRIs, strings and comments, where prefixed names are read."""
    return _IGNORED.sub(" ", sparql)


def unknown_prefixes(sparql: str) -> list[str]:
    """Prefixes the query uses that it does not declare and cvkg does not predefine, in order of use."""
    code = _code(sparql)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(code)}
    used = [m.group(1) for m in _PREFIXED.finditer(code)]
    return list(dict.fromkeys(p for p in used if p not in PREFIXES and p not in declared and p.upper() != "PREFIX"))


def prefix_hint(sparql: str) -> str | None:
    """'unknown prefix foo: …' for the first undeclared prefix of the query, None when there is none."""
    missing = unknown_prefixes(sparql)
    if not missing:
        return None
    known = ", ".join(sorted(PREFIXES))
    return f"unknown prefix {missing[0]}: (cvkg predefines {known}; declare others with PREFIX {missing[0]}: <…>)"


def unknown_terms(sparql: str) -> list[str]:
    """Hints for the `cvkg:` names of the query that the ontology does not define, with the nearest term."""
    terms = ontology_terms()
    hints = []
    for name in dict.fromkeys(m.group(1) for m in _CVKG_TERM.finditer(_code(sparql))):
        if name in terms:
            continue
        near = difflib.get_close_matches(name, sorted(terms), n=1, cutoff=0.6)
        again = f" (did you mean cvkg:{near[0]}?)" if near else ""
        hints.append(f"cvkg:{name} is not a term of the cvkg ontology{again}")
    return hints


def empty_store_hint(store: KnowledgeStore) -> str | None:
    """A hint when the store holds no article graph."""
    if bool(store.query("ASK { ?article a schema:NewsArticle }")):  # one index lookup, not a list of graphs
        return None
    return f"the store {store.location} holds no article; add some with `cvkg ingest`"


def name_hints(
    store: KnowledgeStore, names: Iterable[str], *, provider: bool = False, unknown: bool = True
) -> list[str]:
    """Hints for names no entity of the store has (unless not `unknown`), and (with `provider`) for companies.

    A name matches an entity's label or alias in any case (`cvkg:nameKey`), as the named queries do.
    """
    hints = []
    for name in names:
        if not name.strip():
            continue
        rows = list(store.query(_BY_KEY % Literal(name_key(name)).n3()))  # type: ignore[call-overload]
        if not rows and not unknown:
            continue
        if not rows:
            labels = sorted({row["label"].value for row in store.query(_LABELS)})  # type: ignore[attr-defined]
            near = difflib.get_close_matches(name, labels, n=3, cutoff=0.5)
            near += [label for label in labels if name.lower() in label.lower() and label not in near][:3]
            again = f" (did you mean {', '.join(near[:3])}?)" if near else ""
            hints.append(f"no entity named {name!r} in the store{again}")
            continue
        classes = {row["class"].value.rsplit("#", 1)[-1] for row in rows}
        if provider and "CloudProvider" not in classes:
            unit = _cloud_unit(rows[0]["e"].value.rsplit("/", 1)[-1])
            label = rows[0]["label"].value
            if unit:
                hints.append(
                    f"{label} is a company; its cloud unit is {unit}, the provider in cvkg's events "
                    f"(the Provider rule): ask for {unit!r}"
                )
            else:
                hints.append(f"{label} is no cloud provider in the store ({', '.join(sorted(classes))})")
    return hints


def _cloud_unit(entity_id: str) -> str:
    """The label of the gazetteer's cloud provider whose parent is `entity_id`, '' when there is none."""
    for entry in gazetteer_entries().values():
        if entry.parent == entity_id and entry.cls == "CloudProvider":
            return entry.label
    return ""
