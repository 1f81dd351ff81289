"""The pure checks behind the service's hardening (issue 14): fast, no server needed."""

from __future__ import annotations

import pytest

from otmlops.errors import InputError, UsageError
from otmlops.http.guard import default_allowed_hosts, docs_csp, host_allowed
from otmlops.redact import display_store, redact, scrub
from otmlops.runner.sparql_guard import check_nesting, check_outbound, outbound_targets
from otmlops.xml_guard import check_xml


@pytest.mark.parametrize(
    "host, allowed, ok",
    [
        ("127.0.0.1:8000", ("localhost", "127.0.0.1", "::1"), True),
        ("localhost", ("localhost",), True),
        ("[::1]:8000", ("localhost", "127.0.0.1", "::1"), True),
        ("evil.example:8000", ("localhost", "127.0.0.1", "::1"), False),
        ("127.0.0.1.evil.example", ("127.0.0.1",), False),
        ("kg.plant.example", ("*.plant.example",), True),
        ("plant.example", ("*.plant.example",), False),
        ("kg.example:8443", ("kg.example:443",), False),
        ("anything", ("*",), True),
    ],
)
def test_host_allow_list(host: str, allowed: tuple[str, ...], ok: bool) -> None:
    assert host_allowed(host, allowed) is ok


def test_default_hosts_follow_the_bind_address() -> None:
    assert "*" not in default_allowed_hosts("127.0.0.1")
    assert "*" not in default_allowed_hosts("::1")
    assert default_allowed_hosts("0.0.0.0") == ("*",)


def test_docs_policy_hashes_exactly_the_inline_script() -> None:
    import base64
    import hashlib

    page = "<script src='/a.js'></script><script>\nconst ui = 1;\n</script>"
    digest = base64.b64encode(hashlib.sha256(b"\nconst ui = 1;\n").digest()).decode()
    policy = docs_csp(page)
    assert f"'sha256-{digest}'" in policy and "frame-ancestors 'none'" in policy


def test_outbound_targets_resolve_prefixes_and_base() -> None:
    text = (
        "BASE <http://b.example/dir/> PREFIX e: <http://e.example/> "
        "SELECT * { SERVICE <rel> {} SERVICE SILENT e:q {} SERVICE ?x {} "
        "# SERVICE <http://comment.example/> \n"
        'FILTER(?o = "SERVICE <http://string.example/>") }'
    )
    assert list(outbound_targets(text)) == [
        ("SERVICE", "http://b.example/dir/rel"),
        ("SERVICE", "http://e.example/q"),
        ("SERVICE", "?x"),
    ]
    assert list(outbound_targets("LOAD SILENT <file:///etc/passwd> INTO GRAPH <g>")) == [
        ("LOAD", "file:///etc/passwd")
    ]
    # escapes in IRIs are decoded as the parser decodes them
    assert list(outbound_targets(r"SELECT * { SERVICE <\u0066ile:///etc/passwd> {} }")) == [
        ("SERVICE", "file:///etc/passwd")
    ]


def test_outbound_policy() -> None:
    check_outbound("SELECT * { SERVICE <http://kg.example:8080/q> {} }", ["kg.example"])
    check_outbound("SELECT * { SERVICE <https://kg.example/q> {} }", ["kg.example:443"])
    with pytest.raises(UsageError, match="--allow-remote"):
        check_outbound("SELECT * { SERVICE <http://kg.example:8080/q> {} }", ["kg.example:80"])
    with pytest.raises(UsageError, match="file"):
        check_outbound("LOAD <file:///etc/passwd>", ["*"])
    with pytest.raises(UsageError, match="variable"):
        check_outbound("SELECT * { SERVICE ?s {} }", ["*"])
    check_outbound("SELECT * { ?s ?p ?o }", [])
    with pytest.raises(UsageError, match="cannot tell"):
        check_outbound("SELECT * { SERVICE", ["*"])


def test_nesting_limit() -> None:
    check_nesting("ASK { " + "{ " * 10 + "}" * 10 + " }", 11)
    with pytest.raises(UsageError, match="--max-nesting"):
        check_nesting("ASK { " + "{ " * 11 + "}" * 11 + " }", 11)
    check_nesting('ASK { FILTER("' + "(" * 100 + '") }', 5)  # brackets in a string


def test_redaction() -> None:
    assert (
        redact("cannot reach http://alice:pw@h:1/q: refused")
        == "cannot reach http://***@h:1/q: refused"
    )
    assert (
        redact("https://h/sparql?access_token=abc&x=1") == "https://h/sparql?access_token=***&x=1"
    )
    assert display_store("https://alice:pw@h:8443/ds?query=q") == "https://h:8443/ds"
    assert display_store("/srv/kg/store") == "embedded store"
    assert display_store("/srv/kg/store", show_path=True) == "/srv/kg/store"
    assert (
        scrub("cannot open /srv/kg/.store.snapshots/gen-1", "/srv/kg/store")
        == "cannot open <store-folder>/.store.snapshots/gen-1"
    )


def _bomb(levels: int) -> bytes:
    ents = '<!ENTITY a0 "xxxxxxxxxx">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels)
    )
    return f"<!DOCTYPE r [{ents}]><r>&a{levels - 1};</r>".encode()


def test_xml_entity_expansion_is_bounded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    check_xml(_bomb(3))  # 1 KB of expansion: fine
    with pytest.raises(InputError, match="expand"):
        check_xml(_bomb(6))
    big = tmp_path / "bomb.rdf"
    big.write_bytes(_bomb(9))
    with pytest.raises(InputError, match="bomb.rdf"):
        check_xml(big, str(big))
    # many references to a small entity in a large file: a bounded factor, accepted
    many = (
        b'<!DOCTYPE r [<!ENTITY e "http://example.org/ns#">]><r>'
        + b"<x a='&e;'/>" * 20000
        + b"</r>"
    )
    check_xml(many)
    for declaration in (
        '<!ENTITY e SYSTEM "file:///etc/passwd">',
        '<!ENTITY % p "x">',
        '<!ENTITY e "&e;">',
    ):
        with pytest.raises(InputError):
            check_xml(f"<!DOCTYPE r [{declaration}]><r>&e;</r>".encode())
