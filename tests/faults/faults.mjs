// Acknowledged means durable (make faults). A bounded mixed load of
// creating POSTs runs over loopback while PostgreSQL is stopped with
// `pg_ctl -m immediate` and started again, and while workers are SIGKILLed
// at random. Afterwards: every request that got its 303 is in the database
// exactly once; every other one is absent or present exactly once (its
// form_id); the service answers again within 5 seconds of PostgreSQL being
// back; no worker crash-loops. Prints the counts; exits 1 on any loss.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, VAR, forgeToken, instance, psql, sleep, tokens } from '../lib/client.mjs';

const SECONDS = Number(process.env.FAULTS_SECONDS || 40);
const CLIENTS = Number(process.env.FAULTS_CLIENTS || 8);

// ---- fault-load: module kinds ----
// Citizens made directly in the database, each used once: a board message
// counts against its author's hourly limit and a sign-up is one per person
// per activity, so every module request gets a fresh account.
const POOL = Number(process.env.FAULTS_POOL || 300 * SECONDS);
const run = `f${process.pid}`;
const poolIds = psql(`INSERT INTO users (role, login_hash, login_enc, login_masked, name, pw_hash)
  SELECT 'citizen', decode(md5('${run}a' || g) || md5('${run}b' || g), 'hex'), '\\x00'::bytea,
         '${run}-' || g, '压测市民', '$argon2id$faults'
  FROM generate_series(1, ${POOL}) g RETURNING id`).split('\n').map(Number);
let poolNext = 0;

// A fresh browser with a session of an unused citizen (none left: null).
function citizen() {
  if (poolNext >= poolIds.length) return null;
  const c = new Client();
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: poolIds[poolNext++], role: 'citizen', iat: now, exp: now + 7200, epoch: 1 }));
  return c;
}

// Unique 11-digit mobile numbers for this run.
let phoneSeq = 0;
const phone = () => '135' + String((process.pid % 1000) * 1e5 + (phoneSeq++ % 1e5)).padStart(8, '0');

// A resident ID number with a correct GB 11643 check character.
function idCard(i) {
  const base = '310105' + '19600101' + String(i % 1000).padStart(3, '0');
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((a, d, k) => a + Number(d) * w[k], 0);
  return base + '10X98765432'[sum % 11];
}

