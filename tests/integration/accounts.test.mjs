// Accounts and sessions end to end: register, log in, log out, /me, bad
// input, CSRF, form nonces, forged / expired / revoked tokens, throttling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, DEMO, byId, forgeToken, psql, psqlApp, tokens, uniquePhone } from '../lib/client.mjs';

test('register lands on /me logged in, with the login masked', async () => {
  const c = new Client();
  const phone = uniquePhone();
  const r = await c.register(phone, 'correct horse battery', '李四');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/me');
  assert.ok(c.jar.has('gk_sess'), 'session cookie set');
  const me = await c.get('/me');
  assert.equal(me.status, 200);
  assert.equal(byId(me.text, 'me-name'), '李四');
  assert.equal(byId(me.text, 'me-login'), `${phone.slice(0, 3)}****${phone.slice(7)}`);
  assert.ok(!me.text.includes(phone), 'the full number is not shown');
  // At rest: sealed, never in clear.
  const stored = psql(`SELECT encode(login_enc, 'escape') || login_masked FROM users WHERE name = '李四' ORDER BY id DESC LIMIT 1`);
  assert.ok(!stored.includes(phone));
});

test('session cookie is HttpOnly and SameSite=Lax', async () => {
  const c = new Client();
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  const res = await fetch('http://127.0.0.1:' + (process.env.GONGKAI_PORT || 8281) + '/account/register', {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c.cookieHeader() },
    body: new URLSearchParams({ csrf: t.csrf, form_id: t.formId, login: uniquePhone(), password: 'abcdefghijk', name: '王五' }),
  });
  assert.equal(res.status, 303);
  const sess = res.headers.getSetCookie().find((s) => s.startsWith('gk_sess='));
  assert.match(sess, /HttpOnly/);
  assert.match(sess, /SameSite=Lax/);
  assert.match(sess, /Path=\//);
});

