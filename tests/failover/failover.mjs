// Failover (make failover; tests/failover/run.sh sets up the primary, the
// synchronous standby and the workers on the two-host DSN, and runs this
// once per round). A bounded load of disclosure applications (public, no
// password hashing, one form_id each) runs while the primary is lost and
// the standby promoted: FAILOVER_MODE=crash stops the primary with
// `pg_ctl -m immediate`; FAILOVER_MODE=switchover fences it
// (default_transaction_read_only: it stays up, the workers' connections to
// it stay open and their writes fail with SQLSTATE 25006). A person whose submission fails presses the button again
// with the same form_id until a 303 comes back (or gives up). Afterwards, on
// the new primary: every acknowledged application is there exactly once,
// none is duplicated; the workers were never restarted. Prints the seconds
// without service and the counts; exits 1 on any loss.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, VAR, sleep, tokens } from '../lib/client.mjs';

const CLIENTS = Number(process.env.FAILOVER_CLIENTS || 6);
const BEFORE = Number(process.env.FAILOVER_BEFORE || 4) * 1000; // load before the stop
const DETECT = Number(process.env.FAILOVER_DETECT || 1) * 1000; // stop → promote
const AFTER = Number(process.env.FAILOVER_AFTER || 6) * 1000; // load after the promotion
const PATIENCE = 60; // presses of the button per form, 250 ms apart: 15 s
const RUN = process.env.FAILOVER_RUN || path.join(path.dirname(new URL(import.meta.url).pathname), 'run.sh');
const step = (...args) => execFileSync(RUN, args, { encoding: 'utf8', env: process.env });
const MODE = process.env.FAILOVER_MODE || 'crash';
const OLD = process.env.FAILOVER_OLD, OLD_SOCK = process.env.FAILOVER_OLD_SOCK;
const NEW = process.env.FAILOVER_NEW, NEW_SOCK = process.env.FAILOVER_NEW_SOCK;

// The master and its workers, from /proc (procps may be missing).
function workerPids() {
  const master = Number(readFileSync(path.join(VAR, 'run/gongkai.pid'), 'utf8').trim());
  const kids = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === master) kids.push(Number(d));
    } catch { /* gone */ }
  }
  return [master, ...kids.sort((a, b) => a - b)].join(' ');
}

// A resident ID number with a correct GB 11643 check character.
let idSeq = 0;
function idCard() {
  const base = '310105' + '19600101' + String(100 + (idSeq++ % 800)).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return base + '10X98765432'[sum % 11];
}

const attempts = []; // every POST: { t0, t1, ok }
const records = []; // every form sent: { marker, acked }
let stop = false;

async function formTokens(c) {
  // The form page reads the database too; during the outage, wait for it.
  for (;;) {
    try {
      const page = await c.get('/disclosure/apply');
      const t = tokens(page.text);
      if (page.status === 200 && t.csrf && t.formId) return t;
    } catch { /* nginx refused for a moment */ }
    if (stop) return null;
    await sleep(250);
  }
}

async function client(n) {
  const c = new Client();
  for (let seq = 0; !stop; seq++) {
    const t = await formTokens(c);
    if (t === null) break;
    const marker = `failover-${MODE}-${process.pid}-${n}-${seq}`;
    const rec = { marker, acked: false };
    records.push(rec);
    for (let press = 0; press < PATIENCE && !rec.acked; press++) {
      const fd = new FormData();
      const fields = {
        csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '故障切换', id_type: 'id_card',
        id_number: idCard(), phone: '137' + String(10000000 + ((n * 100000 + seq) % 90000000)), email: '',
        address: '长宁路 100 号', description: `${marker} 请公开加装电梯补贴文件`, form: 'electronic', delivery: 'online', dept: '',
      };
      for (const [k, v] of Object.entries(fields)) fd.set(k, v);
      const a = { t0: Date.now(), ok: false };
      try {
        const r = await c.request('POST', '/disclosure/apply', { body: fd });
        a.ok = r.status === 303;
        a.status = r.status;
      } catch (e) {
        a.status = String(e.cause?.code || e.message);
      }
      a.t1 = Date.now();
      attempts.push(a);
      rec.acked = a.ok;
      if (!a.ok) await sleep(250);
    }
  }
}

