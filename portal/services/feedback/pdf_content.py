"""What a PDF attachment carries, read by pypdf object by object (never by scanning bytes, which a string holding
`stream` or an object stream opened with a bare CR fooled): every object of the cross-reference table and every
object packed in an object stream is walked, with bounds on their number, nesting and inflated size."""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject
from pypdf.generic import read_object as read_pdf_object

#: more objects than any scanned letter has; walking more would let one upload hold a worker for long
MAX_OBJECTS = 20_000
#: values visited in all objects together (dictionary entries and array items)
MAX_VALUES = 400_000
#: dictionaries and arrays nested deeper than this are no document a citizen scanned
MAX_DEPTH = 48
#: bytes inflated from all object streams together (the upload itself is at most 10 MB)
MAX_INFLATED = 40 * 1024 * 1024
#: the one action a document may take by itself: jump to a place in the same document
PLAIN_ACTIONS = {"/GoTo"}
SCRIPT, LAUNCH, AUTO = _l("脚本"), _l("启动程序的动作"), _l("自动执行的动作")
EMBEDDED, LINK, FORM, MEDIA = _l("嵌入文件"), _l("外部链接或打开其他文件的动作"), _l("交互表单"), _l("富媒体")
#: action types (/S) that run code, start programs, reach out of the document or send data (ISO 32000 §12.6.4)
ACTION_TYPES = {"/JavaScript": SCRIPT, "/Launch": LAUNCH, "/URI": LINK, "/GoToR": LINK, "/GoToE": LINK,
                "/SubmitForm": FORM, "/ImportData": FORM, "/Rendition": MEDIA, "/RichMediaExecute": MEDIA}
#: keys whose mere presence carries scripts, other files or XFA forms (§12.6.3, §7.11.4, §12.7.8)
KEYS = {"/JS": SCRIPT, "/JavaScript": SCRIPT, "/EmbeddedFiles": EMBEDDED, "/EF": EMBEDDED, "/XFA": FORM,
        "/RichMediaContent": MEDIA}
#: /Type or /Subtype values of objects that carry other files or media
KINDS = {"/EmbeddedFile": EMBEDDED, "/FileAttachment": EMBEDDED, "/RichMedia": MEDIA}
OBJSTM_HEADER = re.compile(rb"\s*(\d+)\s+(\d+)")

logging.getLogger("pypdf").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Active:
    """Active content found: what it is, for the citizen, and the PDF name that gave it away."""
    what: LazyString
    token: str


class Unreadable(Exception):
    """pypdf could not read the file (broken, truncated, not a PDF inside)."""


class Encrypted(Exception):
    """The file is encrypted: its objects cannot be inspected."""


class TooComplex(Exception):
    """More objects, values, nesting or compressed content than a check may walk."""


