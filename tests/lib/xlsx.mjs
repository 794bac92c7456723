// An independent reader and writer of xlsx files for the tests, in python3 (zipfile and
// xml.etree): readSheet(path) gives the workbook's sheet names and the first sheet's cells by
// reference ("A1"), whether its panes are frozen and how many data validations it has, and
// each cell's type (types.A1: "text", "number", or "date" for a number shown as a date);
// readSheet(path, n) reads the n-th sheet (from 0) instead of the first;
// writeSheet(path, rows) writes a minimal workbook whose first sheet holds rows (arrays of
// strings; "" leaves a cell empty) as inline strings, the way some programs save them (a
// number in a row becomes a number cell);
// fillSheet(src, dst, {B7: 'ja', C3: ''}) copies a workbook with those cells of its first sheet
// set (as inline strings) or emptied, every other part (hidden sheets too) kept as it was.
import { spawnSync } from 'node:child_process';

const PYTHON = String.raw`
import json, sys, zipfile, re
import xml.etree.ElementTree as ET
NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'

def date_styles(z):
    # The cell styles (indexes into cellXfs) whose number format shows a date.
    if 'xl/styles.xml' not in z.namelist():
        return set()
    st = ET.fromstring(z.read('xl/styles.xml'))
    custom = {}
    fmts = st.find('m:numFmts', NS)
    for f in (fmts if fmts is not None else []):
        custom[int(f.get('numFmtId'))] = f.get('formatCode')
    out = set()
    xfs = st.find('m:cellXfs', NS)
    for i, xf in enumerate(xfs if xfs is not None else []):
        n = int(xf.get('numFmtId') or 0)
        code = re.sub(r'"[^"]*"|\[[^]]*\]', '', custom.get(n, ''))
        if 14 <= n <= 22 or 45 <= n <= 47 or re.search(r'[dy]', code):
            out.add(i)
    return out

def read(path, index=0):
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    sheets = [(s.get('name'), s.get('state') or 'visible', s.get(R)) for s in wb.find('m:sheets', NS)]
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    target = {r.get('Id'): r.get('Target') for r in rels}
    strings = []
    if 'xl/sharedStrings.xml' in z.namelist():
        for si in ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', NS):
            strings.append(''.join(t.text or '' for t in si.iter('{%s}t' % NS['m'])))
    out = {'sheets': [[n, st] for n, st, _ in sheets], 'cells': {}}
    first = target[sheets[index][2]].lstrip('/')
    first = first if first.startswith('xl/') else 'xl/' + first
    ws = ET.fromstring(z.read(first))
    dates = date_styles(z)
    out['types'] = {}
    for c in ws.iter('{%s}c' % NS['m']):
        v = c.find('m:v', NS)
        t = c.get('t')
        out['types'][c.get('r')] = ('text' if t in ('s', 'inlineStr', 'str') else
                                    'date' if int(c.get('s') or 0) in dates else 'number')
        if t == 's':
            val = strings[int(v.text)]
        elif t == 'inlineStr':
            val = ''.join(x.text or '' for x in c.iter('{%s}t' % NS['m']))
        else:
            val = v.text if v is not None else ''
        out['cells'][c.get('r')] = val
    out['frozen'] = ws.find('.//m:pane', NS) is not None
    out['validations'] = len(ws.findall('.//m:dataValidation', NS))
    return out

def col(i):
    s = ''
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

def write(path, rows):
    data = []
    for r, row in enumerate(rows, 1):
        cells = ''.join(('<c r="%s%d"><v>%s</v></c>' if isinstance(v, (int, float)) else
                         '<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>') % (col(c), r, v if isinstance(v, (int, float)) else esc(v))
                        for c, v in enumerate(row) if v != '')
        data.append('<row r="%d">%s</row>' % (r, cells))
    parts = {
        '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        '_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Registrering" sheetId="1" r:id="rId1"/></sheets></workbook>',
        'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        'xl/worksheets/sheet1.xml': '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % ''.join(data),
    }
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode('utf-8'))

def cell_key(ref):
    m = re.match(r'([A-Z]+)(\d+)$', ref)
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return int(m.group(2)), n

def fill(src, dst, cells):
    z = zipfile.ZipFile(src)
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    first_rid = wb.find('m:sheets', NS)[0].get(R)
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    first = {r.get('Id'): r.get('Target') for r in rels}[first_rid].lstrip('/')
    first = first if first.startswith('xl/') else 'xl/' + first
    ET.register_namespace('', NS['m'])
    ET.register_namespace('r', R[1:R.index('}')])
    ws = ET.fromstring(z.read(first))
    data = ws.find('m:sheetData', NS)
    m = '{%s}' % NS['m']
    for ref, value in cells.items():
        rn, cn = cell_key(ref)
        row = next((x for x in data.findall('m:row', NS) if int(x.get('r')) == rn), None)
        if row is None:
            row = ET.Element(m + 'row', {'r': str(rn)})
            rows = data.findall('m:row', NS)
            at = sum(1 for x in rows if int(x.get('r')) < rn)
            data.insert(at, row)
        cell = next((c for c in row.findall('m:c', NS) if c.get('r') == ref), None)
        if cell is not None and value == '':
            row.remove(cell)
            continue
        if value == '':
            continue
        if cell is None:
            cell = ET.Element(m + 'c', {'r': ref})
            at = sum(1 for c in row.findall('m:c', NS) if cell_key(c.get('r'))[1] < cn)
            row.insert(at, cell)
        for child in list(cell):
            cell.remove(child)
        cell.set('t', 'inlineStr')
        ET.SubElement(ET.SubElement(cell, m + 'is'), m + 't').text = value
    out = ET.tostring(ws, encoding='utf-8', xml_declaration=True)
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as o:
        for info in z.infolist():
            o.writestr(info.filename, out if info.filename == first else z.read(info.filename))

if sys.argv[1] == 'read':
    print(json.dumps(read(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)))
elif sys.argv[1] == 'fill':
    fill(sys.argv[2], sys.argv[3], json.load(sys.stdin))
else:
    write(sys.argv[2], json.load(sys.stdin))
`;

function python(args, input) {
  const r = spawnSync('python3', ['-c', PYTHON, ...args], { input: input ?? '', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}
export const readSheet = (path, index = 0) => JSON.parse(python(['read', path, String(index)]));
export const writeSheet = (path, rows) => python(['write', path], JSON.stringify(rows));
export const fillSheet = (src, dst, cells) => python(['fill', src, dst], JSON.stringify(cells));