test('bad registration: 422, a message beside each field, values kept, nothing stored', async () => {
  const c = new Client();
  const name = '赵' + Date.now();
  const r = await c.register('12345', 'short', name);
  assert.equal(r.status, 422);
  assert.match(r.text, /class="error-summary"/);
  assert.match(r.text, /请填写 11 位手机号/);
  assert.match(r.text, /密码至少需要 10 个字符/);
  assert.match(r.text, new RegExp(`name="name" type="text" value="${name}"`), 'name kept');
  assert.match(r.text, /name="login" type="text" value="12345"/, 'login kept');
  assert.doesNotMatch(r.text, /value="short"/, 'password never echoed');
  assert.match(r.text, /aria-invalid="true"/);
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '${name}'`), '0');
  const empty = await c.register('', '', '');
  assert.equal(empty.status, 422);
  assert.match(empty.text, /请填写姓名/);
  assert.match(empty.text, /请填写手机号或电子邮箱/);
});

test('a login already registered is refused with a message', async () => {
  const c = new Client();
  const r = await c.register(DEMO.citizen.login, 'another password', '冒名');
  assert.equal(r.status, 422);
  assert.match(r.text, /已经注册/);
});

test('e-mail logins are normalised: same address, other case, logs in', async () => {
  const c = new Client();
  const mail = `User${Date.now()}@Example.CN`;
  assert.equal((await c.register(mail, 'mail password 1', '邮箱用户')).status, 303);
  const d = new Client();
  const r = await d.login(mail.toLowerCase(), 'mail password 1');
  assert.equal(r.status, 303);
  const me = await d.get('/me');
  assert.match(byId(me.text, 'me-login'), /^u\*\*\*@example\.cn$/);
});

test('login: wrong password 422, right password 303 /me, next honoured', async () => {
  const c = new Client();
  let r = await c.login(DEMO.citizen.login, 'not the password');
  assert.equal(r.status, 422);
  assert.match(r.text, /账号或密码不正确/);
  assert.match(r.text, /name="login" type="text" value="13800138000"/);
  r = await c.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal(r.status, 303);
  assert.equal(r.location, '/me');
  const d = new Client();
  r = await d.login(DEMO.citizen.login, DEMO.citizen.password, '/me?tab=1');
  assert.equal(r.location, '/me?tab=1');
  const e = new Client();
  r = await e.login(DEMO.citizen.login, DEMO.citizen.password, '//evil.example/');
  assert.equal(r.location, '/me', 'an off-site next is ignored');
  psql(`DELETE FROM login_failures`);
});

test('a page that needs login redirects there and comes back', async () => {
  const c = new Client();
  let r = await c.get('/me');
  assert.equal(r.status, 303);
  assert.equal(r.location, '/account/login?next=/me');
  const page = await c.get(r.location);
  assert.match(page.text, /<input type="hidden" name="next" value="\/me">/);
});

test('logout ends the session; the old page needs login again', async () => {
  const c = new Client();
  await c.login(DEMO.citizen.login, DEMO.citizen.password);
  const r = await c.logout();
  assert.equal(r.status, 303);
  assert.equal(r.location, '/');
  assert.ok(!c.jar.has('gk_sess'));
  assert.equal((await c.get('/me')).status, 303);
});

test('logout everywhere revokes every token of the account', async () => {
  const phone = uniquePhone();
  const a = new Client();
  await a.register(phone, 'revocation test', '钱六');
  const b = new Client();
  await b.login(phone, 'revocation test');
  assert.equal((await b.get('/me')).status, 200);
  const me = await a.get('/me');
  const t = tokens(me.text);
  const r = await a.post('/account/logout-all', { csrf: t.csrf, form_id: t.formId });
  assert.equal(r.status, 303);
  assert.equal((await b.get('/me')).status, 303, 'the other device is logged out');
});

test('forged, expired and garbage tokens are simply "not logged in"', async () => {
  const good = new Client();
  await good.login(DEMO.citizen.login, DEMO.citizen.password);
  const tok = good.jar.get('gk_sess');
  const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  for (const bad of [flip(tok, 5), flip(tok, 40), flip(tok, tok.length - 3), tok.slice(0, -2), 'garbage', '']) {
    const c = new Client();
    c.jar.set('gk_sess', bad);
    const r = await c.get('/me');
    assert.equal(r.status, 303, `token ${bad.slice(0, 12)}… refused`);
  }
  const uid = Number(psql(`SELECT id FROM users WHERE login_masked = '138****8000'`));
  const epoch = Number(psql(`SELECT session_epoch FROM users WHERE id = ${uid}`));
  const now = Math.floor(Date.now() / 1000);
  const valid = new Client();
  valid.jar.set('gk_sess', forgeToken({ user: uid, role: 'citizen', iat: now, exp: now + 600, epoch }));
  assert.equal((await valid.get('/me')).status, 200, 'a correctly signed token works (the test forges right)');
  const expired = new Client();
  expired.jar.set('gk_sess', forgeToken({ user: uid, role: 'citizen', iat: now - 7200, exp: now - 60, epoch }));
  assert.equal((await expired.get('/me')).status, 303, 'expired token refused');
  const stale = new Client();
  stale.jar.set('gk_sess', forgeToken({ user: uid, role: 'citizen', iat: now, exp: now + 600, epoch: epoch - 1 }));
  assert.equal((await stale.get('/me')).status, 303, 'token of an older epoch refused');
  const unknownKid = new Client();
  unknownKid.jar.set('gk_sess', tok.slice(0, 2) === 'AQ' ? 'Af' + tok.slice(2) : tok);
  assert.equal((await unknownKid.get('/me')).status, 303);
});

test('CSRF: a POST without or with a wrong token is 403 and stores nothing', async () => {
  const c = new Client();
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  const name = '跨站' + Date.now();
  const fields = { form_id: t.formId, login: uniquePhone(), password: 'csrf test 123', name };
  let r = await c.post('/account/register', fields);
  assert.equal(r.status, 403);
  assert.match(r.text, /页面已过期/);
  r = await c.post('/account/register', { ...fields, csrf: t.csrf.slice(0, -1) + (t.csrf.endsWith('A') ? 'B' : 'A') });
  assert.equal(r.status, 403);
  const other = new Client();
  r = await other.post('/account/register', { ...fields, csrf: t.csrf });
  assert.equal(r.status, 403, "another browser's token does not fit this one");
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '${name}'`), '0');
  r = await c.post('/account/register', { ...fields, csrf: t.csrf });
  assert.equal(r.status, 303, 'the right token works');
});

