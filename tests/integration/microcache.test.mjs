// nginx's one-second micro-cache of the board's public pages (docs/board.md
// "Micro-cache"): anonymous cookie-less GETs are served from the cache, a
// request carrying a session, a pre-session or the large-text cookie never
// is, nothing personal or cookie-setting is stored, POST and staff pages are
// never cached, and a change shows once the entry has expired.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, DEMO, VAR, clientAs, psql } from '../lib/client.mjs';

const POLICY = psql(`SELECT id FROM board_policies WHERE import_key = 'cn-qfb-2024-gongkai'`);
let n = 0;
// A URL of the policy page nobody else asks for (the app ignores the extra
// parameter; nginx's key is the whole request line).
const fresh = (p = `/policies/${POLICY}`) => `${p}${p.includes('?') ? '&' : '?'}mc=${process.pid}-${Date.now()}-${n++}`;
const xcache = (r) => r.headers.get('x-cache');

async function staff() {
  const c = new Client();
  assert.equal((await c.login(DEMO.staff.login, DEMO.staff.password)).status, 303);
  return c;
}

// Fetches without cookies until the answer is no longer from the cache
// entry made before (nginx counts whole seconds: an entry lives 1-2 s).
async function afterExpiry(p) {
  const until = Date.now() + 5000;
  for (;;) {
    const r = await new Client().get(p);
    if (xcache(r) !== 'HIT' || Date.now() > until) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

test('a second cookie-less GET within the second is a cache hit, with the same page', async () => {
  for (const p of [fresh(), fresh('/policies'), fresh('/policies?q=' + encodeURIComponent('养老')), fresh('/faq'), fresh('/faq.atom'), fresh(`/policies/${POLICY}/feed.atom`), fresh('/board/stats')]) {
    const a = await new Client().get(p);
    const b = await new Client().get(p);
    assert.equal(a.status, 200, p);
    assert.equal(xcache(a), 'MISS', p);
    assert.equal(xcache(b), 'HIT', p);
    assert.equal(b.text, a.text, p);
    // Browsers still keep nothing; nginx's marker never reaches the client.
    assert.equal(b.headers.get('cache-control'), 'no-store');
    assert.equal(b.headers.get('x-accel-expires'), null);
    assert.equal(b.headers.get('set-cookie'), null);
  }
});

test('a request with a session, a pre-session or the large-text cookie is never served from the cache', async () => {
  const p = fresh();
  await new Client().get(p);
  assert.equal(xcache(await new Client().get(p)), 'HIT');
  for (const cookie of ['gk_pre=abcdefghijklmnopqrstuvwx', 'gk_mode=large', 'gk_sess=not-a-valid-token']) {
    const r = await new Client().get(p, { headers: { cookie } });
    assert.equal(xcache(r), 'BYPASS', cookie);
  }
  const large = await new Client().get(p, { headers: { cookie: 'gk_mode=large' } });
  assert.match(large.text, /标准模式/, 'the large-text page, not the cached standard one');
});

test('logged-in pages are never cache hits and never show another person\'s page', async () => {
  const p = fresh();
  const anon = await new Client().get(p);
  assert.doesNotMatch(anon.text, /退出登录/);
  const citizen = await clientAs('citizen');
  const qfb = await staff();
  for (let i = 0; i < 3; i++) {
    const c = await citizen.get(p);
    const s = await qfb.get(p);
    assert.equal(xcache(c), 'BYPASS');
    assert.equal(xcache(s), 'BYPASS');
    assert.match(c.text, /退出登录/);
    assert.match(c.text, /name="body"/, 'the citizen gets the message form');
    assert.match(s.text, /工作台/, 'staff get their own header');
    assert.doesNotMatch(c.text, /工作台/);
  }
  // And what they saw was not stored for the next anonymous visitor.
  const after = await new Client().get(p);
  assert.notEqual(xcache(after), 'BYPASS');
  assert.doesNotMatch(after.text, /退出登录|name="csrf"|工作台/);
});

test('POST, staff pages and /me are never cached; pages that set a cookie are never stored', async () => {
  const c = await clientAs('citizen');
  const page = await c.get(`/policies/${POLICY}`);
  assert.match(page.text, /name="csrf"/);
  const post = await new Client().post(`/policies/${POLICY}/messages`, { body: 'x' });
  assert.notEqual(xcache(post), 'HIT');
  for (const p of ['/admin', '/admin/messages', '/admin/faq', '/me', '/account/login']) {
    const a = await c.get(p);
    const b = await c.get(p);
    assert.equal(b.headers.get('x-cache'), null, `${p}: not in the cached location`);
    assert.notEqual(xcache(a), 'HIT');
  }
  // A page that hands out a pre-session cookie gives every visitor their own.
  const r1 = await new Client().get('/account/register');
  const r2 = await new Client().get('/account/register');
  assert.ok(r1.headers.get('set-cookie') && r2.headers.get('set-cookie'));
  assert.notEqual(r1.headers.get('set-cookie'), r2.headers.get('set-cookie'));
  // nginx stores nothing carrying Set-Cookie unless told to ignore it, and the
  // app's marker is what decides: the config must keep both rules.
  const conf = readFileSync(path.join(VAR, 'nginx/nginx.conf'), 'utf8');
  const ignore = conf.match(/fastcgi_ignore_headers ([^;]*);/)[1];
  assert.doesNotMatch(ignore, /Set-Cookie|X-Accel-Expires/i);
  assert.doesNotMatch(conf, /fastcgi_cache_valid/, 'nothing is cached unless the app marks it');
});

test('a change shows to anonymous visitors once the second has passed; the writer sees it at once', async () => {
  const p = fresh();
  const old = psql(`SELECT title FROM board_policies WHERE id = ${POLICY}`);
  const first = await new Client().get(p);
  assert.ok(first.text.includes(old));
  const title = `${old}（${Date.now() % 100000}）`;
  const qfb = await staff();
  try {
    const saved = await qfb.submit(`/admin/policies/${POLICY}`, `/admin/policies/${POLICY}`, {
      title,
      doc_no: psql(`SELECT doc_no FROM board_policies WHERE id = ${POLICY}`),
      dept: 'qfb',
      published_on: psql(`SELECT published_on FROM board_policies WHERE id = ${POLICY}`),
      body: psql(`SELECT body FROM board_policies WHERE id = ${POLICY}`),
      interpretation: psql(`SELECT interpretation FROM board_policies WHERE id = ${POLICY}`),
    });
    assert.equal(saved.status, 303);
    // The editor (a session) sees the new title at once; so does any visitor with a cookie.
    assert.ok((await qfb.get(p)).text.includes(title));
    assert.ok((await (await clientAs('anonymous')).get(p)).text.includes(title));
    const cached = await new Client().get(p);
    if (xcache(cached) === 'HIT') assert.ok(!cached.text.includes(title), 'a hit is the page as it was');
    const later = await afterExpiry(p);
    assert.notEqual(xcache(later), 'HIT');
    assert.ok(later.text.includes(title), 'the change is visible after the entry expired');
  } finally {
    psql(`UPDATE board_policies SET title = '${old.replaceAll("'", "''")}' WHERE id = ${POLICY}`);
  }
});
