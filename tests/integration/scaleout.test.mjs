// Scaling out (README "Scaling out"): the app served over FastCGI/TCP, as a
// second worker host would serve it. A second `gongkai serve` listens on
// 127.0.0.1:<free port> against the same database and keys; an nginx
// location /tcp/ passes to it. Pages, a login (CSRF, cookies, Argon2) and a
// write answer the same as over the unix socket. A bare ":port" (every
// interface) is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, DEMO, REPO, VAR, psql, sleep, tokens } from '../lib/client.mjs';

const BIN = process.env.GONGKAI_BIN || path.join(REPO, 'bin/gongkai');
const CONF = path.join(VAR, 'nginx/extra/tcp-test.conf');
const asUser = process.getuid() === 0 ? ['--user', 'gongkai'] : [];
let server;
let port;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

function nginxReload() {
  execFileSync('nginx', ['-p', `${VAR}/nginx/`, '-c', `${VAR}/nginx/nginx.conf`, '-e', `${VAR}/log/nginx-error.log`, '-s', 'reload']);
}

before(async () => {
  port = await freePort();
  server = spawn(BIN, ['serve', '--socket', `127.0.0.1:${port}`, '--workers', '2', ...asUser], {
    env: { ...process.env, GONGKAI_VAR: VAR },
    stdio: 'ignore',
    detached: true,
  });
  writeFileSync(CONF, `location /tcp/ {\n    rewrite ^/tcp(/.*)$ $1 break;\n    fastcgi_pass 127.0.0.1:${port};\n}\n`, { mode: 0o644 });
  nginxReload();
  for (let i = 0; i < 100; i++) {
    try {
      if ((await new Client().get('/tcp/healthz')).status === 200) return;
    } catch { /* nginx reloading */ }
    await sleep(100);
  }
  throw new Error('the app did not answer over FastCGI/TCP');
});

after(async () => {
  rmSync(CONF, { force: true });
  nginxReload();
  if (server && server.exitCode === null) {
    const gone = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([gone, sleep(15000)]);
    if (server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
  }
});

test('listens on the loopback address it was given, not on every interface', () => {
  const ss = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' });
  if (ss.status === 0) {
    // Columns: state, recv-q, send-q, local address:port, peer address:port.
    const local = ss.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)[3]);
    assert.deepEqual(local, [`127.0.0.1:${port}`]);
  }
  const bare = spawnSync(BIN, ['serve', '--socket', `:${port + 1}`, '--workers', '1'], { env: { ...process.env, GONGKAI_VAR: VAR }, encoding: 'utf8' });
  assert.equal(bare.status, 1);
  assert.match(bare.stderr + bare.stdout, /every interface/);
});

test('the home page over TCP is the home page over the unix socket', async () => {
  const c = new Client();
  const [viaTcp, viaUnix] = [await c.get('/tcp/'), await c.get('/')];
  assert.equal(viaTcp.status, 200);
  const title = (t) => /<title>([^<]*)<\/title>/.exec(t)[1];
  assert.equal(title(viaTcp.text), title(viaUnix.text));
  assert.equal(viaTcp.headers.get('content-type'), viaUnix.headers.get('content-type'));
});

test('login over TCP: the session works over either transport', async () => {
  const c = new Client();
  const r = await c.submit('/tcp/account/login', '/tcp/account/login', { login: DEMO.citizen.login, password: DEMO.citizen.password });
  assert.equal(r.status, 303);
  assert.equal((await c.get('/tcp/me')).status, 200);
  assert.equal((await c.get('/me')).status, 200, 'a session made by one host is valid on another (same key file)');
});

test('a write over TCP lands once in the shared database, a repeated form_id creates nothing', async () => {
  const c = new Client();
  const page = await c.get('/tcp/disclosure/apply');
  const t = tokens(page.text);
  const marker = `scaleout-${process.pid}-${Date.now()}`;
  const fields = {
    csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '横向扩展', id_type: 'id_card', id_number: '11010519491231002X',
    phone: '13700001111', email: '', address: '长宁路 100 号', description: `${marker} 请公开文件`, form: 'electronic', delivery: 'online', dept: '',
  };
  const send = () => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    return c.request('POST', '/tcp/disclosure/apply', { body: fd });
  };
  const first = await send();
  assert.equal(first.status, 303, first.text.slice(0, 300));
  const again = await send();
  assert.equal(again.status, 303);
  assert.equal(again.location, first.location);
  assert.equal(psql(`SELECT count(*) FROM disclosure_requests WHERE description LIKE '${marker} %'`), '1');
});

// failover, planned: an old primary is fenced (default_transaction_read_only)
// before its standby is promoted. Workers holding connections to it must not
// keep failing writes with 500s: db.c answers 503 and drops the connection,
// so that the next request reconnects (with target_session_attrs=read-write,
// to the new primary; make failover shows the multi-host half).
test('a server turned read-only under live connections: 503, nothing stored, connection remade', async () => {
  const c = new Client();
  const page = await c.get('/disclosure/apply');
  const t = tokens(page.text);
  const marker = `readonly-${process.pid}-${Date.now()}`;
  const send = () => {
    const fd = new FormData();
    const fields = {
      csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '只读', id_type: 'id_card', id_number: '11010519491231002X',
      phone: '13700002222', email: '', address: '长宁路 100 号', description: `${marker} 请公开文件`, form: 'electronic', delivery: 'online', dept: '',
    };
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    return c.request('POST', '/disclosure/apply', { body: fd });
  };
  const logBefore = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').length;
  psql('ALTER SYSTEM SET default_transaction_read_only = on');
  try {
    psql('SELECT pg_reload_conf()');
    await sleep(300);
    // One write per worker at least, so that every live connection meets it.
    for (let i = 0; i < 8; i++) {
      const r = await send();
      assert.equal(r.status, 503, r.text.slice(0, 300));
      assert.match(r.text, /服务暂时不可用/);
    }
    assert.equal(psql(`SELECT count(*) FROM disclosure_requests WHERE description LIKE '${marker} %'`), '0');
    const log = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').slice(logBefore);
    assert.match(log, /server is read-only; reconnecting/);
    assert.doesNotMatch(log, /statement \S+ failed: .*read-only/, 'not logged as a bug');
  } finally {
    psql('ALTER SYSTEM RESET default_transaction_read_only');
    psql('SELECT pg_reload_conf()');
  }
  await sleep(300);
  const r = await send();
  assert.equal(r.status, 303, 'the same form_id goes through once the server takes writes');
  assert.equal(psql(`SELECT count(*) FROM disclosure_requests WHERE description LIKE '${marker} %'`), '1');
});
