// A small HTTP client for the integration tests: a cookie jar, no automatic
// redirects (the tests check every 303), and helpers that fill a form the
// way a browser would: GET the page, take its csrf and form_id, POST.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const VAR = process.env.GONGKAI_VAR || path.join(REPO, 'var-test');
export const PORT = process.env.GONGKAI_PORT || '8281';
export const BASE = `http://127.0.0.1:${PORT}`;

export const DEMO = {
  admin: { login: 'admin', password: 'gongkai-admin-2024' },
  staff: { login: 'qfb.staff', password: 'gongkai-staff-2024' },
  otherStaff: { login: 'mzj.staff', password: 'gongkai-staff-2024' },
  citizen: { login: '13800138000', password: 'gongkai-citizen-2024' },
};

export class Client {
  constructor() {
    this.jar = new Map();
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  store(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const k = pair.slice(0, i).trim();
      const v = pair.slice(i + 1).trim();
      if (v === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.jar.delete(k);
      else this.jar.set(k, v);
    }
  }

  async request(method, p, { body, headers = {} } = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = this.cookieHeader();
    const res = await fetch(BASE + p, { method, body, headers: h, redirect: 'manual' });
    this.store(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(p, opts) {
    return this.request('GET', p, opts);
  }

  post(p, fields, opts = {}) {
    return this.request('POST', p, {
      body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(opts.headers || {}) },
    });
  }

  // GET formPage, then POST fields (plus its csrf and form_id) to action.
  async submit(formPage, action, fields, { keepFormId } = {}) {
    const page = await this.get(formPage);
    const t = tokens(page.text);
    const body = { csrf: t.csrf, form_id: keepFormId || t.formId, ...fields };
    const res = await this.post(action, body);
    res.formId = body.form_id;
    res.csrf = t.csrf;
    return res;
  }

  async register(login, password, name) {
    return this.submit('/account/register', '/account/register', { login, password, name });
  }

  async login(login, password, next) {
    const f = { login, password };
    if (next) f.next = next;
    return this.submit('/account/login', '/account/login', f);
  }

  // Logs out through the form in the page header.
  async logout() {
    const page = await this.get('/me');
    const t = tokens(page.text);
    return this.post('/account/logout', { csrf: t.csrf, form_id: t.formId });
  }
}

export function tokens(html) {
  const csrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(html);
  const formId = /<input type="hidden" name="form_id" value="([^"]+)">/.exec(html);
  return { csrf: csrf && csrf[1], formId: formId && formId[1] };
}

// Text of the element with the given id (first match), tags stripped.
export function byId(html, id) {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(html);
  return m ? m[1].trim() : null;
}

let counter = 0;
export function uniquePhone() {
  // 139 + 8 digits from time and a counter: unique within a test run.
  const n = (Date.now() % 1e6) * 100 + (counter++ % 100);
  return '139' + String(n).padStart(8, '0').slice(-8);
}

// psql as the instance's superuser (tests inspect and arrange state with it).
export function psql(sql) {
  return execFileSync(path.join(REPO, 'scripts/instance.sh'), ['psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, GONGKAI_VAR: VAR, GONGKAI_PORT: PORT },
    encoding: 'utf8',
  }).trim();
}

// psql as the superuser in the background (a transaction that holds a lock
// meanwhile, say); resolves with its exit code.
export function psqlBackground(sql) {
  const p = spawn(path.join(REPO, 'scripts/instance.sh'), ['psql', '-XAtq', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { ...process.env, GONGKAI_VAR: VAR, GONGKAI_PORT: PORT },
    stdio: 'ignore',
  });
  return new Promise((resolve) => p.on('exit', resolve));
}

