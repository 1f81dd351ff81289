"""Reserved graph names (docs/vocabulary-contract.md, "Named graphs in the store")."""

ONTOLOGY_GRAPH = "https://w3id.org/otmlops/graph/ontology"
REFERENCE_MAPPING_GRAPH = "https://w3id.org/otmlops/graph/reference-mapping"
#: Held materialised entailments before they moved to query time; dropped when found, and kept
#: reserved so that nothing else is loaded under that name.
LEGACY_INFERRED_GRAPH = "https://w3id.org/otmlops/graph/inferred"
META_GRAPH = "https://w3id.org/otmlops/graph/meta"
STAGING_PREFIX = "urn:otmlops:staging:"

#: Graphs the store manages itself; users may read them but not load into them.
SYSTEM_GRAPHS = frozenset(
    {ONTOLOGY_GRAPH, REFERENCE_MAPPING_GRAPH, LEGACY_INFERRED_GRAPH, META_GRAPH}
)

#: What each system graph holds, for error messages.
SYSTEM_GRAPH_ROLES = {
    ONTOLOGY_GRAPH: "the bundled ontology",
    REFERENCE_MAPPING_GRAPH: "the bundled reference mapping",
    LEGACY_INFERRED_GRAPH: "reserved for entailments older versions materialised",
    META_GRAPH: "the store's bookkeeping",
}
