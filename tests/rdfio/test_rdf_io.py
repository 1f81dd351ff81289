"""otmlops.rdfio: format lookup (aliases, extensions, media types, sniffing) and the one reader
(size limit, UTF-8, syntax errors with file:line:column), all through real parsing; and
Store.graph_triples, which validation reads plant graphs with."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from otmlops.errors import InputError, NotFound, UsageError
from otmlops.rdfio import (
    DEFAULT_MAX_SIZE,
    FORMATS,
    check_size,
    format_of_extension,
    format_of_media_type,
    format_of_name,
    format_of_path,
    parse_triples,
    rdflib_name,
    scan,
    sniff,
)
from otmlops.store.base import Store

F = ox.RdfFormat
EX = "http://example.org/"
TRIPLE = f"<{EX}a> <{EX}b> <{EX}c> .\n"
RDF_XML_HEAD = (
    '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
)


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name, fmt",
    [
        ("turtle", F.TURTLE),
        ("ttl", F.TURTLE),
        ("TTL", F.TURTLE),
        (".ttl", F.TURTLE),
        ("nt", F.N_TRIPLES),
        ("ntriples", F.N_TRIPLES),
        ("n-triples", F.N_TRIPLES),
        ("nq", F.N_QUADS),
        ("nquads", F.N_QUADS),
        ("n-quads", F.N_QUADS),
        ("trig", F.TRIG),
        ("rdfxml", F.RDF_XML),
        ("rdf/xml", F.RDF_XML),
        ("rdf", F.RDF_XML),
        ("owl", F.RDF_XML),
        ("xml", F.RDF_XML),
        ("jsonld", F.JSON_LD),
        ("json-ld", F.JSON_LD),
        ("json", F.JSON_LD),
        ("n3", F.N3),
        ("text/turtle", F.TURTLE),
        ("application/rdf+xml; charset=utf-8", F.RDF_XML),
    ],
)
def test_format_names_users_type(name: str, fmt: ox.RdfFormat) -> None:
    assert format_of_name(name) == fmt


def test_unknown_format_name_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown RDF format 'yaml' \(known: jsonld, n3, "):
        format_of_name("yaml")
    with pytest.raises(UsageError):
        format_of_name("image/png")


def test_extensions_come_from_the_registry_plus_aliases() -> None:
    for fmt in FORMATS:  # every format's own extension, as pyoxigraph names it
        assert format_of_extension(fmt.file_extension) == fmt
    assert format_of_path(Path("plant.OWL")) == F.RDF_XML
    assert format_of_path("mapping.turtle") == F.TURTLE
    assert format_of_path("a.nt") == F.N_TRIPLES
    assert format_of_path("notes.txt") is None
    assert format_of_path("README") is None
    assert format_of_extension("") is None


def test_media_types_the_service_accepts() -> None:
    for fmt in FORMATS:  # every format's own media type
        assert format_of_media_type(fmt.media_type) == fmt
    assert format_of_media_type("Text/Turtle; charset=UTF-8") == F.TURTLE
    assert format_of_media_type("application/x-turtle") == F.TURTLE
    assert format_of_media_type("application/xml") == F.RDF_XML
    assert format_of_media_type("application/json") == F.JSON_LD
    assert format_of_media_type("text/x-nquads") == F.N_QUADS
    # as a request body, text/plain is not taken for N-Triples
    assert format_of_media_type("text/plain") is None
    assert format_of_media_type("image/png") is None
    assert format_of_media_type("") is None
    assert format_of_media_type(None) is None


def test_rdflib_names_parse_with_rdflib() -> None:
    from rdflib import Graph

    data = {
        F.TURTLE: TRIPLE,
        F.N_TRIPLES: TRIPLE,
        F.RDF_XML: RDF_XML_HEAD + f'<rdf:Description rdf:about="{EX}a"/>\n</rdf:RDF>\n',
    }
    for fmt, text in data.items():
        assert len(Graph().parse(data=text, format=rdflib_name(fmt))) <= 1


# ----------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize(
    "head, fmt",
    [
        (b'{"@id": "http://example.org/a"}', F.JSON_LD),
        (b'\xef\xbb\xbf  [{"@id": "http://example.org/a"}]', F.JSON_LD),
        (RDF_XML_HEAD.encode() + b"</rdf:RDF>", F.RDF_XML),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', F.RDF_XML),
        (b"@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", F.TURTLE),
        (TRIPLE.encode(), F.TURTLE),  # Turtle reads N-Triples
    ],
)
def test_sniffed_syntax_parses(head: bytes, fmt: ox.RdfFormat) -> None:
    assert sniff(head) == fmt
    parse_triples(head, sniff(head), base_iri=EX, source_name="<sniffed>")


# ----------------------------------------------------------------------------- size


def test_size_limit_message_and_validation_file(tmp_path: Path) -> None:
    from otmlops.validation.sources import from_bytes, parse, read_file

    assert DEFAULT_MAX_SIZE == 50 * 1024 * 1024
    check_size(1024, 1024, "x")  # at the limit is fine
    check_size(10**12, None, "x")  # None: no limit
    path = tmp_path / "big.nt"
    path.write_text(TRIPLE * 100)
    with pytest.raises(InputError) as info:
        read_file(path, max_size=1024)
    assert str(info.value) == (
        f"{path}: file is {len(TRIPLE) * 100} bytes, over the limit of 1024 bytes; raise the limit with "
        "--max-size or split the file"
    )
    with pytest.raises(InputError, match=r"^<request>: input is 2\.0 MB, over the limit of 1\.0"):
        from_bytes(b"#" * (2 << 20), media_type="text/turtle", max_size=1 << 20)
    assert len(parse(read_file(path))) == 100  # under the default limit


# ----------------------------------------------------------------------------- UTF-8

LATIN1 = f'<{EX}a> <{EX}b> "Müller" .\n'.encode("latin-1")


def test_not_utf8_names_byte_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "latin1.nt"
    path.write_bytes(TRIPLE.encode() + LATIN1)
    column = LATIN1.index(b"\xfc") + 1
    for source in (path, path.read_bytes()):  # streamed from the file, and from bytes
        with pytest.raises(InputError) as info:
            scan(source, F.N_TRIPLES, base_iri=None, source_name=str(path))
        err = info.value
        assert (err.source, err.line, err.column) == (str(path), 2, column)
        assert "not UTF-8 text: byte 0xfc cannot be decoded; save the file as UTF-8" in str(err)
    with pytest.raises(InputError) as info:
        parse_triples(LATIN1, F.TURTLE, base_iri=None, source_name="m.ttl")
    assert str(info.value).startswith(f"m.ttl:1:{column}: not UTF-8 text: byte 0xfc")


# ----------------------------------------------------------------------------- syntax errors


def _error(tmp_path: Path, name: str, text: str, fmt: ox.RdfFormat) -> InputError:
    """The error of scanning the file and of parsing its bytes; both must say the same."""
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError) as streamed:
        scan(path, fmt, base_iri=path.as_uri(), source_name=name)
    with pytest.raises(InputError) as parsed:
        parse_triples(path.read_bytes(), fmt, base_iri=path.as_uri(), source_name=name)
    assert str(streamed.value) == str(parsed.value)
    return parsed.value


def test_turtle_syntax_error_position(tmp_path: Path) -> None:
    err = _error(
        tmp_path,
        "broken.ttl",
        '@prefix ex: <http://e/> .\nex:a ex:b ex:c ;\n  ex:d "unterminated .\n',
        F.TURTLE,
    )
    assert (err.line, err.column) == (3, 8)
    assert str(err).startswith("broken.ttl:3:8: syntax error: ")


def test_undeclared_prefix_gets_a_hint(tmp_path: Path) -> None:
    err = _error(
        tmp_path, "prefix.ttl", "@prefix ex: <http://e/> .\n\nex:a foo:b ex:c .\n", F.TURTLE
    )
    assert str(err) == (
        "prefix.ttl:3:6: unknown prefix foo: (declare it with '@prefix foo: <namespace> .' "
        "before its first use)"
    )


def test_ntriples_syntax_error_position(tmp_path: Path) -> None:
    err = _error(tmp_path, "x.nt", TRIPLE + "<a> <b> <c> .\n", F.N_TRIPLES)
    assert (err.line, err.column) == (2, 1)
    assert "syntax error:" in str(err)


def test_rdfxml_positions_are_recovered(tmp_path: Path) -> None:
    # Oxigraph gives no position for RDF/XML: the quoted offending text is found ...
    bad_iri = _error(
        tmp_path,
        "bad.rdf",
        RDF_XML_HEAD
        + f'  <rdf:Description rdf:about="{EX}a b">\n  </rdf:Description>\n</rdf:RDF>\n',
        F.RDF_XML,
    )
    assert (bad_iri.line, bad_iri.column) == (3, 31)
    # ... and expat places XML that is not well-formed
    unclosed = _error(
        tmp_path,
        "unclosed.rdf",
        RDF_XML_HEAD + f'  <rdf:Description rdf:about="{EX}a">\n</rdf:RDF>\n',
        F.RDF_XML,
    )
    assert unclosed.line == 4


def test_scan_counts_graphs_and_keeps_prefixes(tmp_path: Path) -> None:
    trig = f"@prefix ex: <{EX}> .\nex:a ex:b ex:c .\nex:g {{ ex:a ex:b ex:d . ex:a ex:b ex:e }}\n"
    found = scan(trig.encode(), F.TRIG, base_iri=None, source_name="x.trig")
    assert found.counts == {None: 1, f"{EX}g": 2} and found.total == 3
    assert found.prefixes == {"ex": EX}
    with pytest.raises(InputError, match="graphs named by blank nodes"):
        scan(
            b"_:g { <http://e/a> <http://e/b> <http://e/c> }",
            F.TRIG,
            base_iri=None,
            source_name="b",
        )


def test_rdfxml_entity_bomb_is_refused_before_parsing() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">\n'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">\n'
            for p, c in zip("abcdefg", "bcdefgh", strict=True)
        )
        + "]>\n<r>&h;</r>\n"
    ).encode()
    with pytest.raises(InputError, match="bomb.rdf"):
        parse_triples(bomb, F.RDF_XML, base_iri=None, source_name="bomb.rdf")


# ----------------------------------------------------------------------------- Store


def test_store_reads_one_graphs_triples(any_store: Store) -> None:
    g = f"{EX}plant"
    data = f"@prefix ex: <{EX}> .\nex:a ex:b ex:c , ex:d .\nex:d ex:b [ ex:c 1 ] .\n"
    any_store.load(data.encode(), graph=g, format=F.TURTLE)
    any_store.load(TRIPLE.encode(), graph=f"{EX}other", format=F.N_TRIPLES)
    triples = list(any_store.graph_triples(g))
    assert len(triples) == 4
    assert ox.Triple(ox.NamedNode(f"{EX}a"), ox.NamedNode(f"{EX}b"), ox.NamedNode(f"{EX}d")) in (
        triples
    )
    assert all(t.predicate.value.startswith(EX) for t in triples)  # nothing entailed, no union
    assert list(any_store.graph_triples(None)) == []  # the default graph, not the union
    with pytest.raises(NotFound):
        any_store.graph_triples(f"{EX}missing")
    # export_graph serialises the same triples
    exported = any_store.export_graph(g, F.N_TRIPLES)
    assert len(list(ox.parse(exported, F.N_TRIPLES))) == 4


def test_validation_and_load_report_the_same_rdfxml_error(tmp_path: Path, any_store: Store) -> None:
    """Validation used to report RDF/XML errors without a position; it now reads through the
    same reader as a load."""
    from otmlops.validation.api import validate

    path = tmp_path / "bad.rdf"
    path.write_text(
        RDF_XML_HEAD + f'  <rdf:Description rdf:about="{EX}a b"/>\n</rdf:RDF>\n', encoding="utf-8"
    )
    with pytest.raises(InputError) as validated:
        validate([path])
    with pytest.raises(InputError) as loaded:
        any_store.load(path, graph=f"{EX}g")
    assert str(validated.value) == str(loaded.value)
    assert (validated.value.line, validated.value.column) == (3, 31)
