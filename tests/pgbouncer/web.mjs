// The HTTP half of make pgbouncer (tests/pgbouncer/run.sh drives it, one step
// per call; the workers' GONGKAI_DSN names PgBouncer, not PostgreSQL):
//   node web.mjs web          pages answer, a citizen logs in and posts a board
//                             message; the same form_id sent again creates nothing
//   node web.mjs load N C     N GETs, C at a time, over pages that read the
//                             database; every one must answer 200
//   node web.mjs down         PgBouncer is stopped: a page that needs the database
//                             answers 503 (never 500), several times per worker
//   node web.mjs up           PgBouncer is back: the same workers answer 200 again
// Prints its counts; exits 1 when a check fails.
import { Client, DEMO, clientAs, psql, sleep, tokens } from '../lib/client.mjs';

const [mode, ...args] = process.argv.slice(2);
const fail = (msg) => {
  console.log(`pgbouncer: FAIL: ${msg}`);
  process.exit(1);
};
const policy = psql('SELECT min(id) FROM board_policies');
// Public pages (some micro-cached by nginx) and two that always reach the
// workers: a form (it stores a nonce) and a citizen's own page (a session
// cookie bypasses the cache).
const PAGES = ['/', '/policies', `/policies/${policy}`, '/faq', '/disclosure/apply'];

async function web() {
  const anon = new Client();
  for (const p of PAGES) {
    const r = await anon.get(p);
    if (r.status !== 200) fail(`GET ${p} answered ${r.status}`);
  }
  const c = new Client();
  const login = await c.login(DEMO.citizen.login, DEMO.citizen.password);
  if (login.status !== 303) fail(`citizen login answered ${login.status}`);
  if ((await c.get('/me')).status !== 200) fail('GET /me after login');
  const page = await c.get(`/policies/${policy}`);
  const t = tokens(page.text);
  if (!t.csrf || !t.formId) fail(`no message form on /policies/${policy}`);
  const marker = `连接池测试 ${process.pid}-${Date.now()}`;
  const fields = { csrf: t.csrf, form_id: t.formId, kind: 'consult', public: '1', body: `${marker}：请问如何申请？` };
  const first = await c.post(`/policies/${policy}/messages`, fields);
  if (first.status !== 303) fail(`posting a message answered ${first.status}: ${first.text.slice(0, 200)}`);
  // The person presses the button again: the same form, the same form_id.
  const again = await c.post(`/policies/${policy}/messages`, fields);
  if (again.status !== 303 || again.location !== first.location) fail(`the repeated form_id answered ${again.status} ${again.location}`);
  const stored = psql(`SELECT count(*) FROM board_messages WHERE body LIKE '${marker}%'`);
  console.log(`web: ${PAGES.length} pages 200; citizen login 303; message posted twice with one form_id -> ${first.location}, stored ${stored} time(s)`);
  if (stored !== '1') fail(`the message is stored ${stored} times`);
}

async function load(n, conc) {
  const citizen = await clientAs('citizen');
  const paths = [...PAGES, '/me'];
  const counts = {};
  let next = 0;
  const t0 = Date.now();
  const one = async () => {
    while (next < n) {
      const i = next++;
      const p = paths[i % paths.length];
      // /me as the citizen (reaches a worker every time), the rest anonymous.
      const r = await (p === '/me' ? citizen : new Client()).get(p);
      counts[r.status] = (counts[r.status] || 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: conc }, one));
  const s = (Date.now() - t0) / 1000;
  console.log(`load: ${n} GETs, ${conc} at a time, in ${s.toFixed(2)} s: ${JSON.stringify(counts)}`);
  if (counts[200] !== n) fail('a GET under load did not answer 200');
}

// /me needs the database on every request and is never cached.
async function down() {
  const c = await clientAs('citizen');
  const counts = {};
  for (let i = 0; i < 12; i++) {
    const r = await c.get('/me');
    counts[r.status] = (counts[r.status] || 0) + 1;
  }
  console.log(`down: /me while PgBouncer is stopped: ${JSON.stringify(counts)}`);
  if (counts[503] !== 12) fail('expected 503 for every request while the pooler is away');
}

async function up() {
  const c = await clientAs('citizen');
  const t0 = Date.now();
  let first;
  while (Date.now() - t0 < 10000) {
    if ((await c.get('/me')).status === 200) { first = Date.now(); break; }
    await sleep(50);
  }
  if (first === undefined) fail('no 200 within 10 s of PgBouncer coming back');
  // Every worker must have reconnected: 4 workers, 16 requests at a time.
  const rs = await Promise.all(Array.from({ length: 16 }, () => c.get('/me')));
  const ok = rs.filter((r) => r.status === 200).length;
  console.log(`up: first 200 ${((first - t0) / 1000).toFixed(2)} s after PgBouncer was back; then ${ok} of 16 concurrent /me 200`);
  if (ok !== 16) fail('not every request answered 200 after the restart');
}

if (mode === 'web') await web();
else if (mode === 'load') await load(Number(args[0]), Number(args[1]));
else if (mode === 'down') await down();
else if (mode === 'up') await up();
else fail(`unknown mode ${mode}`);
