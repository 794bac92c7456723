// An independent check of tilsyn's sampling, outside tilsyn: python3's hashlib computes each
// case's key BLAKE2b-256(key = seed, message = case number as UTF-8) and the population's
// fingerprint BLAKE2b-256 of the case numbers sorted by their UTF-8 bytes, one per line.
// Node's crypto has no keyed BLAKE2b, and using libsodium here would check tilsyn against itself.
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import sys, json, hashlib
d = json.load(sys.stdin)
seed = bytes.fromhex(d["seed"]) if d.get("seed") else None
if seed is not None and len(seed) != 32:
    raise SystemExit("seed must be 32 bytes")
keys = []
if seed is not None:
    for n in d["cases"]:
        keys.append((hashlib.blake2b(n.encode("utf-8"), key=seed, digest_size=32).digest(), n))
    keys.sort()
pop = "".join(n + "\\n" for n in sorted(d["cases"], key=lambda s: s.encode("utf-8")))
print(json.dumps({
    "order": [[k.hex(), n] for k, n in keys],
    "digest": hashlib.blake2b(pop.encode("utf-8"), digest_size=32).hexdigest(),
}))
`;

// For the case numbers `cases` and the seed (64 hex digits): {order: [{key, case_no}] sorted
// by key bytewise, keyOf: Map case_no -> key hex, digest: the population fingerprint (hex)}.
export function pythonSample(seed, cases) {
  const r = spawnSync('python3', ['-c', SCRIPT], {
    input: JSON.stringify({ seed, cases }),
    encoding: 'utf8',
    timeout: 20000,
  });
  if (r.status !== 0) throw new Error(`python3 failed (${r.status}): ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  const order = out.order.map(([key, case_no]) => ({ key, case_no }));
  return { order, keyOf: new Map(order.map((o) => [o.case_no, o.key])), digest: out.digest };
}

// A fixed-looking seed made from a label, so each test uses its own reproducible 64 hex digits.
export function seedFrom(label) {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(label)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  let out = '';
  for (let i = 1; out.length < 64; i++) {
    h = Math.imul(h ^ i, 0x01000193) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
