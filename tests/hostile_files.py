#!/usr/bin/env python3
"""Writes tilsyn's own set of hostile case-list files, deterministically (same bytes every run).

    python3 tests/hostile_files.py DIR                 every file, and DIR/manifest.json
    python3 tests/hostile_files.py --corpus csv|xlsx DIR   only that kind, up to 64 KiB each, named
                                                       by their SHA-1 (seeds for tests/fuzz/run)

The kinds an outside review throws at an import: zip bombs by ratio and by entry count, XML
entity expansion and external entities in xlsx parts, huge shared strings, deep nesting, a
truncated zip, a zip with a path-traversal entry, a formula cell, invalid UTF-8 and overlong
sequences, NUL bytes, enormous lines and fields, mismatched quotes, BOM variants, CPR numbers in
odd places. The manifest says for each file what the import must do: "refused" (exit 2, a Danish
message, nothing stored) or "accepted" (a well-formed list after all: the dry run and the preview
go through), and for a refusal a pattern the message must match.
"""
import hashlib
import json
import os
import sys
import zipfile

FIXED_TIME = (2026, 1, 1, 0, 0, 0)
HEADER = 'Sagsnummer;Rådgiver;Startdato\r\n'


def csv(rows, encoding='utf-8'):
    return (HEADER + ''.join(rows)).encode(encoding)


def good_rows(n=3, prefix='H'):
    return [f'{prefix}-{i:04d};Anne Bækgaard;01-02-2025\r\n' for i in range(n)]


CT = ('<?xml version="1.0" encoding="UTF-8"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
      '<Override PartName="/xl/sharedStrings.xml" '
      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
      '</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sager" sheetId="1" r:id="rId1"/></sheets></workbook>')
WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet1.xml"/>'
           '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(rows, prolog='', extra=''):
    """rows: lists of cell XML strings, or of plain texts (inline strings)."""
    body = []
    for i, row in enumerate(rows, start=1):
        cells = [c if c.startswith('<c ') else cell(f'{chr(65 + k)}{i}', c) for k, c in enumerate(row)]
        body.append(f'<row r="{i}">' + ''.join(cells) + '</row>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet {NS}><sheetData>' + ''.join(body) +
            f'</sheetData>{extra}</worksheet>')


HEAD_ROW = ['Sagsnummer', 'Rådgiver', 'Startdato']
GOOD_SHEET_ROWS = [HEAD_ROW, ['X-0001', 'Anne Bækgaard', '01-02-2025'], ['X-0002', 'Morten Løvstad', '2025-03-04']]
EMPTY_SST = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="0" uniqueCount="0"></sst>'


def xlsx(sheet_xml, sst=EMPTY_SST, extra_entries=(), entries_before=()):
    from io import BytesIO
    out = BytesIO()
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
        def put(name, data):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
        for name, data in entries_before:
            put(name, data)
        put('[Content_Types].xml', CT)
        put('_rels/.rels', RELS)
        put('xl/workbook.xml', WORKBOOK)
        put('xl/_rels/workbook.xml.rels', WB_RELS)
        put('xl/worksheets/sheet1.xml', sheet_xml)
        put('xl/sharedStrings.xml', sst)
        for name, data in extra_entries:
            put(name, data)
    return out.getvalue()


