"""Checks for texts shown in Chinese: they are Chinese, with no English left in them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from callqueue import i18n

CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Run the block in `lang`; the language before it is restored afterwards."""
    before = i18n._language
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n._language = before


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words in `text`: Latin words of two letters or more, except upper-case
    abbreviations (SMS, POS, EMS) and the `allowed` ones (codes, names typed by users)."""
    keep = set(allowed)
    return [
        word
        for word in _WORD.findall(text)
        if len(word) > 1 and not word.isupper() and word not in keep
    ]


def assert_chinese(text: str, allowed: Iterable[str] = ()) -> None:
    """`text` is Chinese and no English sentence or word is left in it."""
    assert CJK.search(text), f"not Chinese: {text!r}"
    leftover = english_words(text, allowed)
    assert not leftover, f"English left in {text!r}: {leftover}"