test('a repeated form_id creates nothing new and answers the same 303', async () => {
  const c = new Client();
  const phone = uniquePhone();
  const name = '重复' + Date.now();
  const first = await c.register(phone, 'double click', name);
  assert.equal(first.status, 303);
  const d = new Client();
  d.jar = new Map(c.jar);
  const again = await d.post('/account/register', { csrf: first.csrf, form_id: first.formId, login: phone, password: 'double click', name });
  assert.equal(again.status, 303);
  assert.equal(again.location, first.location);
  // Concurrent duplicates too: five at once with one nonce.
  const e = new Client();
  const page = await e.get('/account/register');
  const t = tokens(page.text);
  const name2 = '并发' + Date.now();
  const rs = await Promise.all([1, 2, 3, 4, 5].map(() => e.post('/account/register', { csrf: t.csrf, form_id: t.formId, login: uniquePhone(), password: 'double click', name: name2 })));
  for (const r of rs) assert.equal(r.status, 303);
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '${name}'`), '1');
  assert.equal(psql(`SELECT count(*) FROM users WHERE name = '${name2}'`), '1');
});

test('script in a name is shown escaped', async () => {
  const c = new Client();
  const name = '<script>alert(1)</script>';
  assert.equal((await c.register(uniquePhone(), 'escaping test', name)).status, 303);
  const me = await c.get('/me');
  assert.ok(me.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!me.text.includes('<script>alert'));
});

test('SQL-shaped input is stored and shown as text, harmlessly', async () => {
  const c = new Client();
  const name = "Robert'); DROP TABLE users;--";
  assert.equal((await c.register(uniquePhone(), 'sql shaped 1', name)).status, 303);
  const me = await c.get('/me');
  assert.equal(byId(me.text, 'me-name'), 'Robert&#39;); DROP TABLE users;--');
  assert.ok(Number(psql('SELECT count(*) FROM users')) > 1, 'users table intact');
  const r = await new Client().login("' OR '1'='1", "' OR '1'='1");
  assert.equal(r.status, 422);
  psql(`DELETE FROM login_failures`);
});

test('staff land on /admin; citizens are refused there; anonymous are sent to login', async () => {
  const s = new Client();
  const r = await s.login(DEMO.staff.login, DEMO.staff.password);
  assert.equal(r.location, '/admin');
  const admin = await s.get('/admin');
  assert.equal(admin.status, 200);
  assert.match(admin.text, /区府办/);
  const c = new Client();
  await c.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal((await c.get('/admin')).status, 403);
  assert.equal((await new Client().get('/admin')).location, '/account/login?next=/admin');
});

test('staff logins and logouts are in the audit trail, which the app cannot rewrite', async () => {
  const s = new Client();
  await s.login(DEMO.otherStaff.login, DEMO.otherStaff.password);
  await s.logout();
  const rows = psql(`SELECT a.action FROM audit_log a JOIN users u ON u.id = a.actor_id WHERE u.login_masked = 'mzj.staff' ORDER BY a.id DESC LIMIT 2`);
  assert.deepEqual(rows.split('\n'), ['logout', 'login']);
  const admin = new Client();
  await admin.login(DEMO.admin.login, DEMO.admin.password);
  const page = await admin.get('/admin/audit');
  assert.equal(page.status, 200);
  assert.match(page.text, /区民政局 李强/);
  const staff = new Client();
  await staff.login(DEMO.staff.login, DEMO.staff.password);
  const own = await staff.get('/admin/audit');
  assert.ok(!own.text.includes('区民政局 李强'), 'staff see only their department');
  assert.throws(() => psqlApp('UPDATE audit_log SET action = $$x$$'), /permission denied/);
  assert.throws(() => psqlApp('DELETE FROM audit_log'), /permission denied/);
  assert.throws(() => psql('DELETE FROM audit_log'), /append-only/);
});

test('the 6th failed login within 15 minutes waits, even with the right password', async () => {
  psql(`DELETE FROM login_failures`);
  const c = new Client();
  for (let i = 1; i <= 5; i++) {
    const r = await c.login(DEMO.citizen.login, `wrong ${i} xxxxx`);
    assert.equal(r.status, 422, `failure ${i}`);
  }
  const r = await c.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal(r.status, 429);
  assert.match(r.text, /登录失败次数过多/);
  assert.ok(Number(r.headers.get('retry-after')) > 0);
  // Another account from the same address is not locked by this one.
  const s = new Client();
  assert.equal((await s.login(DEMO.staff.login, DEMO.staff.password)).status, 303);
  psql(`DELETE FROM login_failures`);
  assert.equal((await c.login(DEMO.citizen.login, DEMO.citizen.password)).status, 303);
});

test('failures from one address across many accounts are limited too', async () => {
  psql(`DELETE FROM login_failures`);
  const c = new Client();
  // GONGKAI_LOGIN_FAIL_ADDR defaults to 30 per 15 minutes.
  for (let i = 0; i < 30; i++) {
    const r = await c.login(`1390000${String(1000 + i)}`, 'guessing password');
    assert.equal(r.status, 422, `failure ${i + 1}`);
  }
  const r = await c.login(DEMO.citizen.login, DEMO.citizen.password);
  assert.equal(r.status, 429, 'the address must wait, whatever account it tries');
  psql(`DELETE FROM login_failures`);
  assert.equal((await c.login(DEMO.citizen.login, DEMO.citizen.password)).status, 303);
});
