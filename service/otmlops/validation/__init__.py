"""SHACL validation of mappings and plant models: shipped shapes, a fast whole-graph SPARQL
engine on pyoxigraph, pySHACL as the reference, reports in text, JSON and W3C Turtle."""

from otmlops.validation.api import Validator, load_shapes, ontology_triples, validate
from otmlops.validation.report import Report, ValidationResult
from otmlops.validation.sources import DEFAULT_MAX_SIZE, Source, from_bytes, read_file

__all__ = ["DEFAULT_MAX_SIZE", "Report", "Source", "ValidationResult", "Validator", "from_bytes",
           "load_shapes", "ontology_triples", "read_file", "validate"]
