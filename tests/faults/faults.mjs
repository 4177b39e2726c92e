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
import { Client, VAR, instance, psql, sleep, tokens } from '../lib/client.mjs';

const SECONDS = Number(process.env.FAULTS_SECONDS || 40);
const CLIENTS = Number(process.env.FAULTS_CLIENTS || 8);

// What the load creates. Each kind makes one record per call, marked so
// it can be counted afterwards. Modules add their kinds here.
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
    count: (marker) => Number(psql(`SELECT count(*) FROM users WHERE name = '${marker}'`)),
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

let acked = 0, found = 0, duplicated = 0, lost = 0, unackedPresent = 0, unackedAbsent = 0;
for (const r of records) {
  const n = KINDS.find((k) => k.name === r.kind).count(r.marker);
  if (n > 1) duplicated++;
  if (r.status === 303) {
    acked++;
    if (n === 1) found++;
    else if (n === 0) lost++;
  } else if (n === 1) unackedPresent++;
  else if (n === 0) unackedAbsent++;
}
const log = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8');
const killedLines = (log.match(/killed by signal 9; replacing/g) || []).length;
const exitedLines = (log.match(/exited with \d+; replacing/g) || []).length;
const worst = Math.max(...recoveries);

console.log(`faults: ${((Date.now() - t0) / 1000).toFixed(0)} s, ${CLIENTS} clients, ${records.length} requests (${KINDS.map((k) => k.name).join(', ')})`);
console.log(`  PostgreSQL stopped (immediate) and restarted ${recoveries.length} times; back to 200 after: ${recoveries.map((s) => s.toFixed(1) + ' s').join(', ')}`);
console.log(`  workers SIGKILLed: ${kills}; replaced by the master: ${killedLines}; other worker exits: ${exitedLines}`);
console.log(`  acknowledged (303): ${acked}; found: ${found}; duplicated: ${duplicated}; lost: ${lost}`);
console.log(`  not acknowledged: ${records.length - acked} (absent ${unackedAbsent}, present once ${unackedPresent})`);

const ok = lost === 0 && duplicated === 0 && found === acked && worst <= 5 && exitedLines === 0 && acked > 0;
console.log(ok ? 'faults: PASS' : 'faults: FAIL');
process.exit(ok ? 0 : 1);
