"""The translation catalogs: extract the strings, compile the catalogs, check them.

    .venv/bin/python scripts/translations.py extract  # strings → callqueue.pot → each .po
    .venv/bin/python scripts/translations.py compile  # each .po → its .mo (in the package)
    .venv/bin/python scripts/translations.py check    # up to date and translated? (else 1)

`extract` collects the msgids of literal `_("…")`, `ngettext("…", "…", n)`,
`pgettext("ctx", "…")` and `npgettext(…)` calls in src/callqueue (found with `ast`, so a
call with a variable is not collected: translate such strings through a vocabulary helper
in callqueue/i18n.py) and every vocabulary string of `callqueue.i18n.vocabulary_messages()`.
It writes `callqueue.pot` and merges it into each language's `.po`: translations are kept,
new strings come in untranslated, and strings no longer used are kept at the end as
obsolete (`#~`) entries, so a reworded string's old translation is at hand.

`compile` writes GNU .mo files itself (pure Python, no dependencies). Fuzzy and
untranslated entries are left out, so they show in English. The output is deterministic:
the tests compile again and compare byte for byte.

English is the source language and has no catalog.
"""

from __future__ import annotations

import argparse
import ast
import re
import string
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "callqueue"
LOCALE = SOURCE / "locale"
DOMAIN = "callqueue"
POT = LOCALE / f"{DOMAIN}.pot"
# Languages with a catalog, and their plural rule (Chinese has one form).
CATALOG_LANGUAGES = {"zh_CN": "nplurals=1; plural=0;"}

if str(SOURCE.parent) not in sys.path:  # this checkout's callqueue, even without the venv
    sys.path.insert(0, str(SOURCE.parent))

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass
class Entry:
    msgid: str
    context: str | None = None
    plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    comments: list[str] = field(default_factory=list)  # "# " translator comments
    notes: list[str] = field(default_factory=list)  # "#. " extracted comments
    references: list[str] = field(default_factory=list)  # "#: " where it is used
    flags: list[str] = field(default_factory=list)  # "#, " fuzzy, python-brace-format
    obsolete: bool = False

    @property
    def key(self) -> Key:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and "fuzzy" not in self.flags


@dataclass
class Catalog:
    header: str
    entries: list[Entry]

    def by_key(self) -> dict[Key, Entry]:
        return {entry.key: entry for entry in self.entries}


# --- .po files ------------------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b"}


def _quote(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(char, char) for char in text) + '"'


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {token!r}")
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m[1], m[1]), token[1:-1])


def _field(keyword: str, text: str, prefix: str = "") -> list[str]:
    """`msgid "…"`, split after each newline the way msgmerge writes long strings."""
    if "\n" not in text[:-1]:
        return [f"{prefix}{keyword} {_quote(text)}"]
    lines = [f'{prefix}{keyword} ""']
    lines += [f"{prefix}{_quote(part)}" for part in text.splitlines(keepends=True)]
    return lines


