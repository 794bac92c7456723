#!/usr/bin/env python3
"""Writes the example case lists in tests/data/ (synthetic: no real case numbers, caseworkers or
citizens). Deterministic: running it again gives the same bytes, so the files are committed and
this script documents how they were made.

  eksempel-sagsliste.csv         Windows-1252, ';', CRLF, dd-mm-yyyy and dd.mm.yyyy dates, a quoted ';'
  eksempel-sagsliste-utf8.csv    the same list as UTF-8 with BOM, ',', LF
  eksempel-sagsliste.tsv         the same list as UTF-8, tab-separated, LF
  eksempel-sagsliste.xlsx        the same list as XLSX: dates as Excel serial numbers with a date style
  eksempel-sagsliste-ny.csv      a later export of the same department (Windows-1252, ';', CRLF): 30 of
                                 the 40 cases again (some with a new caseworker), 15 new, 10 gone
"""
import datetime, os, random, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = ["Sagsnummer", "Rådgiver", "Målgruppe", "Paragraf", "Ydelse", "Oprettet", "Seneste afgørelse"]
ADVISORS = ["Anne Bækgaard", "Henrik Østerby", "Louise Krag", "Morten Løvstad", "Signe Åkjær"]
PROVISIONS = {"barn": ["BL § 86", "BL § 87", "BL § 90", "BL § 32", "SEL § 41", "SEL § 42"],
              "voksen": ["SEL § 85", "SEL § 97", "SEL § 100", "SEL § 107", "SEL § 108", "SEL § 96"]}
BENEFITS = ["Bevilling", "Afslag", "Delvis bevilling", "Merudgifter", "Tabt arbejdsfortjeneste", "Ledsagelse"]
# Rows the tests check by hand: the first (a quoted ';' and æ), and two advisors with Ø and Å.
FIXED = [
    ["27.12.00-G01-262-24", "Anne Bækgaard", "voksen", "SEL § 97", "Støtte; se notat", "11-03-2024", "20.07.2024"],
    ["27.26.00-G01-228-24", "Henrik Østerby", "barn", "BL § 86", "Merudgifter", "04-10-2023", "12.01.2024"],
    ["27.30.00-G01-742-24", "Signe Åkjær", "voksen", "SEL § 85", "Bevilling", "19-06-2022", "02.02.2023"],
]


def day(rng, start, end):
    return start + datetime.timedelta(days=rng.randrange((end - start).days))


def make_rows(rng, n, used):
    rows = []
    while len(rows) < n:
        case_no = "27.%02d.00-G01-%d-24" % (rng.randrange(10, 31), rng.randrange(10, 1000))
        if case_no in used:
            continue
        used.add(case_no)
        target = rng.choice(["barn", "voksen"])
        opened = day(rng, datetime.date(2021, 1, 1), datetime.date(2024, 6, 1))
        decided = opened + datetime.timedelta(days=rng.randrange(14, 400))
        rows.append([case_no, rng.choice(ADVISORS), target, rng.choice(PROVISIONS[target]), rng.choice(BENEFITS),
                     opened.strftime("%d-%m-%Y"), decided.strftime("%d.%m.%Y")])
    return rows


def csv_text(records, sep, eol):
    def q(f):
        return '"%s"' % f.replace('"', '""') if any(c in f for c in '",\t;\r\n') else f
    return "".join(sep.join(q(f) for f in r) + eol for r in records)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def serial(ddmmyyyy):
    d = datetime.datetime.strptime(ddmmyyyy.replace(".", "-"), "%d-%m-%Y").date()
    return (d - datetime.date(1899, 12, 30)).days


def xlsx(name, records):
    strings = []
    def s(ref, text):
        if text not in strings:
            strings.append(text)
        return '<c r="%s" t="s"><v>%d</v></c>' % (ref, strings.index(text))
    def esc(t):
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    rows = []
    for i, r in enumerate(records):
        cells = []
        for j, v in enumerate(r):
            ref = "%s%d" % ("ABCDEFG"[j], i + 1)
            if i > 0 and j >= 5:
                cells.append('<c r="%s" s="1"><v>%d</v></c>' % (ref, serial(v)))
            else:
                cells.append(s(ref, v))
        rows.append('<row r="%d">%s</row>' % (i + 1, "".join(cells)))
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    sheet = head + '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (ns, "".join(rows))
    sst = head + '<sst %s count="%d" uniqueCount="%d">%s</sst>' % (
        ns, len(strings), len(strings), "".join("<si><t>%s</t></si>" % esc(t) for t in strings))
    styles = (head + '<styleSheet %s><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
              '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
              '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
              '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
              '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
              '</styleSheet>') % ns
    R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    P = "http://schemas.openxmlformats.org/package/2006/relationships"
    workbook = (head + '<workbook %s xmlns:r="%s"><sheets><sheet name="Sager" sheetId="1" r:id="rId1"/></sheets></workbook>'
                % (ns, R))
    wbrels = (head + '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>'
              '<Relationship Id="rId3" Type="%s/styles" Target="styles.xml"/></Relationships>') % (P, R, R, R)
    rels = head + '<Relationships xmlns="%s"><Relationship Id="rId1" Type="%s/officeDocument" Target="xl/workbook.xml"/></Relationships>' % (P, R)
    M = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/xl/workbook.xml" ContentType="%s.sheet.main+xml"/>'
             '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="%s.worksheet+xml"/>'
             '<Override PartName="/xl/sharedStrings.xml" ContentType="%s.sharedStrings+xml"/>'
             '<Override PartName="/xl/styles.xml" ContentType="%s.styles+xml"/></Types>') % (M, M, M, M)
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in [("[Content_Types].xml", types), ("_rels/.rels", rels), ("xl/workbook.xml", workbook),
                           ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet),
                           ("xl/sharedStrings.xml", sst), ("xl/styles.xml", styles)]:
            info = zipfile.ZipInfo(part, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def main():
    rng = random.Random(20261206)
    used = {r[0] for r in FIXED}
    rows = FIXED[:1] + make_rows(rng, 37, used) + FIXED[1:]
    records = [HEADER] + rows
    write("eksempel-sagsliste.csv", csv_text(records, ";", "\r\n").encode("cp1252"))
    write("eksempel-sagsliste-utf8.csv", b"\xef\xbb\xbf" + csv_text(records, ",", "\n").encode("utf-8"))
    write("eksempel-sagsliste.tsv", csv_text(records, "\t", "\n").encode("utf-8"))
    xlsx("eksempel-sagsliste.xlsx", records)
    # The later export: the first 30 again (every fifth with another caseworker), 15 new.
    later = []
    for i, r in enumerate(rows[:30]):
        r = list(r)
        if i % 5 == 4:
            r[1] = ADVISORS[(ADVISORS.index(r[1]) + 1) % len(ADVISORS)]
        later.append(r)
    later += make_rows(rng, 15, used)
    write("eksempel-sagsliste-ny.csv", csv_text([HEADER] + later, ";", "\r\n").encode("cp1252"))


if __name__ == "__main__":
    main()
