// The HTTP surface every page shares: security headers, 404, 405, limits,
// UTF-8 checks, static files from nginx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Client, psql, tokens } from '../lib/client.mjs';

function assertSecurityHeaders(h, where) {
  const csp = h.get('content-security-policy') || '';
  assert.match(csp, /default-src 'self'/, `${where}: CSP`);
  assert.doesNotMatch(csp, /unsafe-inline/, `${where}: no inline script or style`);
  assert.match(csp, /frame-ancestors 'none'/, `${where}: frame-ancestors`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `${where}: nosniff`);
  assert.ok(h.get('referrer-policy'), `${where}: Referrer-Policy`);
}

test('home page is Chinese, navigable, and carries security headers', async () => {
  const c = new Client();
  const r = await c.get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html; charset=utf-8/);
  assertSecurityHeaders(r.headers, 'GET /');
  assert.match(r.text, /<html lang="zh-CN">/);
  assert.match(r.text, /<a class="skip" href="#main">跳到主要内容<\/a>/);
  assert.match(r.text, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  for (const href of ['/policies', '/meetings', '/open-month', '/disclosure/apply', '/account/login', '/account/register']) {
    assert.ok(r.text.includes(`href="${href}"`), `home links to ${href}`);
  }
  assert.doesNotMatch(r.text, /<script/, 'no script on the page');
  assert.doesNotMatch(r.text, /style=/, 'no inline style');
});

test('static CSS is served by nginx with the same headers', async () => {
  const r = await new Client().get('/static/site.css');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/css/);
  assertSecurityHeaders(r.headers, 'static');
  assert.match(r.text, /:focus-visible/);
});

test('unknown path: 404 page in Chinese with headers', async () => {
  const r = await new Client().get('/no/such/page');
  assert.equal(r.status, 404);
  assert.match(r.text, /页面不存在/);
  assertSecurityHeaders(r.headers, '404');
});

test('wrong method: 405 with Allow', async () => {
  const c = new Client();
  let r = await c.post('/', {});
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET, HEAD');
  r = await c.get('/account/logout');
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'POST');
  r = await c.request('PUT', '/account/login');
  assert.equal(r.status, 405);
  assert.ok(r.headers.get('allow'));
});

test('HEAD answers like GET without a body', async () => {
  const r = await new Client().request('HEAD', '/');
  assert.equal(r.status, 200);
  assert.equal(r.text, '');
});

test('a body over the cap gets 413 and stores nothing', async () => {
  const c = new Client();
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  const name = 'big' + Date.now();
  const r = await c.post('/account/register', {
    csrf: t.csrf, form_id: t.formId, login: '13912345678', password: 'longenough123', name, pad: 'x'.repeat(2 * 1024 * 1024),
  });
  assert.equal(r.status, 413);
  assert.match(r.text, /过大/);
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '${name}'`), '0');
});

test('invalid UTF-8 in a field: 400 with a clear message, nothing stored', async () => {
  const c = new Client();
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  const body = `csrf=${t.csrf}&form_id=${t.formId}&login=13912345679&password=longenough123&name=%C3%28bad`;
  const r = await c.request('POST', '/account/register', {
    body, headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  assert.equal(r.status, 400);
  assert.match(r.text, /UTF-8/);
  assert.equal(psql(`SELECT count(*) FROM users WHERE name LIKE '%bad'`), '0');
});

test('invalid UTF-8 in the query string: 400', async () => {
  const r = await new Client().get('/account/login?next=%FF%FE');
  assert.equal(r.status, 400);
});

test('malformed multipart: 400, nothing stored', async () => {
  const c = new Client();
  const page = await c.get('/account/register');
  assert.ok(tokens(page.text).csrf);
  const r = await c.request('POST', '/account/register', {
    body: '--XYZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nno end',
    headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
  });
  assert.equal(r.status, 400);
});

test('a form posted as multipart is read like urlencoded', async () => {
  const c = new Client();
  const page = await c.get('/account/login');
  const t = tokens(page.text);
  const fd = new FormData();
  fd.set('csrf', t.csrf);
  fd.set('form_id', t.formId);
  fd.set('login', '13800138000');
  fd.set('password', 'wrong-password-x');
  const res = await fetch(BASE + '/account/login', { method: 'POST', body: fd, headers: { cookie: c.cookieHeader() }, redirect: 'manual' });
  assert.equal(res.status, 422, 'parsed, validated, and refused for the wrong password');
  assert.match(await res.text(), /账号或密码不正确/);
  psql(`DELETE FROM login_failures`);
});

test('the large-text mode is switched by a link on every page and remembered', async () => {
  const c = new Client();
  const page = await c.get('/account/login');
  assert.match(page.text, /<a class="mode-switch" href="\/prefs\/display\?mode=large&amp;back=%2Faccount%2Flogin">长者模式（大字）<\/a>/);
  const r = await c.get('/prefs/display?mode=large&back=%2Faccount%2Flogin');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/account/login');
  assert.equal(c.jar.get('gk_mode'), 'large');
  const big = await c.get('/account/login');
  assert.match(big.text, /<html lang="zh-CN" class="large">/);
  assert.match(big.text, />标准模式<\/a>/);
  const back = await c.get('/prefs/display?mode=normal&back=/');
  assert.equal(back.location, '/');
  assert.ok(!c.jar.has('gk_mode'));
  assert.match((await c.get('/')).text, /<html lang="zh-CN">/);
  assert.equal((await c.get('/prefs/display?mode=huge')).status, 400);
  assert.equal((await c.get('/prefs/display?mode=large&back=//evil.example')).location, '/');
});
