"""Streaming reader for Skatteverket's Navet transfer (Navetavisering XML).

The file is read in chunks by expat, so a 100,000-record transfer never sits whole in memory:
each `Folkbokforingspost` is turned into a `NavetRecord` (or a `MalformedRecord` with its
position) as soon as its end tag is read. Namespaces are ignored (tags are matched by local
name), since the transfer's namespace has changed between versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO
from xml.parsers import expat

RECORD = "Folkbokforingspost"
CHUNK = 1 << 16


@dataclass(frozen=True)
class NavetAddress:
    care_of: str | None
    street: str | None
    street2: str | None
    postcode: str | None
    city: str | None


@dataclass(frozen=True)
class NavetRecord:
    number: int  # 1-based position in the file
    line: int
    personnummer: str
    protected: bool  # Sekretessmarkering J
    first_name: str | None  # the calling name (tilltalsnamn) when marked, else all given names
    last_name: str | None
    address: NavetAddress
    deregistered: bool
    deregistration_code: str | None


@dataclass(frozen=True)
class MalformedRecord:
    number: int
    line: int
    reason: str


class NavetFormatError(ValueError):
    """The file itself is not well-formed XML (the records read so far were yielded)."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def calling_name(given_names: str | None, marker: str | None) -> str | None:
    """Tilltalsnamnsmarkering "20" = the 2nd given name; "12" = 1st and 2nd joined by a hyphen."""
    if not given_names:
        return None
    names = given_names.split()
    if not marker or not marker.isdigit() or len(marker) != 2 or marker[0] == "0":
        return given_names.strip()
    first, second = int(marker[0]), int(marker[1])
    if first > len(names) or second > len(names):
        return given_names.strip()
    if second:
        return f"{names[first - 1]}-{names[second - 1]}"
    return names[first - 1]


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _build(number: int, line: int, fields: dict[str, str], seen_deregistration: bool) -> NavetRecord | MalformedRecord:
    def get(path: str) -> str | None:
        return _clean(fields.get(path))

    pnr = get("Personpost/PersonId/PersonNr")
    if pnr is None:
        return MalformedRecord(number, line, "no Personpost/PersonId/PersonNr")
    if not (len(pnr) == 12 and pnr.isdigit()):
        return MalformedRecord(number, line, "PersonNr is not 12 digits")
    secrecy = get("Sekretessmarkering")
    if secrecy not in (None, "J", "N"):
        return MalformedRecord(number, line, "Sekretessmarkering is neither J nor N")
    # Skyddad folkbokföring (a stronger protection some transfers also carry) protects as well.
    sheltered = get("SkyddadFolkbokforing") or get("Personpost/SkyddadFolkbokforing")
    postcode = get("Personpost/Adresser/Folkbokforingsadress/PostNr")
    if postcode is not None:
        postcode = postcode.replace(" ", "")
        if not (len(postcode) == 5 and postcode.isdigit()):
            return MalformedRecord(number, line, "PostNr is not five digits")
    given = get("Personpost/Namn/Fornamn")
    middle = get("Personpost/Namn/Mellannamn")
    surname = get("Personpost/Namn/Efternamn")
    code = get("Personpost/Avregistrering/AvregistreringsorsakKod")
    return NavetRecord(
        number=number,
        line=line,
        personnummer=pnr,
        protected=secrecy == "J" or sheltered == "J",
        first_name=calling_name(given, get("Personpost/Namn/Tilltalsnamnsmarkering")),
        last_name=" ".join(n for n in (middle, surname) if n) or None,
        address=NavetAddress(
            care_of=get("Personpost/Adresser/Folkbokforingsadress/CareOf"),
            street=get("Personpost/Adresser/Folkbokforingsadress/Utdelningsadress1"),
            street2=get("Personpost/Adresser/Folkbokforingsadress/Utdelningsadress2"),
            postcode=postcode,
            city=get("Personpost/Adresser/Folkbokforingsadress/Postort"),
        ),
        deregistered=seen_deregistration,
        deregistration_code=code,
    )


# Navet's records nest at most five levels; text fields are short (names, addresses, codes).
MAX_DEPTH = 12
MAX_TEXT = 2000