def files():
    """(name, bytes, expect, message pattern or None, why)"""
    f = []
    add = lambda *a: f.append(a)  # noqa: E731
    CPR = r'CPR'

    # ---- zip and XML (xlsx) ----
    pad = ' ' * (40 << 20)  # 40 MB of white space in the sheet: a ratio of about 1000:1
    add('zip-bomb-ratio.xlsx', xlsx(sheet(GOOD_SHEET_ROWS).replace('<sheetData>', '<sheetData>' + pad)),
        'refused', r'for stor|for store|pakket|udpakket', 'a part that inflates ~1000-fold past the cap')
    add('zip-bomb-entries.xlsx', xlsx(sheet(GOOD_SHEET_ROWS),
                                      extra_entries=[(f'xl/fyld/{i:05d}.xml', '') for i in range(20000)]),
        'refused', r'mere end 10\.000 dele|zip-bombe', '20,000 entries in the zip')
    xxe = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    add('xxe-external-entity.xlsx', xlsx(sheet([HEAD_ROW, ['X-0001', '&xxe;', '01-02-2025']], prolog=xxe)),
        'refused', r'DOCTYPE|entit|ugyldig|kan ikke læses|XML', 'an external entity reading /etc/passwd')
    lol = ('<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' +
           ''.join(f'<!ENTITY {chr(98 + i)} "' + ('&' + chr(97 + i) + ';') * 10 + '">' for i in range(9)) + ']>')
    add('billion-laughs.xlsx', xlsx(sheet([HEAD_ROW, ['<c r="A2" t="s"><v>0</v></c>', 'Anne', '01-02-2025']]),
                                    sst=f'<?xml version="1.0"?>{lol}<sst {NS}><si><t>&j;</t></si></sst>'),
        'refused', r'DOCTYPE|entit|ugyldig|kan ikke læses|XML', 'entity expansion (a billion laughs) in sharedStrings')
    many = ''.join(f'<si><t>s{i}</t></si>' for i in range(2_000_000))
    add('huge-shared-strings.xlsx', xlsx(sheet(GOOD_SHEET_ROWS), sst=f'<sst {NS}>{many}</sst>'),
        'refused', r'for mange|for stor|for store|tekster', '2,000,000 shared strings')
    long_string = 'x' * (4 << 20)
    add('huge-shared-string.xlsx', xlsx(sheet([HEAD_ROW, ['<c r="A2" t="s"><v>0</v></c>', 'Anne', '01-02-2025']]),
                                        sst=f'<sst {NS}><si><t>{long_string}</t></si></sst>'),
        'refused', r'for lang|for stor|for store|tegn', 'one shared string of 4 MB')
    deep = '<x>' * 200_000 + '</x>' * 200_000
    add('deep-nesting.xlsx', xlsx(sheet(GOOD_SHEET_ROWS).replace('<sheetData>', '<sheetData>' + deep, 1)),
        'refused', r'dyb|indlejr|for stor|ugyldig|kan ikke læses|XML|niveau', '200,000 nested elements')
    good = xlsx(sheet(GOOD_SHEET_ROWS))
    add('truncated.xlsx', good[:len(good) // 2], 'refused', r'ødelagt|kan ikke læses|ikke en gyldig|zip|Excel',
        'the first half of a good workbook')
    add('path-traversal.xlsx', xlsx(sheet(GOOD_SHEET_ROWS), extra_entries=[('../../../../tmp/tilsyn-traversal', 'x'),
                                                                          ('/etc/tilsyn-absolute', 'x')]),
        'accepted', None, 'entries named ../../../../tmp/... and /etc/...: never extracted, only the named parts are read')
    formula = '<c r="B2" t="str"><f>HYPERLINK("http://example.invalid","klik")</f><v>klik</v></c>'
    add('formula-cell.xlsx', xlsx(sheet([HEAD_ROW, ['X-0001', formula, '01-02-2025']])),
        'accepted', None, 'a formula in the caseworker cell: its cached value is read, the formula never stored')
    add('cpr-number-cell.xlsx', xlsx(sheet([HEAD_ROW, ['X-0001', 'Anne', '01-02-2025'],
                                            ['<c r="A3"><v>101901234</v></c>', 'Anne', '01-02-2025']])),
        'refused', CPR, 'a CPR number stored as a 9-digit number (leading zero lost)')
    add('cpr-in-sheet-name.xlsx', xlsx(sheet([HEAD_ROW, ['X-0001', 'Anne', '01-02-2025'],
                                              ['X-0002', 'Borger 010190\u20111234', '01-02-2025']])),
        'refused', CPR, 'a CPR number with a non-breaking hyphen in a name cell')
    add('empty.xlsx', b'', 'refused', r'tom|Vælg en fil', 'zero bytes')
    add('not-a-zip.xlsx', b'Sagsnummer;R\xc3\xa5dgiver\r\nA;B\r\n' * 0 + b'PK\x03\x04 this is not a zip at all',
        'refused', r'ødelagt|kan ikke læses|ikke en gyldig|zip|Excel', 'starts like a zip, is not one')

    # ---- CSV ----
    add('invalid-utf8.csv', csv(good_rows(2)) + b'H-9;Anne \x81\x8d\x8f\x90\x9d;01-02-2025\r\n',
        'refused', r'ingen kolonne med rådgiver', 'bytes that are not UTF-8: read as Windows-1252, so the UTF-8 header Rådgiver is not found')
    add('overlong-utf8.csv', csv(good_rows(2)) + b'H-9;Anne \xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf;01-02-2025\r\n',
        'refused', r'ingen kolonne med rådgiver', 'overlong UTF-8 for "/": not UTF-8, so read as Windows-1252 (no "/" appears)')
    add('nul-bytes.csv', csv(good_rows(2)) + b'H-9;An\x00ne;01-02-2025\r\n',
        'refused', r'NUL|nul-tegn|tegn', 'a NUL byte inside a field')
    add('enormous-field.csv', csv(good_rows(2)) + b'H-9;' + b'A' * (1 << 20) + b';01-02-2025\r\n',
        'refused', r'for lang|for stor|tegn', 'one field of 1 MB')
    add('enormous-line.csv', csv(good_rows(1)) + b';'.join([b'x'] * 100_000) + b'\r\n',
        'refused', r'for mange|kolonner|felter', 'one line of 100,000 fields')
    add('mismatched-quotes.csv', csv(good_rows(2)) + 'H-9;"Anne Bækgaard;01-02-2025\r\nH-10;Morten;01-02-2025\r\n'.encode(),
        'refused', r'anførselstegn|citat', 'a quote opened and never closed')
    add('quote-in-middle.csv', csv(good_rows(1)) + b'H-9;Anne "AB" B;01-02-2025\r\n',
        'accepted', None, 'a quote inside an unquoted field: kept as text')
    add('bom-utf8.csv', b'\xef\xbb\xbf' + csv(good_rows(2)), 'accepted', None, 'a UTF-8 BOM (allowed)')
    add('bom-utf8-twice.csv', b'\xef\xbb\xbf\xef\xbb\xbf' + csv(good_rows(2)),
        'refused', r'Sagsnummer|kolonne|overskrift', 'two UTF-8 BOMs: the second is part of the first header')
    add('bom-utf16le.csv', b'\xff\xfe' + (HEADER + ''.join(good_rows(2))).encode('utf-16-le'),
        'refused', r'UTF-16|tegnsæt|tegn', 'UTF-16 with its BOM (not supported)')
    add('bom-utf16be.csv', b'\xfe\xff' + (HEADER + ''.join(good_rows(2))).encode('utf-16-be'),
        'refused', r'UTF-16|tegnsæt|tegn', 'UTF-16 big-endian with its BOM')
    add('bom-utf32.csv', b'\xff\xfe\x00\x00' + (HEADER + ''.join(good_rows(2))).encode('utf-32-le'),
        'refused', r'UTF-16|UTF-32|tegnsæt|tegn', 'UTF-32 with its BOM')
    add('cpr-in-header.csv', b'Sagsnummer;R\xc3\xa5dgiver;010190-1234\r\nH-1;Anne;x\r\n',
        'refused', CPR, 'a CPR number as a column header')
    add('cpr-spaced.csv', csv(good_rows(2)) + 'H-9;Anne;01-02-2025;borger 010190 1234\r\n'.encode(),
        'refused', CPR, 'a CPR number with spaces, in a column nobody reads')
    add('cpr-fullwidth.csv', csv(good_rows(2)) + 'H-９;Anne ０１０１９０１２３４;01-02-2025\r\n'.encode(),
        'refused', CPR, 'a CPR number in full-width digits')
    add('cpr-zero-width.csv', csv(good_rows(2)) + 'H-9;Anne 0101\u200b90-12\u200c34;01-02-2025\r\n'.encode(),
        'refused', CPR, 'a CPR number with zero-width characters inside')
    add('only-bom.csv', b'\xef\xbb\xbf', 'refused', r'tom', 'a BOM and nothing else')
    add('binary-noise.csv', bytes((i * 7919 + 13) % 256 for i in range(4096)),
        'refused', r'.', 'bytes with no structure')
    return f


def main(argv):
    if len(argv) >= 3 and argv[0] == '--corpus':
        kind, out = argv[1], argv[2]
        os.makedirs(out, exist_ok=True)
        for name, data, *_ in files():
            if name.endswith('.' + kind) and len(data) <= 65536:  # the fuzzers' -max_len
                with open(os.path.join(out, hashlib.sha1(data).hexdigest()), 'wb') as fh:
                    fh.write(data)
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = argv[0]
    os.makedirs(out, exist_ok=True)
    manifest = []
    for name, data, expect, pattern, why in files():
        with open(os.path.join(out, name), 'wb') as fh:
            fh.write(data)
        manifest.append({'file': name, 'size': len(data), 'expect': expect, 'message': pattern, 'why': why})
    with open(os.path.join(out, 'manifest.json'), 'w', encoding='utf-8') as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