def parse_po(text: str, name: str = "<po>") -> Catalog:
    """A .po or .pot file's header and entries (obsolete `#~` entries included)."""
    entries: list[Entry] = []
    header = ""
    entry = Entry("")
    state = "comments"  # comments → msgctxt → msgid → msgid_plural → msgstr
    target: tuple[str, int] = ("", 0)  # the field continuation lines extend

    def finish() -> None:
        nonlocal entry, state, header
        if state != "comments":
            if entry.msgid == "" and entry.context is None:
                header = entry.msgstr[0]
            else:
                entries.append(entry)
        entry, state = Entry(""), "comments"

    for number, raw in enumerate(text.splitlines(), start=1):
        where = f"{name}:{number}"
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # previous msgid of a fuzzy obsolete entry: not kept
                continue
        if not line:
            if state == "msgstr":
                finish()
            continue
        if line.startswith("#"):
            if state == "msgstr":
                finish()
            kind, rest = line[:2], line[2:].strip()
            if kind == "#.":
                entry.notes.append(rest)
            elif kind == "#:":
                entry.references += rest.split()
            elif kind == "#,":
                entry.flags += [flag.strip() for flag in rest.split(",") if flag.strip()]
            elif kind != "#|":
                entry.comments.append(line[1:].strip())
            continue
        if line.startswith('"'):
            if state == "comments":
                raise ValueError(f"{where}: a string continues nothing")
            value = _unquote(line, where)
            if target[0] == "msgctxt":
                entry.context = (entry.context or "") + value
            elif target[0] == "msgid":
                entry.msgid += value
            elif target[0] == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            else:
                entry.msgstr[target[1]] += value
            continue
        keyword, _, value_text = line.partition(" ")
        value = _unquote(value_text, where)
        if keyword in ("msgctxt", "msgid") and state == "msgstr":
            finish()
        entry.obsolete = entry.obsolete or obsolete
        if keyword == "msgctxt" and state == "comments":
            entry.context, state = value, "msgctxt"
        elif keyword == "msgid" and state in ("comments", "msgctxt"):
            entry.msgid, state = value, "msgid"
        elif keyword == "msgid_plural" and state == "msgid":
            entry.plural, entry.msgstr, state = value, [], "msgid_plural"
        elif keyword == "msgstr" and state == "msgid":
            entry.msgstr, state = [value], "msgstr"
            keyword = "msgstr[0]"
        elif (found := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) and state in (
            "msgid_plural",
            "msgstr",
        ):
            if entry.plural is None or int(found[1]) != len(entry.msgstr):
                raise ValueError(f"{where}: {keyword} out of place")
            entry.msgstr.append(value)
            state = "msgstr"
        else:
            raise ValueError(f"{where}: unexpected {keyword!r}")
        target = (keyword.partition("[")[0], int(keyword[7:-1]) if "[" in keyword else 0)
    finish()
    return Catalog(header, entries)


def write_po(catalog: Catalog) -> str:
    lines = ['msgid ""', 'msgstr ""']
    lines += [_quote(part) for part in catalog.header.splitlines(keepends=True)]
    for entry in catalog.entries:
        lines.append("")
        prefix = "#~ " if entry.obsolete else ""
        lines += [f"# {comment}".rstrip() for comment in entry.comments]
        if not entry.obsolete:
            lines += [f"#. {note}" for note in entry.notes]
            lines += [f"#: {reference}" for reference in entry.references]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.context is not None:
            lines += _field("msgctxt", entry.context, prefix)
        lines += _field("msgid", entry.msgid, prefix)
        if entry.plural is not None:
            lines += _field("msgid_plural", entry.plural, prefix)
            for index, text in enumerate(entry.msgstr):
                lines += _field(f"msgstr[{index}]", text, prefix)
        else:
            lines += _field("msgstr", entry.msgstr[0], prefix)
    return "\n".join(lines) + "\n"


