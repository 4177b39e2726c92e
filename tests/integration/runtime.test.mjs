// The worker runtime: log lines, a killed worker is replaced, PostgreSQL
// going away gives 503 and coming back gives 200, migrations refuse an
// edited file, two instances run side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client, DEMO, REPO, VAR, gongkai, instance, psql, sleep } from '../lib/client.mjs';

function workerPids() {
  const master = readFileSync(path.join(VAR, 'run/gongkai.pid'), 'utf8').trim();
  const out = execFileSync('pgrep', ['-P', master], { encoding: 'utf8' }).trim();
  return out.split('\n').filter(Boolean).map(Number);
}

test('one log line per request: time, method, path, status, microseconds, pid', async () => {
  const marker = `/no-such-page-${Date.now()}`;
  await new Client().get(marker);
  await sleep(200);
  const log = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8');
  const line = log.split('\n').find((l) => l.includes(marker));
  assert.ok(line, 'request logged');
  assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d{4} GET ${marker} 404 \\d+us pid=\\d+$`));
});

test('the query string never reaches the log', async () => {
  const secret = `code${Date.now()}`;
  await new Client().get(`/account/login?next=/me&code=${secret}`);
  await sleep(200);
  assert.ok(!readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').includes(secret));
});

test('a worker killed with SIGKILL is replaced and the next requests succeed', async () => {
  const before = workerPids();
  assert.ok(before.length >= 2, 'several workers');
  process.kill(before[0], 'SIGKILL');
  // The next request is the one after it died (SIGKILL can land just as a
  // worker takes a connection, which then fails with it: any prefork
  // server has that window).
  for (let i = 0; i < 50 && workerPids().includes(before[0]); i++) await sleep(20);
  for (let i = 0; i < 20; i++) {
    const r = await new Client().get('/healthz');
    assert.equal(r.status, 200, `request ${i} after the kill: ${r.text.slice(0, 300)}`);
  }
  let after = [];
  for (let i = 0; i < 50 && after.length !== before.length; i++) {
    await sleep(100);
    after = workerPids();
  }
  assert.equal(after.length, before.length, 'as many workers as before');
  assert.ok(!after.includes(before[0]), 'the dead one is gone');
});

test('workers clean up expired form nonces and login failures', async () => {
  psql(`INSERT INTO form_submissions (form_id, location, created_at) VALUES ('expired-nonce-0123456789', '/', now() - interval '8 days'), ('fresh-nonce-0123456789ab', '/', now())`);
  psql(`INSERT INTO login_failures (login_hash, addr, at) VALUES ('\\x00', '192.0.2.1', now() - interval '2 days')`);
  // New workers tidy up before their first request's answer is long gone.
  for (const pid of workerPids()) process.kill(pid, 'SIGKILL');
  let ok = 0;
  for (let i = 0; i < 100 && ok < 20; i++) {
    if ((await new Client().get('/healthz')).status === 200) ok++;
    else await sleep(100);
  }
  assert.equal(ok, 20);
  await sleep(300);
  assert.equal(psql(`SELECT count(*) FROM form_submissions WHERE form_id = 'expired-nonce-0123456789'`), '0');
  assert.equal(psql(`SELECT count(*) FROM form_submissions WHERE form_id = 'fresh-nonce-0123456789ab'`), '1');
  assert.equal(psql(`SELECT count(*) FROM login_failures WHERE addr = '192.0.2.1'`), '0');
});

test('PostgreSQL stopped: 503 with Retry-After, nothing half-written; restarted: 200', async () => {
  const c = new Client();
  await c.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal((await c.get('/me')).status, 200);
  instance('pg-stop');
  try {
    for (const p of ['/healthz', '/me']) {
      const r = await c.get(p);
      assert.equal(r.status, 503, p);
      assert.ok(Number(r.headers.get('retry-after')) > 0, `${p}: Retry-After`);
      assert.match(r.text, /服务暂时不可用/);
    }
    const r = await new Client().register('13911112222', 'while the db is down', '断库');
    assert.equal(r.status, 503);
    assert.equal((await new Client().get('/')).status, 200, 'pages that need no database still answer');
  } finally {
    instance('pg-start');
  }
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = (await c.get('/healthz')).status === 200;
    if (!ok) await sleep(200);
  }
  assert.ok(ok, 'back to 200');
  // Every worker reconnects: a run of requests spread over them all passes.
  for (let i = 0; i < 20; i++) assert.equal((await c.get('/me')).status, 200);
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '断库'`), '0');
});

