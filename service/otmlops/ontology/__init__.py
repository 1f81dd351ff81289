"""The bundled OWL ontology: loading it offline, checking it with HermiT, documenting it."""

from otmlops.ontology.loader import (
    INDEX_IRI,
    REFERENCE_IRI,
    import_closure,
    load_ontology,
    load_reference_mapping,
    module_files,
    reference_mapping_file,
)

__all__ = [
    "INDEX_IRI",
    "REFERENCE_IRI",
    "import_closure",
    "load_ontology",
    "load_reference_mapping",
    "module_files",
    "reference_mapping_file",
]