def header_for(language: str | None) -> str:
    fields = [
        f"Project-Id-Version: {DOMAIN}",
        *([f"Language: {language}"] if language else []),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if language:
        fields.append(f"Plural-Forms: {CATALOG_LANGUAGES[language]}")
    return "".join(f"{line}\n" for line in fields)


# --- .mo files ------------------------------------------------------------------------------


def compile_mo(catalog: Catalog) -> bytes:
    """The GNU .mo of a catalog: the header and every translated, non-fuzzy entry."""
    messages: dict[bytes, bytes] = {b"": catalog.header.encode()}
    for entry in catalog.entries:
        if entry.obsolete or not entry.translated:
            continue
        key = entry.msgid.encode()
        if entry.plural is not None:
            key += b"\0" + entry.plural.encode()
        if entry.context is not None:
            key = entry.context.encode() + b"\x04" + key
        messages[key] = b"\0".join(text.encode() for text in entry.msgstr)
    keys = sorted(messages)
    ids = strs = b""
    offsets: list[tuple[int, int, int, int]] = []
    for key in keys:
        value = messages[key]
        offsets.append((len(ids), len(key), len(strs), len(value)))
        ids += key + b"\0"
        strs += value + b"\0"
    count = len(keys)
    key_table = 7 * 4
    value_table = key_table + count * 8
    ids_start = value_table + count * 8
    strs_start = ids_start + len(ids)
    key_index: list[int] = []
    value_index: list[int] = []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_index += [id_length, ids_start + id_offset]
        value_index += [str_length, strs_start + str_offset]
    return (
        struct.pack("<Iiiiiii", 0x950412DE, 0, count, key_table, value_table, 0, 0)
        + struct.pack(f"<{len(key_index)}i", *key_index)
        + struct.pack(f"<{len(value_index)}i", *value_index)
        + ids
        + strs
    )


def po_files() -> list[Path]:
    return [LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po" for lang in CATALOG_LANGUAGES]


def compile_all(out: Path | None = None) -> list[Path]:
    """Every language's .mo, next to its .po, or under `out/<lang>/LC_MESSAGES`."""
    written = []
    for po in po_files():
        target = po.with_suffix(".mo")
        if out is not None:
            target = out / po.relative_to(LOCALE).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compile_mo(parse_po(po.read_text("utf-8"), str(po))))
        written.append(target)
    return written


# --- extracting -----------------------------------------------------------------------------

# function name → (positions of: context, singular, plural)
_CALLS: dict[str, tuple[int | None, int, int | None]] = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "ngettext": (None, 0, 1),
    "pgettext": (0, 1, None),
    "npgettext": (0, 1, 2),
}


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def source_messages(root: Path = SOURCE) -> list[Entry]:
    """The literal msgids of translation calls in every module under `root`."""
    found: list[Entry] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        reference = path.relative_to(ROOT).as_posix()
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name not in _CALLS or node.keywords:
                continue
            context_at, singular_at, plural_at = _CALLS[name]
            needed = max(p for p in (context_at, singular_at, plural_at) if p is not None)
            if len(node.args) <= needed:
                continue
            texts = {
                at: _literal(node.args[at])
                for at in (context_at, singular_at, plural_at)
                if at is not None
            }
            if any(text is None for text in texts.values()):
                continue  # a variable: translated elsewhere (a vocabulary), or not at all
            entry = Entry(
                msgid=texts[singular_at] or "",
                context=texts[context_at] if context_at is not None else None,
                plural=texts[plural_at] if plural_at is not None else None,
                references=[reference],
            )
            if entry.msgid:
                found.append(entry)
    return found


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a str.format template (with conversion and format spec)."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return {"<malformed>"}
    return {
        f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
        for _, name, spec, conv in parsed
        if name is not None
    }


def template_entries() -> list[Entry]:
    """What the .pot holds: the vocabularies first, then the source's strings, merged."""
    from callqueue.i18n import vocabulary_messages

    entries: dict[Key, Entry] = {}
    for context, msgid, note in vocabulary_messages():
        entries[(context, msgid)] = Entry(
            msgid, context, notes=[note], references=["src/callqueue/i18n.py"]
        )
    for entry in source_messages():
        known = entries.get(entry.key)
        if known is None:
            entries[entry.key] = entry
            continue
        if known.plural != entry.plural:
            raise SystemExit(
                f"{entry.references[0]}: {entry.msgid!r} is used with and without a plural"
            )
        known.references += [r for r in entry.references if r not in known.references]
    for entry in entries.values():
        if placeholders(entry.msgid) | placeholders(entry.plural or ""):
            entry.flags = ["python-brace-format"]
        entry.msgstr = [""] if entry.plural is None else ["", ""]
    return list(entries.values())