test('migrate is idempotent and refuses an applied migration that was edited', () => {
  assert.match(gongkai(['migrate']), /schema up to date \(0 migrations applied now/);
  const sum = psql('SELECT checksum FROM schema_migrations WHERE version = 1');
  psql(`UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1`);
  try {
    assert.throws(() => gongkai(['migrate']), (e) => /0001_core\.sql was changed after it was applied/.test(e.stderr));
  } finally {
    psql(`UPDATE schema_migrations SET checksum = '${sum}' WHERE version = 1`);
  }
  assert.match(gongkai(['migrate']), /schema up to date/);
});

test('the app role has only the grants it needs', () => {
  assert.throws(() => execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', `host=${VAR}/run dbname=gongkai user=gongkai_app passfile=${VAR}/secrets/pgpass`, '-c', 'CREATE TABLE x (a int)'], { stdio: 'pipe' }), /permission denied/);
  assert.throws(() => execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', `host=${VAR}/run dbname=gongkai user=gongkai_app passfile=${VAR}/secrets/pgpass`, '-c', 'UPDATE users SET role = $$admin$$'], { stdio: 'pipe' }), /permission denied/);
});

test('gongkai --help and staff add work from the command line', () => {
  assert.match(gongkai(['--help']), /staff add --login L --password P --dept D --role staff\|admin/);
  assert.match(gongkai(['staff', 'add', '--login', 'test.clerk', '--password', 'clerk password 1', '--dept', 'hyl', '--role', 'staff']), /ready/);
  assert.equal(psql(`SELECT d.name FROM users u JOIN departments d ON d.id = u.dept_id WHERE u.login_masked = 'test.clerk'`), '华阳路街道');
  assert.throws(() => gongkai(['staff', 'add', '--login', 'x.clerk', '--password', 'clerk password 1', '--dept', 'nowhere']), (e) => /no department/.test(e.stderr));
  assert.throws(() => gongkai(['staff', 'add', '--login', 'y.clerk', '--password', 'short', '--dept', 'hyl']), (e) => /at least 10/.test(e.stderr));
});

test('a second instance runs side by side on its own directory and port', async () => {
  const var2 = path.join(REPO, 'var-test2');
  const port2 = String(Number(process.env.GONGKAI_PORT || 8281) + 1);
  const env = { ...process.env, GONGKAI_VAR: var2, GONGKAI_PORT: port2, GONGKAI_DEMO: '0', GONGKAI_WORKERS: '2' };
  rmSync(var2, { recursive: true, force: true });
  try {
    execFileSync(path.join(REPO, 'scripts/instance.sh'), ['up'], { env, stdio: 'pipe', timeout: 120000 });
    const r2 = await fetch(`http://127.0.0.1:${port2}/healthz`);
    assert.equal(r2.status, 200);
    const r1 = await new Client().get('/healthz');
    assert.equal(r1.status, 200, 'the first instance is undisturbed');
    // GONGKAI_DEMO=0: departments and calendar, but no demo accounts.
    const q = (sql) => execFileSync(path.join(REPO, 'scripts/instance.sh'), ['psql', '-XAtq', '-c', sql], { env, encoding: 'utf8' }).trim();
    assert.equal(q('SELECT count(*) FROM users'), '0');
    assert.equal(q('SELECT count(*) FROM departments'), '35');
    assert.equal(q('SELECT count(*) FROM workday_calendar'), '1096');
    const res = await fetch(`http://127.0.0.1:${port2}/account/login`);
    assert.equal(res.status, 200);
  } finally {
    execFileSync(path.join(REPO, 'scripts/instance.sh'), ['down'], { env, stdio: 'pipe', timeout: 60000 });
    rmSync(var2, { recursive: true, force: true });
  }
});

test('SIGTERM: the workers finish the requests in hand, answers stay whole, then they stop', async () => {
  const pidFile = path.join(VAR, 'run/gongkai.pid');
  const master = Number(readFileSync(pidFile, 'utf8').trim());
  const results = [];
  const stopAt = Date.now() + 2000;
  const loop = async () => {
    while (Date.now() < stopAt) {
      try {
        const r = await fetch(`http://127.0.0.1:${process.env.GONGKAI_PORT || 8281}/`);
        const t = await r.text();
        results.push({ status: r.status, whole: t.trimEnd().endsWith('</html>') });
      } catch (e) {
        results.push({ error: String(e.cause || e) });
      }
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  await sleep(500);
  process.kill(master, 'SIGTERM');
  await Promise.all(loops);
  let gone = false;
  for (let i = 0; i < 100 && !gone; i++) {
    try { process.kill(master, 0); await sleep(100); } catch { gone = true; }
  }
  try {
    assert.ok(gone, 'the master exited');
    assert.ok(results.length > 20);
    for (const r of results) {
      assert.ok(!r.error, `no broken connection: ${r.error}`);
      assert.ok(r.whole, `a whole page (status ${r.status})`);
      assert.ok([200, 503].includes(r.status), `status ${r.status}`);
    }
    assert.ok(results.some((r) => r.status === 200), 'served before the stop');
    assert.ok(results.some((r) => r.status === 503), "nginx's 503 page after it");
  } finally {
    instance('up');
  }
  assert.equal((await new Client().get('/healthz')).status, 200, 'up again');
});
