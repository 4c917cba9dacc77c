"""How a web page, export or API answer knows it is built on demonstration data, and says so.

- :data:`DEMO_MARK` is the wording (defined once in the core, :mod:`numeduc.demo.mark`);
- :func:`built_on_demo` is the one test a view or presenter uses: a page is built on demo data
  as soon as one of the objects it shows is flagged ``is_demo`` (a campaign, a scenario, a usage
  warehouse) or one of the flags it was given is true (``built_on_demo(campaign, reference)``);
- :func:`demo_notices` is the list an API answer carries in its ``notices``;
- in templates, ``{% include "_demo_mark.html" with demo=… %}`` renders the badge (optional
  ``tag`` — ``span`` by default, ``strong`` for the lead paragraphs — and ``css`` — ``badge`` by
  default, ``usage-demo`` on the usage pages).
"""

from __future__ import annotations

from typing import Any

from numeduc.demo.mark import DEMO_MARK

__all__ = ["DEMO_MARK", "built_on_demo", "demo_notices"]


def built_on_demo(*sources: Any) -> bool:
    """True when any source is demo data: an object with a true ``is_demo``, or a true flag.

    ``None`` sources are skipped; an object without an ``is_demo`` flag is a programming error.
    """
    for source in sources:
        if source is None:  # an optional object (a reference campaign) that is absent
            continue
        if isinstance(source, bool):
            if source:
                return True
        elif not hasattr(source, "is_demo"):
            raise TypeError(f"{source!r} has no is_demo flag")
        elif source.is_demo:
            return True
    return False


def demo_notices(*sources: object) -> list[str]:
    """``[DEMO_MARK]`` when the answer is built on demo data, else ``[]``."""
    return [DEMO_MARK] if built_on_demo(*sources) else []