// One open-month activity (區府办, as its demo staff) that every sign-up of
// the load goes to; a waiting-list place is acknowledged like a seat.
const staffRow = psql(`SELECT id, session_epoch, dept_id FROM users WHERE login_masked = 'qfb.staff'`).split('|');
const shanghai = (h) => new Date(Date.now() + (h + 8) * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
async function makeActivity() {
  const s = new Client();
  const now = Math.floor(Date.now() / 1000);
  s.jar.set('gk_sess', forgeToken({ user: Number(staffRow[0]), role: 'staff', dept: Number(staffRow[2]), iat: now, exp: now + 7200, epoch: Number(staffRow[1]) }));
  const t = tokens((await s.get('/admin/open-month/new')).text);
  const r = await s.post('/admin/open-month', {
    csrf: t.csrf, form_id: t.formId, title: `故障测试活动 ${run}`, dept: 'qfb', starts_at: shanghai(72), ends_at: shanghai(74),
    place: '区政务服务中心', online_url: '', capacity: '100000', signup_until: shanghai(48), description: '故障测试', accessibility: '',
  });
  if (r.status !== 303) throw new Error(`faults: cannot publish the activity (${r.status})`);
  return r.location.split('/').pop();
}
const ACTIVITY = await makeActivity();
const POLICY = psql(`SELECT id FROM board_policies ORDER BY id LIMIT 1`);

// GET a form page, then a POST that resends the same form_id.
async function formPost(c, page, action, fields) {
  const t = tokens((await c.get(page)).text);
  const all = { csrf: t.csrf, form_id: t.formId, ...fields };
  return { fields: all, send: () => c.post(action, all) };
}

// What the load creates. Each kind makes one record per call, marked so
// it can be counted afterwards (table.column holds text(marker)). Modules
// add their kinds here.
const KINDS = [
  {
    name: 'register',
    async create(c, marker, i) {
      const page = await c.get('/account/register');
      const t = tokens(page.text);
      const phone = '137' + String(Date.now() % 1e4).padStart(4, '0') + String(i % 1e4).padStart(4, '0');
      const fields = { csrf: t.csrf, form_id: t.formId, login: phone, password: 'fault load 123', name: marker };
      return { fields, send: () => c.post('/account/register', fields) };
    },
    table: 'users', column: 'name', text: (marker) => marker,
  },
  {
    name: 'board message',
    async create(_c, marker) {
      const c = citizen();
      if (c === null) return null;
      return formPost(c, `/policies/${POLICY}`, `/policies/${POLICY}/messages`, { kind: 'consult', body: `故障测试留言 ${marker}` });
    },
    table: 'board_messages', column: 'body', text: (marker) => `故障测试留言 ${marker}`,
  },
  {
    name: 'open-month sign-up',
    async create(_c, marker) {
      const c = citizen();
      if (c === null) return null;
      return formPost(c, `/open-month/${ACTIVITY}`, `/open-month/${ACTIVITY}/signup`, { name: marker, phone: phone() });
    },
    table: 'om_signups', column: 'name', text: (marker) => marker,
  },
  {
    name: 'disclosure application',
    async create(_c, marker, i) {
      const c = new Client(); // anyone may apply, no account needed
      const t = tokens((await c.get('/disclosure/apply')).text);
      const fields = {
        csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '故障测试', id_type: 'id_card', id_number: idCard(i),
        phone: phone(), email: '', address: '长宁路 100 号', description: `故障测试申请 ${marker}`, form: 'electronic', delivery: 'online', dept: '',
      };
      const send = () => {
        const fd = new FormData();
        for (const [k, v] of Object.entries(fields)) fd.set(k, v);
        return c.request('POST', '/disclosure/apply', { body: fd });
      };
      return { fields, send };
    },
    table: 'disclosure_requests', column: 'description', text: (marker) => `故障测试申请 ${marker}`,
  },
];

function workerPids() {
  const master = readFileSync(path.join(VAR, 'run/gongkai.pid'), 'utf8').trim();
  try {
    return execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const records = [];
let stop = false;
let seq = 0;

async function client(n) {
  const c = new Client();
  while (!stop) {
    const kind = KINDS[seq % KINDS.length];
    const marker = `faults-${process.pid}-${n}-${seq++}`;
    let rec = { kind: kind.name, marker, status: 0 };
    try {
      const op = await kind.create(c, marker, seq);
      if (op === null) { // the citizen pool is used up
        await sleep(50);
        continue;
      }
      // A person whose page timed out presses the button again: the same
      // form_id is sent up to three times until a 303 comes back.
      for (let attempt = 0; attempt < 3 && rec.status !== 303; attempt++) {
        const r = await op.send();
        rec.status = r.status;
        if (r.status !== 303) await sleep(200);
      }
    } catch (e) {
      rec.error = String(e.cause?.code || e.message);
    }
    records.push(rec);
  }
}

async function healthyWithin(ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    try {
      if ((await new Client().get('/healthz')).status === 200) return (Date.now() - t0) / 1000;
    } catch { /* nginx may refuse for a moment */ }
    await sleep(100);
  }
  return Infinity;
}

async function chaos() {
  const start = Date.now();
  const recoveries = [];
  let kills = 0;
  while (Date.now() - start < SECONDS * 1000) {
    await sleep(3000);
    // Kill one or two workers at random.
    for (const pid of workerPids().sort(() => Math.random() - 0.5).slice(0, 1 + (Math.random() < 0.5))) {
      try { process.kill(pid, 'SIGKILL'); kills++; } catch { /* already gone */ }
    }
    await sleep(3000);
    instance('pg-stop', 'immediate');
    await sleep(2000);
    instance('pg-start');
    recoveries.push(await healthyWithin(10000));
  }
  return { kills, recoveries };
}

const t0 = Date.now();
const loads = Array.from({ length: CLIENTS }, (_, n) => client(n));
const { kills, recoveries } = await chaos();
stop = true;
await Promise.all(loads);
await healthyWithin(10000);

// Counts per kind and in all.
const zero = () => ({ requests: 0, acked: 0, found: 0, duplicated: 0, lost: 0, unackedPresent: 0, unackedAbsent: 0 });
const per = Object.fromEntries(KINDS.map((k) => [k.name, zero()]));
const all = zero();
// One query per kind: how many rows hold each marker's text.
const stored = new Map();
for (const k of KINDS) {
  const texts = records.filter((r) => r.kind === k.name).map((r) => `'${k.text(r.marker)}'`);
  // 1000 a query: one argument of a command line holds at most 128 KiB.
  for (let at = 0; at < texts.length; at += 1000) {
    const list = texts.slice(at, at + 1000).join(',');
    const out = psql(`SELECT ${k.column}, count(*) FROM ${k.table} WHERE ${k.column} = ANY(ARRAY[${list}]) GROUP BY 1`);
    for (const line of out.split('\n').filter(Boolean)) {
      const i = line.lastIndexOf('|');
      stored.set(`${k.name}\t${line.slice(0, i)}`, Number(line.slice(i + 1)));
    }
  }
}
for (const r of records) {
  const k = KINDS.find((x) => x.name === r.kind);
  const n = stored.get(`${k.name}\t${k.text(r.marker)}`) || 0;
  for (const t of [per[r.kind], all]) {
    t.requests++;
    if (n > 1) t.duplicated++;
    if (r.status === 303) {
      t.acked++;
      if (n === 1) t.found++;
      else if (n === 0) t.lost++;
    } else if (n === 1) t.unackedPresent++;
    else if (n === 0) t.unackedAbsent++;
  }
}
const { acked, found, duplicated, lost, unackedPresent, unackedAbsent } = all;
const log = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8');
const killedLines = (log.match(/killed by signal 9; replacing/g) || []).length;
const exitedLines = (log.match(/exited with \d+; replacing/g) || []).length;
const worst = Math.max(...recoveries);

console.log(`faults: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${CLIENTS} clients, ${records.length} requests (${KINDS.map((k) => k.name).join(', ')})`);
console.log(`  PostgreSQL stopped (immediate) and restarted ${recoveries.length} times; back to 200 after: ${recoveries.map((s) => s.toFixed(1) + ' s').join(', ')}`);
console.log(`  workers SIGKILLed: ${kills}; replaced by the master: ${killedLines}; other worker exits: ${exitedLines}`);
console.log(`  acknowledged (303): ${acked}; found: ${found}; duplicated: ${duplicated}; lost: ${lost}`);
console.log(`  not acknowledged: ${records.length - acked} (absent ${unackedAbsent}, present once ${unackedPresent})`);
for (const [name, t] of Object.entries(per)) {
  console.log(`  ${name.padEnd(24)} ${String(t.requests).padStart(5)} requests; acknowledged ${t.acked}, found ${t.found}, duplicated ${t.duplicated}, lost ${t.lost}; not acknowledged ${t.requests - t.acked} (absent ${t.unackedAbsent}, present once ${t.unackedPresent})`);
}

const ok = lost === 0 && duplicated === 0 && found === acked && worst <= 5 && exitedLines === 0 &&
  Object.values(per).every((t) => t.acked > 0);
console.log(ok ? 'faults: PASS' : 'faults: FAIL');
process.exit(ok ? 0 : 1);