def merge(template: Sequence[Entry], old: Catalog, language: str) -> Catalog:
    """The language's catalog for `template`, keeping every translation `old` has."""
    nplurals = int(CATALOG_LANGUAGES[language].split(";")[0].partition("=")[2])
    previous = old.by_key()
    entries = []
    for source in template:
        known = previous.pop(source.key, None)
        forms = 1 if source.plural is None else nplurals
        msgstr = [""] * forms
        comments: list[str] = []
        flags = list(source.flags)
        if known is not None and (known.plural is None) == (source.plural is None):
            msgstr = (known.msgstr + [""] * forms)[:forms]
            comments = known.comments
            flags = [f for f in known.flags if f == "fuzzy"] + flags
        entries.append(
            Entry(
                source.msgid,
                source.context,
                source.plural,
                msgstr,
                comments,
                list(source.notes),
                list(source.references),
                flags,
            )
        )
    for gone in previous.values():  # no longer used: kept, obsolete, if translated
        if any(gone.msgstr):
            gone.obsolete, gone.notes, gone.references = True, [], []
            entries.append(gone)
    return Catalog(old.header or header_for(language), entries)


def extract() -> None:
    template = template_entries()
    LOCALE.mkdir(parents=True, exist_ok=True)
    POT.write_text(write_po(Catalog(header_for(None), template)), "utf-8")
    print(f"{POT.relative_to(ROOT)}: {len(template)} strings")
    for language, po in zip(CATALOG_LANGUAGES, po_files(), strict=True):
        old = parse_po(po.read_text("utf-8"), str(po)) if po.exists() else Catalog("", [])
        merged = merge(template, old, language)
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_text(write_po(merged), "utf-8")
        live = [e for e in merged.entries if not e.obsolete]
        missing = sum(not e.translated for e in live)
        print(f"{po.relative_to(ROOT)}: {len(live)} strings, {missing} to translate")


# --- checking -------------------------------------------------------------------------------


def problems_of(po: Path, mo: Path | None = None) -> list[str]:
    """What is wrong with a language's catalog: entries unlike the .pot, vocabulary strings
    untranslated, placeholders lost or invented, a stale .mo."""
    from callqueue.i18n import vocabulary_messages

    name = po.relative_to(ROOT).as_posix()
    catalog = parse_po(po.read_text("utf-8"), name)
    problems = []
    live = {e.key: e for e in catalog.entries if not e.obsolete}
    wanted = {e.key: e for e in template_entries()}
    for key in wanted.keys() - live.keys():
        problems.append(f"{name}: missing {key[1]!r} (context {key[0]!r}): run extract")
    for key in live.keys() - wanted.keys():
        problems.append(f"{name}: {key[1]!r} is no longer used: run extract")
    vocabulary = {(context, msgid) for context, msgid, _ in vocabulary_messages()}
    for key, entry in live.items():
        if key in vocabulary and not entry.translated:
            problems.append(f"{name}: vocabulary string {key[1]!r} ({key[0]}) is not translated")
        expected = placeholders(entry.msgid) | placeholders(entry.plural or "")
        for text in entry.msgstr:
            if text and placeholders(text) != expected:
                problems.append(
                    f"{name}: {entry.msgid!r} has placeholders {sorted(expected)} but its "
                    f"translation {text!r} has {sorted(placeholders(text))}"
                )
    mo = mo or po.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != compile_mo(catalog):
        problems.append(f"{mo.relative_to(ROOT).as_posix()} is not up to date: run compile")
    return problems


def check() -> int:
    problems: list[str] = []
    pot_keys = {e.key for e in parse_po(POT.read_text("utf-8")).entries} if POT.exists() else set()
    if pot_keys != {e.key for e in template_entries()}:
        problems.append(f"{POT.relative_to(ROOT)} is not up to date: run extract")
    for po in po_files():
        problems += problems_of(po)
    for problem in problems:
        print(problem, file=sys.stderr)
    untranslated = _untranslated(po_files())
    if untranslated:
        print(f"{untranslated} string(s) not translated yet (shown in English)")
    return 1 if problems else 0


def _untranslated(pos: Iterable[Path]) -> int:
    return sum(
        not e.translated
        for po in pos
        for e in parse_po(po.read_text("utf-8")).entries
        if not e.obsolete
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", choices=["extract", "compile", "check"])
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
        return 0
    if args.command == "compile":
        for path in compile_all():
            print(f"{path.relative_to(ROOT)}")
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