// psql as the application's own role, to check its privileges.
export function psqlApp(sql) {
  const dsn = `host=${VAR}/run dbname=gongkai user=gongkai_app passfile=${VAR}/secrets/pgpass`;
  return execFileSync('psql', ['-XAtq', '-v', 'ON_ERROR_STOP=1', dsn, '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function instance(...args) {
  return execFileSync(path.join(REPO, 'scripts/instance.sh'), args, {
    env: { ...process.env, GONGKAI_VAR: VAR, GONGKAI_PORT: PORT },
    encoding: 'utf8',
  });
}

export function gongkai(args, opts = {}) {
  const bin = process.env.GONGKAI_BIN || path.join(REPO, 'bin/gongkai');
  return execFileSync(bin, args, { env: { ...process.env, GONGKAI_VAR: VAR }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

// A session token made with the instance's own key, for expiry tests.
export function forgeToken({ user, role, dept = 0, iat, exp, epoch }, kid = 1) {
  const keys = readFileSync(path.join(VAR, 'keys/gongkai.keys'), 'utf8');
  const line = keys.split('\n').find((l) => l.startsWith(`token ${kid} `));
  const key = Buffer.from(line.split(' ')[2], 'hex');
  const p = Buffer.alloc(35);
  p[0] = 1;
  p[1] = kid;
  p.writeBigUInt64BE(BigInt(user), 2);
  p[10] = { citizen: 1, staff: 2, admin: 3 }[role];
  p.writeUInt32BE(dept, 11);
  p.writeBigUInt64BE(BigInt(iat), 15);
  p.writeBigUInt64BE(BigInt(exp), 23);
  p.writeUInt32BE(epoch, 31);
  // crypto_auth is HMAC-SHA-512 truncated to 32 bytes.
  const mac = createHmac('sha512', key).update(p).digest().subarray(0, 32);
  return Buffer.concat([p, mac]).toString('base64url');
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A client carrying a session for a demo account, signed with the instance
// key (no password hashing per request), with its pre-session cookie.
export async function clientAs(role) {
  const c = new Client();
  await c.get('/account/register');
  if (role === 'anonymous') return c;
  const who = { citizen: '138****8000', staff: DEMO.staff.login, otherStaff: DEMO.otherStaff.login, admin: DEMO.admin.login }[role];
  const [id, epoch, dept, r] = psql(`SELECT id, session_epoch, coalesce(dept_id, 0), role FROM users WHERE login_masked = '${who}'`).split('|');
  const now = Math.floor(Date.now() / 1000);
  c.jar.set('gk_sess', forgeToken({ user: Number(id), role: r, dept: Number(dept), iat: now, exp: now + 3600, epoch: Number(epoch) }));
  return c;
}

// The GET routes of the table as concrete paths: {id}/{key} filled from
// samples (a module adds a query for its patterns), else a placeholder
// (which shows the 404 page).
export const SAMPLES = {
  '/meetings/{id}': 'SELECT id FROM meetings ORDER BY id LIMIT 1',
  '/meetings/{id}/draw': 'SELECT id FROM meetings ORDER BY id LIMIT 1',
  '/meetings/{id}/apply': 'SELECT id FROM meetings WHERE now() BETWEEN apply_from AND apply_until ORDER BY id LIMIT 1',
  '/admin/meetings/{id}': 'SELECT id FROM meetings ORDER BY id LIMIT 1',
  '/admin/meetings/{id}/applications/{id}': 'SELECT meeting_id, id FROM meeting_applications ORDER BY id LIMIT 1',
  '/me/applications/{id}': 'SELECT id FROM meeting_applications ORDER BY id LIMIT 1',
  '/open-month/{id}': 'SELECT id FROM om_activities ORDER BY id LIMIT 1',
  '/admin/open-month/{id}': 'SELECT id FROM om_activities ORDER BY id LIMIT 1',
  '/me/tickets/{key}': `SELECT s.code FROM om_signups s JOIN users u ON u.id = s.user_id WHERE u.login_masked = '138****8000' ORDER BY s.id LIMIT 1`,
  '/admin/open-month/{id}/tickets/{key}': 'SELECT activity_id, code FROM om_signups ORDER BY id LIMIT 1',
  '/admin/disclosure/{key}': 'SELECT no FROM disclosure_requests ORDER BY id LIMIT 1',
  '/policies/{id}': 'SELECT id FROM board_policies ORDER BY id LIMIT 1',
  // Staff samples: a record of the demo staff's own department (区府办) when there is one, so a
  // staff client opens it (another department's is a 403, which tests/integration/access covers).
  '/admin/policies/{id}': `SELECT id FROM board_policies ORDER BY dept_id = (SELECT id FROM departments WHERE code = 'qfb') DESC, id LIMIT 1`,
  '/admin/messages/{id}': `SELECT id FROM board_messages ORDER BY dept_id = (SELECT id FROM departments WHERE code = 'qfb') DESC, id LIMIT 1`,
  '/me/messages/{id}': `SELECT m.id FROM board_messages m JOIN users u ON u.id = m.author_id WHERE u.login_masked = '138****8000' ORDER BY m.id LIMIT 1`,
};
export function routeTable() {
  return gongkai(['routes']).trim().split('\n').map((l) => {
    const [method, pattern, access, flags = ''] = l.split(' ');
    return { method, pattern, access, dept: flags.includes('dept') };
  });
}
export function samplePath(pattern) {
  const q = SAMPLES[pattern];
  if (q) {
    const v = psql(q).split('\n')[0];
    if (v) {
      const vals = v.split('|');
      let i = 0;
      return pattern.replace(/\{[a-z_]+\}/g, () => vals[i++]);
    }
  }
  return pattern.replaceAll('{id}', '999999').replace(/\{[a-z_]+\}/g, 'zz-missing');
}
