"""Load YAML content files safely: bounded size, bounded nesting, no aliases (pure, no Django).

``yaml.safe_load`` only stops arbitrary object construction; it still lets a 300-byte file
expand into gigabytes through nested aliases (« billion laughs ») and lets 5,000 nested ``[``
raise ``RecursionError`` from its recursive composer.  Here every check is made on the event
stream, before any node is composed or any Python object constructed:

- the text is at most ``max_bytes`` bytes (checked before decoding) and valid UTF-8;
- anchors (``&nom``) and aliases (``*nom``) are refused unless ``allow_aliases=True``; content
  files never need them, and refusing the first anchor means a bomb is never expanded;
- nesting deeper than ``max_depth`` is refused; the node tree is built by a loop over the
  events (no recursion), and the scanner itself refuses flow collections (``[``, ``{``) nested
  deeper than ``max_depth`` because PyYAML's scanner is quadratic in flow depth;
- with ``allow_aliases=True``, the document is still refused when expanding its aliases would
  give more than ``max_nodes`` nodes, nest deeper than ``max_depth`` or loop forever.

Every refusal is an ``UnsafeYamlError`` (a ``ValueError``) whose French message names the source
and, when known, the line: « mon-fichier.yaml, ligne 3 : les alias YAML (*base) ne sont pas
acceptés ».  Values are then built by PyYAML's ``SafeConstructor``, so an accepted document gives
exactly what ``yaml.safe_load`` gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from numeduc.formatting import fr_number
from numeduc.text import describe_character

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_DEPTH",
    "DEFAULT_MAX_NODES",
    "UnsafeYamlError",
    "compose_safely",
    "construct",
    "read_limited",
    "safe_load",
    "safe_load_file",
]

DEFAULT_MAX_BYTES = 1_000_000
DEFAULT_MAX_DEPTH = 64
# Only used with allow_aliases=True: the size of the document once its aliases are expanded.
DEFAULT_MAX_NODES = 100_000


class UnsafeYamlError(ValueError):
    """A YAML text is refused; ``str()`` is the French message « source, ligne N : problème ».

    ``source``, ``line`` (from 1, or ``None``), ``path`` (field path such as
    ``sections[0].items[2]``, ``""`` when unknown or at the top) and ``problem`` (the message
    without source and line) let a caller report it in its own style.
    """

    def __init__(self, problem: str, *, source: str, line: int | None = None, path: str = ""):
        self.problem = problem
        self.source = source
        self.line = line
        self.path = path
        where = f"{source}, ligne {line}" if line is not None else source
        super().__init__(f"{where} : {problem}")


# -- reading --------------------------------------------------------------------------------------
def read_limited(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None) -> bytes:
    """The bytes of ``path``, never reading more than ``max_bytes + 1`` of them.

    A bigger file is an ``UnsafeYamlError`` (« plus de N octets ») without being loaded; a missing
    or unreadable file raises ``OSError`` as ``open`` does.
    """
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(
            len(data), max_bytes, source if source is not None else Path(path).name, truncated=True
        )
    return data


def _decode(data: str | bytes, source: str, max_bytes: int) -> str:
    if isinstance(data, str):
        # Characters never outnumber UTF-8 bytes: skip encoding a text that is obviously too big.
        size = len(data) if len(data) > max_bytes else len(data.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise _too_big(size, max_bytes, source)
        return data
    if len(data) > max_bytes:
        raise _too_big(len(data), max_bytes, source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise UnsafeYamlError(
            f"le fichier doit être encodé en UTF-8 (octet 0x{byte:02X} illisible, "
            "réenregistrez-le en UTF-8 depuis votre éditeur)",
            source=source,
            line=line,
        ) from None


def _too_big(size: int, max_bytes: int, source: str, *, truncated: bool = False) -> UnsafeYamlError:
    # A file read by read_limited stops at max_bytes + 1: its real size is unknown, only « more ».
    shown = f"plus de {fr_number(max_bytes)}" if truncated else fr_number(size)
    return UnsafeYamlError(
        f"fichier trop gros ({shown} octets ; {fr_number(max_bytes)} au plus)", source=source
    )


# -- composing ------------------------------------------------------------------------------------
class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader whose scanner refuses flow nesting beyond a depth.

    The scanner keeps one « possible simple key » per open flow level and revisits all of them
    for every token, and it reads up to 1,024 characters ahead before the first event of
    ``[[[[…`` comes out: quadratic work (a third of a second for 5,000 ``[``) that only a limit
    in the scanner avoids.
    """

    max_flow_depth = DEFAULT_MAX_DEPTH

    def fetch_flow_collection_start(self, TokenClass):
        if self.flow_level >= self.max_flow_depth:
            raise _DepthExceeded(self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


class _DepthExceeded(Exception):
    def __init__(self, mark):
        super().__init__()
        self.mark = mark


def _line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _depth_error(mark, max_depth: int, source: str) -> UnsafeYamlError:
    return UnsafeYamlError(
        f"imbrication trop profonde (plus de {max_depth} niveaux de listes ou de dictionnaires)",
        source=source,
        line=_line(mark),
    )


def _syntax_error(exc: yaml.YAMLError, text: str, source: str) -> UnsafeYamlError:
    if isinstance(exc, yaml.reader.ReaderError):
        # Raised for a character YAML forbids (NUL, ESC, …) anywhere in the text.
        line = text.count("\n", 0, exc.position) + 1
        character = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        return UnsafeYamlError(
            f"{describe_character(character)} interdit dans un fichier YAML", source=source, line=line
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "erreur de syntaxe"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        return UnsafeYamlError(f"YAML illisible : {problem}{context}", source=source, line=_line(mark))
    return UnsafeYamlError(f"YAML illisible : {exc}", source=source)


def _open_path(stack: list[list[Any]]) -> str:
    """Field path of the event being read (``sections[0].items[2].label``) from the open frames.

    Every open collection but the top one has already been attached to its parent (as the last
    item of a list, or as the last value or the pending key of a mapping); the event being read
    is not attached yet.
    """
    path = ""
    for depth, (node, pending_key) in enumerate(stack):
        last = depth == len(stack) - 1
        if isinstance(node, SequenceNode):
            path += f"[{len(node.value) - (0 if last else 1)}]"
        else:
            if last:
                key_node = pending_key
            elif pending_key is not None and pending_key is stack[depth + 1][0]:
                key_node = None  # the open child is this mapping's key
            else:
                key_node = node.value[-1][0] if node.value else None
            if key_node is not None:
                key = key_node.value if isinstance(key_node, ScalarNode) else "?"
                path = f"{path}.{key}" if path else str(key)
    return path


def compose_safely(
    text: str | bytes,
    *,
    source: str = "<texte>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    allow_aliases: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> Node | None:
    """The node tree of the single document in ``text`` (with line marks), or ``None`` if empty.

    Raises ``UnsafeYamlError`` for every problem listed in the module's docstring.
    """
    decoded = _decode(text, source, max_bytes)
    try:
        loader = _BoundedLoader(decoded)
    except yaml.YAMLError as exc:  # the reader checks every character up front
        raise _syntax_error(exc, decoded, source) from None
    loader.max_flow_depth = max_depth
    try:
        try:
            root = _compose_events(loader, source, max_depth, allow_aliases)
        except _DepthExceeded as exc:
            raise _depth_error(exc.mark, max_depth, source) from None
        except yaml.YAMLError as exc:
            raise _syntax_error(exc, decoded, source) from None
    finally:
        loader.dispose()
    if root is not None and allow_aliases:
        _check_expansion(root, source, max_depth, max_nodes)
    return root


def _compose_events(loader: _BoundedLoader, source: str, max_depth: int, allow_aliases: bool) -> Node | None:
    """PyYAML's ``Composer.get_single_node`` as a loop over the events, with the checks."""
    loader.get_event()  # StreamStartEvent
    if loader.check_event(StreamEndEvent):
        loader.get_event()
        return None
    loader.get_event()  # DocumentStartEvent
    anchors: dict[str, Node] = {}
    # One frame per open collection: [node, pending key node of a mapping (or None)].
    stack: list[list[Any]] = []
    root: Node | None = None
    while root is None:
        event = loader.get_event()
        if isinstance(event, (SequenceEndEvent, MappingEndEvent)):
            node = stack.pop()[0]
            node.end_mark = event.end_mark
            if not stack:
                root = node
            continue
        if isinstance(event, AliasEvent):
            if not allow_aliases:
                raise UnsafeYamlError(
                    f"les alias YAML (*{event.anchor}) ne sont pas acceptés : recopiez la valeur",
                    source=source,
                    line=_line(event.start_mark),
                    path=_open_path(stack),
                )
            if event.anchor not in anchors:
                raise UnsafeYamlError(
                    f"alias YAML *{event.anchor} sans ancre &{event.anchor} avant lui",
                    source=source,
                    line=_line(event.start_mark),
                    path=_open_path(stack),
                )
            node = anchors[event.anchor]
        else:
            anchor = event.anchor
            if anchor is not None:
                if not allow_aliases:
                    raise UnsafeYamlError(
                        f"les ancres YAML (&{anchor}) ne sont pas acceptées : recopiez la valeur",
                        source=source,
                        line=_line(event.start_mark),
                        path=_open_path(stack),
                    )
                if anchor in anchors:
                    raise UnsafeYamlError(
                        f"ancre YAML &{anchor} déjà définie (ligne {_line(anchors[anchor].start_mark)})",
                        source=source,
                        line=_line(event.start_mark),
                        path=_open_path(stack),
                    )
            tag = event.tag
            if isinstance(event, ScalarEvent):
                if tag is None or tag == "!":
                    tag = loader.resolve(ScalarNode, event.value, event.implicit)
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            elif isinstance(event, CollectionStartEvent):
                if len(stack) >= max_depth:
                    raise _depth_error(event.start_mark, max_depth, source)
                kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
                assert isinstance(event, (SequenceStartEvent, MappingStartEvent))
                if tag is None or tag == "!":
                    tag = loader.resolve(kind, None, event.implicit)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
            else:  # pragma: no cover - the parser yields no other event inside a document
                raise UnsafeYamlError(f"YAML illisible : événement inattendu {event}", source=source)
            if anchor is not None:
                anchors[anchor] = node
        # Attach the node to the open collection, then open it if it is a collection itself.
        if stack:
            frame = stack[-1]
            parent = frame[0]
            if isinstance(parent, SequenceNode):
                parent.value.append(node)
            elif frame[1] is None:
                frame[1] = node
            else:
                parent.value.append((frame[1], node))
                frame[1] = None
        if isinstance(event, CollectionStartEvent) and isinstance(node, (SequenceNode, MappingNode)):
            stack.append([node, None])
        elif not stack:
            root = node
    if not isinstance(loader.get_event(), DocumentEndEvent):  # pragma: no cover - parser guarantees it
        raise UnsafeYamlError("YAML illisible : fin de document attendue", source=source)
    if not loader.check_event(StreamEndEvent):
        event = loader.get_event()
        raise UnsafeYamlError(
            "un seul document YAML attendu par fichier (retirez le second « --- »)",
            source=source,
            line=_line(event.start_mark),
        )
    loader.get_event()
    return root


def _check_expansion(root: Node, source: str, max_depth: int, max_nodes: int) -> None:
    """Refuse a node graph whose aliases expand too big, too deep, or into a cycle (iteratively)."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    on_path: set[int] = set()
    # (node, children visited?) — a post-order walk with memoised sizes, so shared nodes count
    # once per use without being walked once per use.
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, done = todo.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            # Depth counts collections, as on the event stream: a scalar adds nothing.
            depths[key] = (
                0 if isinstance(node, ScalarNode) else 1 + max((depths[id(c)] for c in children), default=0)
            )
            if sizes[key] > max_nodes:
                raise UnsafeYamlError(
                    f"une fois les alias développés, le document aurait plus de {fr_number(max_nodes)} valeurs",
                    source=source,
                    line=_line(node.start_mark),
                )
            if depths[key] > max_depth:
                raise _depth_error(node.start_mark, max_depth, source)
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise UnsafeYamlError(
                "alias YAML récursif (une valeur se contient elle-même)",
                source=source,
                line=_line(node.start_mark),
            )
        on_path.add(key)
        todo.append((node, True))
        for child in children:
            if id(child) in on_path:
                raise UnsafeYamlError(
                    "alias YAML récursif (une valeur se contient elle-même)",
                    source=source,
                    line=_line(child.start_mark),
                )
            if id(child) not in sizes:
                todo.append((child, False))


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


# -- constructing ---------------------------------------------------------------------------------
class _Constructor(SafeConstructor):
    """``SafeConstructor`` whose value errors carry the node's line instead of escaping bare.

    PyYAML lets some bad scalars raise plain Python errors: ``2017-13-45`` (a timestamp for the
    resolver) raises ``ValueError`` from ``datetime``, a 5,000-digit integer hits Python's
    digit limit, ``!!timestamp x`` raises ``AttributeError``.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, _ConstructionFailed):
            raise
        except Exception as exc:  # any failure is the value's: reported with its line
            raise _ConstructionFailed(node, exc) from exc


class _ConstructionFailed(Exception):
    def __init__(self, node: Node, cause: Exception):
        super().__init__(str(cause))
        self.node = node
        self.cause = cause


def construct(node: Node | None, *, source: str = "<texte>") -> Any:
    """Python values of a node tree from ``compose_safely`` (as ``yaml.safe_load`` builds them)."""
    if node is None:
        return None
    try:
        return _Constructor().construct_document(node)
    except _ConstructionFailed as exc:
        value = exc.node.value if isinstance(exc.node, ScalarNode) else ""
        shown = f" « {value[:60]} »" if value else ""
        raise UnsafeYamlError(
            f"valeur{shown} illisible ({exc.cause})", source=source, line=_line(exc.node.start_mark)
        ) from None
    except yaml.YAMLError as exc:  # e.g. an unknown tag, an unhashable key
        raise _syntax_error(exc, "", source) from None


def safe_load(
    text: str | bytes,
    *,
    source: str = "<texte>",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    allow_aliases: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> object:
    """``yaml.safe_load`` with the limits of this module; raises only ``UnsafeYamlError``."""
    node = compose_safely(
        text,
        source=source,
        max_bytes=max_bytes,
        max_depth=max_depth,
        allow_aliases=allow_aliases,
        max_nodes=max_nodes,
    )
    return construct(node, source=source)


def safe_load_file(
    path: str | Path,
    *,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    allow_aliases: bool = False,
    max_nodes: int = DEFAULT_MAX_NODES,
) -> object:
    """``safe_load`` of a file read with ``read_limited``; ``source`` defaults to the file name.

    A missing or unreadable file is an ``UnsafeYamlError`` too, so that a caller has one
    exception to report.
    """
    path = Path(path)
    label = source if source is not None else path.name
    try:
        data = read_limited(path, max_bytes=max_bytes, source=label)
    except FileNotFoundError:
        raise UnsafeYamlError(f"fichier introuvable ({path})", source=label) from None
    except IsADirectoryError:
        raise UnsafeYamlError(f"fichier illisible : c'est un dossier ({path})", source=label) from None
    except PermissionError:
        raise UnsafeYamlError(f"fichier illisible : lecture non autorisée ({path})", source=label) from None
    except OSError as exc:
        raise UnsafeYamlError(f"fichier illisible ({exc.strerror or exc})", source=label) from None
    return safe_load(
        data,
        source=label,
        max_bytes=max_bytes,
        max_depth=max_depth,
        allow_aliases=allow_aliases,
        max_nodes=max_nodes,
    )