const t0 = Date.now();
const pidsBefore = workerPids();
const loads = Array.from({ length: CLIENTS }, (_, n) => client(n));
await sleep(BEFORE);
const tStop = Date.now();
if (MODE === 'switchover') step('fence', OLD_SOCK);
else step('stop', OLD);
await sleep(DETECT);
const tPromote0 = Date.now();
step('promote', NEW);
const tPromoted = Date.now();
await sleep(AFTER);
stop = true;
await Promise.all(loads);
const pidsAfter = workerPids();

// Counts on the new primary (the promoted standby).
const rows = step('psql', NEW_SOCK, '-At', '-F', ' ', '-c',
  `SELECT split_part(description, ' ', 1), count(*) FROM disclosure_requests WHERE description LIKE 'failover-${MODE}-${process.pid}-%' GROUP BY 1`);
const counts = new Map(rows.split('\n').filter(Boolean).map((l) => { const [m, n] = l.split(' '); return [m, Number(n)]; }));
let acked = 0, found = 0, duplicated = 0, lost = 0, unackedPresent = 0;
for (const r of records) {
  const n = counts.get(r.marker) || 0;
  if (n > 1) duplicated++;
  if (r.acked) {
    acked++;
    if (n === 1) found++;
    if (n === 0) lost++;
  } else if (n === 1) unackedPresent++;
}

// Without service: from the first failed write to the first write that
// succeeded after it (started after it, so it went through the new primary).
const failed = attempts.filter((a) => !a.ok);
const tFail = failed.length ? Math.min(...failed.map((a) => a.t0)) : null;
const back = attempts.filter((a) => a.ok && tFail !== null && a.t0 > tFail);
const tBack = back.length ? Math.min(...back.map((a) => a.t1)) : null;
const gap = tFail !== null && tBack !== null ? (tBack - tFail) / 1000 : null;
const statuses = {};
for (const a of failed) statuses[a.status] = (statuses[a.status] || 0) + 1;
const s = (ms) => (ms / 1000).toFixed(2) + ' s';

console.log(`failover round "${MODE}": ${((Date.now() - t0) / 1000).toFixed(0)} s, ${CLIENTS} clients, disclosure applications`);
console.log(`  ${path.basename(OLD)} ${MODE === 'switchover' ? 'fenced (read-only)' : 'stopped (immediate)'} at ${s(tStop - t0)}, ${path.basename(NEW)} promoted:`);
console.log(`    promote issued ${s(tPromote0 - tStop)} later, done in ${s(tPromoted - tPromote0)}`);
console.log(`  writes failed from ${tFail === null ? '-' : s(tFail - t0)}, back at ${tBack === null ? '-' : s(tBack - t0)}: seconds without service ${gap === null ? '-' : gap.toFixed(2)}` +
  (tBack === null ? '' : ` (${s(tBack - tPromoted)} after the promotion finished)`));
console.log(`  POST attempts: ${attempts.length}, failed: ${failed.length} ${JSON.stringify(statuses)}`);
console.log(`  workers (master and children) unchanged: ${pidsBefore === pidsAfter ? 'yes' : `NO (${pidsBefore} → ${pidsAfter})`}`);
console.log(`  sent: ${records.length}; acknowledged (303): ${acked}; found: ${found}; duplicated: ${duplicated}; lost: ${lost}`);
console.log(`  not acknowledged: ${records.length - acked} (present once ${unackedPresent})`);

// A failed write is a 503 (the polite 服务暂时不可用 page), never a 500.
const ok = lost === 0 && duplicated === 0 && found === acked && acked > 0 && tBack !== null && pidsBefore === pidsAfter && !statuses[500];
console.log(ok ? `failover ${MODE}: PASS` : `failover ${MODE}: FAIL`);
process.exit(ok ? 0 : 1);
