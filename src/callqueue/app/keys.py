"""Key bindings whose labels follow the language chosen at run time.

Textual reads `BINDINGS` when a class is defined, before `--lang` is known; so screens
list their keys in a method that calls `_()` on literal labels (which the translation
extractor finds) and bind them when they are created.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.dom import DOMNode

KeySpec = tuple[str, str, str]  # keys, action, label (already translated)


def bind_keys(node: DOMNode, keys: Iterable[KeySpec], *, show: bool = True) -> None:
    for spec_keys, action, label in keys:
        node._bindings.bind(spec_keys, action, label, show=show)


def keys_help() -> KeySpec:
    """`?` shows every key of the screen in a side panel; first in each footer."""
    from callqueue.i18n import _

    return ("question_mark", "app.keys", _("Keys"))
