"""The YAML form: one use case per file, its stages as a list or a map, and the hosts.

::

    prefixes: {ex: "https://example.org/bottling#"}
    use_case: ex:LabelDefects
    label: Visual defect detection at labeller 3
    stages:
      ex:ServeDefects:
        kind: model serving
        layers: [Functional]
        level: Station
        ...
    hosts:
      - {id: ex:EdgePC3, kind: edge device, located_at: ex:Labeller3, level: Station}

PyYAML's composer keeps the line and column of every node, so an error names the line of the
value at fault. Values are read as text: no YAML type conversion applies.
"""

from __future__ import annotations

from otmlops.authoring.model import (
    FIELDS,
    Document,
    Entry,
    FormError,
    Loc,
    Val,
    check_prefixes,
    normal_key,
)

_TOP = {"prefixes", "base", "language", "use_case", "stages", "hosts"} | set(FIELDS["use case"])


def _loc(node) -> Loc:  # noqa: ANN001 - a yaml.Node
    mark = node.start_mark
    return Loc(mark.line + 1, mark.column + 1)


def read_yaml(text: str, name: str) -> Document:
    """Parse the YAML form; FormError (an InputError) with line and column on bad input."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = exc.problem or exc.context or "malformed YAML"
        raise FormError(f"malformed YAML: {problem}", Loc(line, column), source=name) from None
    except yaml.YAMLError as exc:
        raise FormError(f"malformed YAML: {exc}", Loc(), source=name) from None
    doc = Document(name)
    reader = _Reader(doc)
    if root is None:
        raise FormError(
            "the file is empty: write a use_case and its stages", Loc(1, 1), source=name
        )
    top = reader.mapping(root, "the file")
    unknown = [k for k in top if k not in _TOP]
    if unknown:
        key = unknown[0]
        raise reader.error(
            f"unknown key {key!r}; the top level takes {', '.join(sorted(_TOP))}", top[key][0]
        )
    if "prefixes" in top:
        prefixes = reader.mapping(top["prefixes"][1], "prefixes")
        check_prefixes(doc, {k: reader.scalar(v, f"prefix {k}") for k, (_, v) in prefixes.items()})
    if "base" in top:
        doc.base = reader.scalar(top["base"][1], "base").text.strip().strip("<>")
    if "language" in top:
        lang = reader.scalar(top["language"][1], "language").text.strip()
        doc.language = lang or None
    if "use_case" not in top:
        raise reader.error(
            "no use_case: name the use case (e.g. use_case: ex:LabelDefects); "
            "the YAML form holds one use case per file",
            root,
        )
    use_case = Entry("use case", reader.scalar(top["use_case"][1], "use_case"))
    for key, (_, value) in top.items():
        if key in FIELDS["use case"]:
            use_case.fields[key] = reader.values(value, key)
    stages = reader.entries(top["stages"][1], "stage") if "stages" in top else []
    doc.use_cases.append((use_case, stages))
    if "hosts" in top:
        doc.hosts = reader.entries(top["hosts"][1], "host")
    return doc


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def error(self, message: str, node) -> FormError:  # noqa: ANN001
        return FormError(message, _loc(node), source=self.doc.name)

    def mapping(self, node, what: str) -> dict:  # noqa: ANN001
        """key -> (key node, value node), keys normalised; duplicate keys are an error."""
        import yaml

        if not isinstance(node, yaml.MappingNode):
            raise self.error(f"{what} must be a mapping of keys to values", node)
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(f"a key of {what} must be plain text", key_node)
            key = (
                key_node.value
                if what in ("prefixes", "stages", "hosts")
                else normal_key(key_node.value)
            )
            if key in out:
                raise self.error(f"{key!r} appears twice in {what}", key_node)
            out[key] = (key_node, value_node)
        return out

    def scalar(self, node, what: str) -> Val:  # noqa: ANN001
        import yaml

        if not isinstance(node, yaml.ScalarNode):
            raise self.error(f"{what} takes one value, not a list or a mapping", node)
        return Val(node.value, _loc(node))

    def values(self, node, what: str) -> list[Val]:  # noqa: ANN001
        """One value or a list of values."""
        import yaml

        if isinstance(node, yaml.SequenceNode):
            return [self.scalar(item, what) for item in node.value]
        return [self.scalar(node, what)]

    def entries(self, node, what: str) -> list[Entry]:  # noqa: ANN001
        """Stages or hosts: a list of mappings with ``id``, or a map from id to mapping."""
        import yaml

        plural = f"{what}s"
        if isinstance(node, yaml.SequenceNode):
            pairs = []
            for item in node.value:
                fields = self.mapping(item, f"a {what}")
                if "id" not in fields:
                    raise self.error(f"this {what} has no id (e.g. id: ex:Serve)", item)
                pairs.append((self.scalar(fields.pop("id")[1], "id"), fields, item))
        elif isinstance(node, yaml.MappingNode):
            pairs = []
            for key, (key_node, value_node) in self.mapping(node, plural).items():
                fields = (
                    self.mapping(value_node, f"{what} {key}")
                    if not (isinstance(value_node, yaml.ScalarNode) and value_node.value == "")
                    else {}
                )
                pairs.append((Val(key, _loc(key_node)), fields, value_node))
        else:
            raise self.error(
                f"{plural} must be a list of {plural} or a map from id to {what}", node
            )
        allowed = FIELDS[what]
        out = []
        for ident, fields, _node in pairs:
            entry = Entry(what, ident)
            for key, (key_node, value_node) in fields.items():
                if key not in allowed:
                    raise self.error(
                        f"unknown key {key!r} in {what} {ident.text!r}; a {what} "
                        f"takes id, {', '.join(allowed)}",
                        key_node,
                    )
                entry.fields[key] = self.values(value_node, key)
            out.append(entry)
        return out
