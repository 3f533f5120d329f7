"""Pascal VOC annotation files read with their line numbers, for `file:line` problem reports.

ElementTree's C parser forgets where an element was written, so a tiny tree is built from
expat events instead; it keeps the line of every element.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from edge_app.errors import DataFormatError

BOX_KEYS: tuple[str, ...] = ("xmin", "ymin", "xmax", "ymax")


@dataclass
class XmlNode:
    tag: str
    line: int
    text: str = ""
    children: list[XmlNode] = field(default_factory=list)

    def find(self, path: str) -> XmlNode | None:
        """The first descendant along a `a/b/c` path of tags."""
        node: XmlNode | None = self
        for tag in path.split("/"):
            node = next((c for c in node.children if c.tag == tag), None) if node else None
        return node

    def text_of(self, path: str) -> str | None:
        node = self.find(path)
        return node.text.strip() if node else None


@dataclass(frozen=True)
class VocObject:
    """One `<object>`: class name, raw box values as written, and the `<bndbox>` line."""

    name: str
    box: tuple[str | None, ...]
    line: int


@dataclass(frozen=True)
class VocAnnotation:
    path: Path
    filename: str | None
    size: tuple[int, int] | None  # (width, height) as the XML states it
    size_line: int
    objects: tuple[VocObject, ...]


def parse_xml(path: Path) -> XmlNode:
    """Parse an XML file into `XmlNode`s; `DataFormatError` at the offending line if invalid."""
    parser = expat.ParserCreate()
    stack: list[XmlNode] = [XmlNode("#document", 1)]

    def start(tag: str, _attrs: dict[str, str]) -> None:
        node = XmlNode(tag, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def text(data: str) -> None:
        stack[-1].text += data

    parser.StartElementHandler = start
    parser.EndElementHandler = lambda _tag: stack.pop()
    parser.CharacterDataHandler = text
    try:
        with path.open("rb") as f:
            parser.ParseFile(f)
    except expat.ExpatError as exc:
        raise DataFormatError(f"not valid XML: {expat.ErrorString(exc.code)}", where=f"{path}:{exc.lineno}") from None
    except OSError as exc:
        raise DataFormatError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
    return stack[0].children[0]


def parse_voc(path: Path) -> VocAnnotation:
    """Read a VOC `<annotation>`: filename, stated size and objects (values left unparsed)."""
    root = parse_xml(path)
    if root.tag != "annotation":
        raise DataFormatError(f"not a Pascal VOC file: root element <{root.tag}>", where=f"{path}:{root.line}")
    size_node = root.find("size")
    objects = tuple(_voc_object(node) for node in root.children if node.tag == "object")
    size_line = size_node.line if size_node else root.line
    return VocAnnotation(path, root.text_of("filename"), _stated_size(root), size_line, objects)


def _voc_object(node: XmlNode) -> VocObject:
    box = node.find("bndbox")
    values = tuple(box.text_of(k) if box else None for k in BOX_KEYS)
    return VocObject(node.text_of("name") or "", values, box.line if box else node.line)


def _stated_size(root: XmlNode) -> tuple[int, int] | None:
    try:
        width, height = int(root.text_of("size/width") or 0), int(root.text_of("size/height") or 0)
    except ValueError:
        return None
    return (width, height) if width > 0 and height > 0 else None
