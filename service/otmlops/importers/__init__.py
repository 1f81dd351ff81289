"""Importers that turn plant semantic models (AAS, OPC UA NodeSet2) into RDF for the store.

Each importer parses and converts everything in memory first and returns an ``ImportResult``
holding N-Triples per target graph; only ``store_result`` touches the store, so bad input never
leaves a partial import behind.
"""

from otmlops.importers.report import GraphPayload, ImportResult, store_result

__all__ = ["GraphPayload", "ImportResult", "store_result"]