def read_navet(stream: BinaryIO) -> Iterator[NavetRecord | MalformedRecord]:
    """Yield each record of a Navetavisering file, in order, while reading it in chunks.

    Linear in the file's size whatever its shape: a field's path is built once, at its start
    tag, and only down to MAX_DEPTH (deeper elements carry nothing we read); text is kept up to
    MAX_TEXT characters per node (a longer field makes its record malformed). A DTD (and so
    entity expansion) is refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    ready: list[NavetRecord | MalformedRecord] = []
    keys: list[str | None] = []  # per open element below the record: its field path, or None when too deep
    state = {"in_record": False, "number": 0, "line": 0, "dereg": False, "too_long": False}
    fields: dict[str, str] = {}
    text: list[str] = []
    text_length = 0

    def doctype(*_args: object) -> None:
        raise NavetFormatError("the file has a DTD (document type declaration), which a Navet transfer never has")

    def start(name: str, _attrs: object) -> None:
        nonlocal text_length
        local = _local(name)
        if state["in_record"]:
            parent = keys[-1] if keys else ""
            if parent is None or len(keys) >= MAX_DEPTH:
                keys.append(None)
            else:
                keys.append(f"{parent}/{local}" if parent else local)
            if local == "Avregistrering":
                state["dereg"] = True
        elif local == RECORD:
            state.update(in_record=True, number=state["number"] + 1, line=parser.CurrentLineNumber, dereg=False, too_long=False)
            fields.clear()
        text.clear()
        text_length = 0

    def end(name: str) -> None:
        nonlocal text_length
        if not state["in_record"]:
            return
        if keys:
            key = keys.pop()
            if key is not None and text:
                fields[key] = "".join(text)
            text.clear()
            text_length = 0
            return
        state["in_record"] = False
        if state["too_long"]:
            ready.append(MalformedRecord(int(state["number"]), int(state["line"]), f"a field is longer than {MAX_TEXT} characters"))
        else:
            ready.append(_build(int(state["number"]), int(state["line"]), fields, bool(state["dereg"])))

    def chars(data: str) -> None:
        nonlocal text_length
        if not state["in_record"] or (keys and keys[-1] is None):
            return
        if text_length + len(data) > MAX_TEXT:
            state["too_long"] = True
            return
        text.append(data)
        text_length += len(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        while True:
            chunk = stream.read(CHUNK)
            parser.Parse(chunk, not chunk)
            yield from ready
            ready.clear()
            if not chunk:
                break
    except expat.ExpatError as exc:
        yield from ready
        raise NavetFormatError(f"the file is not well-formed XML at line {exc.lineno}, column {exc.offset}: {expat.errors.messages.get(exc.code, exc)}") from exc


# --- writing (tests, benchmarks, the demo) ----------------------------------------------------

NAVET_NS = "http://xmls.skatteverket.se/se/skatteverket/folkbokforing/na/epersondata/V1"


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def navet_record_xml(
    personnummer: str, *, first: str = "Test", last: str = "Testsson", middle: str | None = None, marker: str | None = "10",
    care_of: str | None = None, street: str | None = "Storgatan 1", street2: str | None = None, postcode: str | None = "12345",
    city: str | None = "EKBACKA", protected: bool = False, deregistration_code: str | None = None,
) -> str:
    def el(tag: str, value: str | None) -> str:
        return f"<{tag}>{_esc(value)}</{tag}>" if value is not None else ""

    dereg = (
        f"<Avregistrering>{el('AvregistreringsorsakKod', deregistration_code)}<Avregistreringsdatum>20261101</Avregistreringsdatum></Avregistrering>"
        if deregistration_code else ""
    )
    return (
        "<Folkbokforingspost>"
        f"<Sekretessmarkering>{'J' if protected else 'N'}</Sekretessmarkering>"
        "<Personpost>"
        f"<PersonId><PersonNr>{personnummer}</PersonNr></PersonId>"
        f"<Namn>{el('Tilltalsnamnsmarkering', marker)}{el('Fornamn', first)}{el('Mellannamn', middle)}{el('Efternamn', last)}</Namn>"
        "<Adresser><Folkbokforingsadress>"
        f"{el('CareOf', care_of)}{el('Utdelningsadress1', street)}{el('Utdelningsadress2', street2)}{el('PostNr', postcode)}{el('Postort', city)}"
        "</Folkbokforingsadress></Adresser>"
        f"{dereg}"
        "</Personpost>"
        "</Folkbokforingspost>\n"
    )


def navet_document(records: Iterable[str]) -> Iterator[str]:
    """The file around the records, as the transfer delivers it (UTF-8, namespaced)."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<Navetavisering xmlns="{NAVET_NS}">\n<Folkbokforingsposter>\n'
    yield from records
    yield "</Folkbokforingsposter>\n</Navetavisering>\n"
