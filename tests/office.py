"""LibreOffice for the tests that check files against a second, independent office suite: ``soffice --headless
--convert-to`` with a throwaway profile (two conversions at once must not share one), and the text of each page of a
PDF it printed (``pdf_pages``)."""

import re
import shutil
import subprocess
import uuid
import zlib
from pathlib import Path

import pytest


def soffice_convert(source: Path, out: Path, target: str) -> None:
    """Convert ``source`` into the folder ``out`` with the filter ``target`` ("xlsx:Calc MS Excel 2007 XML",
    "csv:Text - txt - csv (StarCalc):…"); fails the test, never skips it, when LibreOffice is missing."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: apt-get install -y libreoffice-calc-nogui (provides soffice)")
    profile = Path(f"/tmp/lo-profile-{uuid.uuid4().hex}")  # noqa: S108 - a throwaway profile, removed below
    try:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
             "--outdir", str(out), str(source)],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def soffice_pdf(source: Path, out: Path) -> list[str]:
    """Print ``source`` (every sheet of a workbook) to a PDF with LibreOffice, and return the text of its pages."""
    soffice_convert(source, out, "pdf")
    return pdf_pages(out / f"{source.stem}.pdf")


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF that LibreOffice wrote, as it reads: a line per baseline from the top of the
    page down, the pieces on it left to right with a space between. Text drawn off the page is left out: LibreOffice
    writes a title merged across the columns on every page it spans, clipped to each, and it is on a page only where
    it shows. Just enough of PDF for LibreOffice's own output (numbered objects, Flate streams, fonts with a ToUnicode
    map, text placed with Td and shown as hex strings), so the tests need neither a PDF library nor poppler."""
    data = path.read_bytes()
    objects = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def ref(body: bytes, key: bytes) -> int | None:
        found = re.search(rb"/" + key + rb"\s*(\d+) 0 R", body)
        return int(found.group(1)) if found else None

    def stream(number: int) -> bytes:
        head, raw = objects[number].split(b"stream", 1)
        raw = raw[2:] if raw.startswith(b"\r\n") else raw[1:]
        length = ref(head, b"Length")
        size = int(objects[length].strip()) if length is not None else int(re.search(rb"/Length (\d+)", head)[1])
        return zlib.decompress(raw[:size]) if b"/FlateDecode" in head else raw[:size]

    def unicode_map(font: int) -> tuple[int, dict[bytes, str]]:
        """The code length in bytes and each code's text, from the font's ToUnicode CMap."""
        cmap = stream(ref(objects[font], b"ToUnicode") or 0).decode("latin-1")
        codes: dict[bytes, str] = {}
        for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
            for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                codes[bytes.fromhex(code)] = bytes.fromhex(text).decode("utf-16-be")
        for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
            for first, last, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                start, width = int(text, 16), len(first) // 2
                for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                    codes[code.to_bytes(width, "big")] = chr(start + offset)
        return len(next(iter(codes), b"\0")), codes

    def inherited(page: int, key: bytes) -> bytes:
        """The page's own ``key`` entry (with what follows it), or its page tree parent's."""
        node: int | None = page
        while node is not None:
            found = re.search(rb"/" + key + rb"\b(.*)", objects[node], re.S)
            if found:
                return found[1]
            node = ref(objects[node], b"Parent")
        return b""

    def fonts(page: int) -> dict[bytes, tuple[int, dict[bytes, str]]]:
        resources = re.match(rb"\s*(\d+) 0 R", inherited(page, b"Resources"))
        body = objects[int(resources[1])] if resources else inherited(page, b"Resources")
        listed = ref(body, b"Font")
        names = objects[listed] if listed is not None else body
        return {name: unicode_map(int(number)) for name, number in re.findall(rb"/(\w+)\s+(\d+) 0 R", names)}

    def kids(node: int) -> list[int]:
        body = objects[node]
        if re.search(rb"/Type\s*/Page\b(?!s)", body):
            return [node]
        listed = re.search(rb"/Kids\s*\[(.*?)\]", body, re.S)
        return [page for kid in re.findall(rb"(\d+) 0 R", listed[1] if listed else b"") for page in kids(int(kid))]

    text_shown = re.compile(rb"(-?[\d.]+)\s+(-?[\d.]+)\s+Td|/(\w+)\s+[-\d.]+\s+Tf|<<|<([0-9A-Fa-f\s]*)>|\bET\b")
    catalog = next(n for n, body in objects.items() if re.search(rb"/Type\s*/Catalog", body))
    texts = []
    for page in kids(ref(objects[catalog], b"Pages") or 0):
        width, height = (float(v) for v in re.match(rb"\s*\[([^\]]*)\]", inherited(page, b"MediaBox"))[1].split()[2:])
        known = fonts(page)
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", objects[page], re.S)
        content = b"".join(stream(int(n)) for n in re.findall(rb"(\d+) 0 R", contents[1] if contents else b""))
        runs: list[tuple[float, float, str]] = []  # each text object's baseline, left edge and text
        x = y = 0.0
        run, font = "", (1, {})
        for token in text_shown.finditer(content):
            if token[1] is not None:
                x, y = float(token[1]), float(token[2])
            elif token[3] is not None:
                font = known.get(token[3], (1, {}))
            elif token[4] is not None:
                raw, (size, codes) = bytes.fromhex(token[4].decode()), font
                run += "".join(codes.get(raw[i : i + size], "") for i in range(0, len(raw), size))
            elif token[0] == b"ET":
                if run.strip() and 0 <= x < width and 0 <= y < height:
                    runs.append((y, x, run))
                run = ""
        lines: list[list[tuple[float, float, str]]] = []
        for y, x, run in sorted(runs, key=lambda r: (-r[0], r[1])):
            if lines and abs(lines[-1][0][0] - y) <= 1:
                lines[-1].append((y, x, run))
            else:
                lines.append([(y, x, run)])
        texts.append(
            "\n".join(" ".join(" ".join(r for _, _, r in sorted(line, key=lambda r: r[1])).split()) for line in lines)
        )
    return texts