def active_content(data: bytes) -> Active | None:
    """The first active content in the document, or None; Unreadable, Encrypted or TooComplex when it cannot tell."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Encrypted
        if len(reader.pages) < 1:
            raise Unreadable
        return _Walk(reader).first_active()
    except (Encrypted, TooComplex, Unreadable):
        raise
    except RecursionError as exc:
        raise TooComplex from exc
    except Exception as exc:  # pypdf raises many kinds on hostile input; any of them means "cannot be checked"
        raise Unreadable from exc


class _Walk:
    """One pass over every object of a document, counting what it visits."""

    def __init__(self, reader: PdfReader) -> None:
        self.reader = reader
        self.values = 0
        self.inflated = 0

    def first_active(self) -> Active | None:
        for obj in self._objects():
            found = self._inspect(obj)
            if found:
                return found
        return self._inspect(self.reader.trailer)

    def _objects(self) -> Iterator[PdfObject]:
        """Objects of the xref table, then those packed in every object stream met on the way (the xref lists the
        streams before their members, so each stream is inflated and counted before pypdf reads a member from it)."""
        refs = [(number, generation) for generation, numbers in self.reader.xref.items() for number in numbers]
        refs += [(number, 0) for number in self.reader.xref_objStm]
        if len(refs) > MAX_OBJECTS:
            raise TooComplex
        streams = []
        for number, generation in refs:
            obj = self.reader.get_object(IndirectObject(number, generation, self.reader))
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
                streams.append((obj, self._inflate(obj)))
            if obj is not None:
                yield obj
        for objstm, content in streams:
            yield from self._members(objstm, content)

    def _inflate(self, objstm: StreamObject) -> bytes:
        """An object stream's content (pypdf keeps it for reading members), counted against the budget."""
        content = objstm.get_data()
        self.inflated += len(content)
        if self.inflated > MAX_INFLATED:
            raise TooComplex
        return content

    def _members(self, objstm: StreamObject, content: bytes) -> Iterator[PdfObject]:
        """Every object an object stream holds, whether or not the xref lists it (viewers may rebuild the xref)."""
        first, count = int(objstm["/First"]), int(objstm["/N"])  # type: ignore[call-overload]
        if count > MAX_OBJECTS:
            raise TooComplex
        offsets, at = [], 0
        for _ in range(count):
            match = OBJSTM_HEADER.match(content, at)
            if not match:
                raise Unreadable
            offsets.append(int(match[2]))
            at = match.end()
        stream = io.BytesIO(content)
        for offset in offsets:
            stream.seek(first + offset)
            yield read_pdf_object(stream, self.reader)

    def _inspect(self, root: PdfObject) -> Active | None:
        """Active content among root's direct values (indirect ones are objects of their own, walked in turn)."""
        pending = [(root, 0)]
        while pending:
            value, depth = pending.pop()
            self.values += 1
            if depth > MAX_DEPTH or self.values > MAX_VALUES:
                raise TooComplex
            if isinstance(value, DictionaryObject):
                found = self._in_dictionary(value)
                if found:
                    return found
                pending.extend((item, depth + 1) for item in dict.values(value))
            elif isinstance(value, ArrayObject):
                pending.extend((item, depth + 1) for item in list.__iter__(value))
        return None

    def _in_dictionary(self, entries: DictionaryObject) -> Active | None:
        return self._named(entries) or self._automatic(entries)

    @staticmethod
    def _named(entries: DictionaryObject) -> Active | None:
        """Active content named by one of the dictionary's own keys, types or action type."""
        for key in dict.keys(entries):
            if key in KEYS:
                return Active(KEYS[key], key[1:])
        for key in ("/Type", "/Subtype"):
            kind = dict.get(entries, key)
            if isinstance(kind, NameObject) and kind in KINDS:
                return Active(KINDS[kind], kind[1:])
        action = dict.get(entries, "/S")
        if isinstance(action, NameObject) and action in ACTION_TYPES:
            return Active(ACTION_TYPES[action], action[1:])
        return None

    def _automatic(self, entries: DictionaryObject) -> Active | None:
        """An /OpenAction or /AA that does more than jump within the document (printing, named actions…)."""
        opening = dict.get(entries, "/OpenAction")
        if opening is not None and not self._plain(opening, destination_ok=True):
            return self._named_action(opening) or Active(AUTO, "OpenAction")
        triggers = dict.get(entries, "/AA")
        if triggers is not None:
            triggers = triggers.get_object()
            if not isinstance(triggers, DictionaryObject) or not all(
                    self._plain(action, destination_ok=False) for action in dict.values(triggers)):
                return next(filter(None, map(self._named_action, dict.values(triggers))), Active(AUTO, "AA"))
        return None

    def _named_action(self, action: PdfObject) -> Active | None:
        """What an automatic action does, when it says so itself (a script rather than merely "automatic")."""
        target = action.get_object()
        return self._named(target) if isinstance(target, DictionaryObject) else None

    def _plain(self, action: PdfObject, destination_ok: bool) -> bool:
        """Whether an action is a destination (where allowed) or a /GoTo within the document and nothing after it."""
        target = action.get_object()
        if isinstance(target, ArrayObject):
            return destination_ok
        if not isinstance(target, DictionaryObject):
            return False
        return target.get("/S") in PLAIN_ACTIONS and "/Next" not in target
