// make soak: minutes of mixed load (pages, logins, form posts) over
// loopback. Worker memory must not grow by more than 10 %, no response may
// be an error (5xx, or a 4xx the load did not ask for), and the request log
// gives p50/p99 per route. Prints the figures; exits 1 on a miss.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, DEMO, VAR, clientAs, routeTable, samplePath, sleep } from '../lib/client.mjs';

const SECONDS = Number(process.env.SOAK_SECONDS || 600);
const CLIENTS = Number(process.env.SOAK_CLIENTS || 16);

function workerRss() {
  const master = readFileSync(path.join(VAR, 'run/gongkai.pid'), 'utf8').trim();
  const pids = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  return pids.map((p) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]) / 1024);
}

// The GET pages of the route table each role may open.
const LEVEL = { public: 0, citizen: 1, staff: 2, admin: 3 };
function pagesFor(role) {
  const have = { anonymous: 0, citizen: 1, staff: 2, admin: 3 }[role];
  return routeTable().filter((r) => r.method === 'GET' && LEVEL[r.access] <= have && !r.pattern.startsWith('/prefs') && r.pattern !== '/account/login')
    .map((r) => samplePath(r.pattern)); // (the login page is rate-limited by nginx on purpose)
}

const counts = { ok: 0, errors: 0 };
const errors = new Map();
let stop = false;

async function loop(n) {
  const role = ['anonymous', 'anonymous', 'citizen', 'staff'][n % 4];
  const c = await clientAs(role);
  const pages = pagesFor(role);
  let i = 0;
  while (!stop) {
    const p = pages[i++ % pages.length];
    try {
      const r = await c.get(p);
      // A sample id that does not exist is a 404 by design; anything else
      // at or above 400 is an error.
      if (r.status >= 500 || (r.status >= 400 && r.status !== 404)) {
        counts.errors++;
        errors.set(`${r.status} ${p}`, (errors.get(`${r.status} ${p}`) || 0) + 1);
      } else counts.ok++;
      if (i % 500 === 0) {
        // Now and then a failed login and a page with a form, so POSTs,
        // throttling and the form machinery are in the mix.
        const l = await new Client().login(DEMO.citizen.login, 'not the password at all');
        if (l.status !== 422 && l.status !== 429) counts.errors++;
      }
    } catch (e) {
      counts.errors++;
      errors.set(String(e.cause?.code || e.message), (errors.get(String(e.cause?.code || e.message)) || 0) + 1);
    }
  }
}

function percentiles() {
  const lines = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').split('\n');
  const by = new Map();
  for (const l of lines) {
    const m = / (GET|POST|HEAD) (\S+) (\d{3}) (\d+)us pid=/.exec(l);
    if (!m) continue;
    const key = `${m[1]} ${m[2].replace(/\/\d+(?=\/|$|\.)/g, '/{id}')}`;
    if (!by.has(key)) by.set(key, []);
    by.get(key).push(Number(m[4]));
  }
  const rows = [];
  for (const [k, v] of by) {
    v.sort((a, b) => a - b);
    const q = (p) => (v[Math.min(v.length - 1, Math.floor(p * v.length))] / 1000).toFixed(2);
    rows.push([k, v.length, q(0.5), q(0.99)]);
  }
  return rows.sort((a, b) => b[1] - a[1]);
}

// Warm up, then take the baseline memory.
stop = false;
const warm = Array.from({ length: CLIENTS }, (_, n) => loop(n));
await sleep(Math.min(30, SECONDS / 10) * 1000);
const rss0 = workerRss();
const t0 = Date.now();
await sleep(SECONDS * 1000);
stop = true;
await Promise.all(warm);
const rss1 = workerRss();
const max0 = Math.max(...rss0), max1 = Math.max(...rss1);
const growth = (max1 - max0) / max0;

console.log(`soak: ${((Date.now() - t0) / 1000).toFixed(0)} s after warm-up, ${CLIENTS} clients, ${counts.ok + counts.errors} page requests, errors: ${counts.errors}`);
for (const [k, v] of errors) console.log(`  error: ${k} x${v}`);
console.log(`  worker RSS (MiB): start max ${max0.toFixed(1)} mean ${(rss0.reduce((a, b) => a + b) / rss0.length).toFixed(1)}; end max ${max1.toFixed(1)} mean ${(rss1.reduce((a, b) => a + b) / rss1.length).toFixed(1)}; growth ${(growth * 100).toFixed(1)} %`);
console.log('  route (from the request log)                 requests   p50 ms   p99 ms');
for (const [k, n, p50, p99] of percentiles().slice(0, 25)) console.log(`  ${k.padEnd(45)} ${String(n).padStart(9)} ${p50.padStart(8)} ${p99.padStart(8)}`);
const ok = counts.errors === 0 && growth <= 0.10;
console.log(ok ? 'soak: PASS' : 'soak: FAIL');
process.exit(ok ? 0 : 1);
