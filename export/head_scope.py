"""Which nodes of the exported graph INT8 may touch: candidate float "scopes" of the head.

The head ends in post-processing with no learnt weights: DFL (softmax + fixed conv), box
decode against anchors and strides, class sigmoid, attribute softmax, and the final Concat
that puts pixel coordinates and 0–1 probabilities in one tensor (one INT8 scale across both
would zero the scores). Post-processing = every node downstream of the last conv of each
head branch (cv2 box, cv3 class, cv4 attribute). Which scope is kept float is decided by
measurement (`scope_search`); the names found here work for ONNX and OpenVINO alike, since
OpenVINO keeps ONNX node names as friendly names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from edge_app.errors import ModelError

_BRANCH_OUTPUT = re.compile(r"^/model\.(\d+)/cv[234]\.\d+/cv[234]\.\d+\.2/Conv$")


@dataclass(frozen=True)
class FloatScope:
    """A named set of graph nodes left in float when quantizing."""

    name: str
    nodes: tuple[str, ...]
    description: str


def candidate_scopes(graph: Any) -> list[FloatScope]:
    """From least to most float: nothing, the outputs only, all post-processing, the whole head."""
    post = postprocess_nodes(graph)
    by_name = {n.name: n for n in graph.node}
    outputs = tuple(n for n in post if by_name[n].op_type in ("Concat", "Sigmoid", "Softmax"))
    return [
        FloatScope("none", (), "every quantizable node in INT8"),
        FloatScope("outputs", outputs, "final Concat, class sigmoid and attribute/DFL softmax in float"),
        FloatScope("postprocess", post, "DFL, box decode, sigmoid, attribute softmax and final Concat in float"),
        FloatScope("head", head_nodes(graph), "the whole detection/attribute head in float"),
    ]


def postprocess_nodes(graph: Any) -> tuple[str, ...]:
    """Names of every node downstream of the head branches' last convs (those convs excluded)."""
    roots = [n for n in graph.node if _BRANCH_OUTPUT.match(n.name)]
    if not roots:
        raise ModelError("cannot find the head's branch convs (/model.N/cv2.i/cv2.i.2/Conv) in the graph",
                         hint="export from an ultralytics Detect/AttriDetect model with leuko-export")
    consumers = _consumers(graph.node)
    seen: set[str] = set()
    frontier = [out for n in roots for out in n.output]
    while frontier:
        for node in consumers.get(frontier.pop(), ()):
            if node.name not in seen:
                seen.add(node.name)
                frontier.extend(node.output)
    return tuple(n.name for n in graph.node if n.name in seen)


def head_nodes(graph: Any) -> tuple[str, ...]:
    """Every node of the last module (`/model.N/...`, N the head's index)."""
    indices = [int(m.group(1)) for n in graph.node if (m := _BRANCH_OUTPUT.match(n.name))]
    if not indices:
        raise ModelError("cannot find the head module in the graph")
    prefix = f"/model.{max(indices)}/"
    return tuple(n.name for n in graph.node if n.name.startswith(prefix))


def _consumers(nodes: Iterable[Any]) -> dict[str, list[Any]]:
    table: dict[str, list[Any]] = defaultdict(list)
    for node in nodes:
        for name in node.input:
            table[name].append(node)
    return table
