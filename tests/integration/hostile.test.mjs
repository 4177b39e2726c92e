// Hostile input over HTTP, table-driven: every POST route of the table gets
// oversized fields, invalid UTF-8, NUL and control bytes, script and
// SQL-shaped text, absurd numbers, wrong content types and truncated
// multipart bodies. Every answer must be a 4xx with a page that says what
// went wrong (never a 5xx, never a success), and no table may grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, clientAs, psql, routeTable, tokens } from '../lib/client.mjs';

// Routes that succeed without any field: they create nothing.
// (they read no field, so a hostile one is simply not read).
const NO_FIELDS_OK = new Set(['/account/logout', '/account/logout-all', '/admin/open-month/{id}/no-shows']);
// Every field name of API.md, so each route meets hostile values in the
// fields it reads.
const FIELDS = ['login', 'password', 'name', 'next', 'kind', 'body', 'rating', 'public', 'action', 'reason',
  'question', 'answer', 'policy_id', 'message_id', 'title', 'doc_no', 'dept', 'published_on', 'interpretation',
  'phone', 'street', 'category', 'statement', 'topic', 'starts_at', 'place', 'seats', 'reserved_grassroots',
  'reserved_stakeholder', 'apply_from', 'apply_until', 'description', 'decision', 'seed_inputs', 'application_id',
  'opinion', 'adoption', 'explanation', 'ends_at', 'online_url', 'capacity', 'signup_until', 'code',
  'applicant_type', 'id_type', 'id_number', 'org_code', 'email', 'address', 'form', 'delivery', 'no', 'content',
  'channel', 'received_on', 'on', 'text', 'outcome', 'days', 'amount', 'approved_by', 'result', 'filed_on',
  'decided_on', 'year'];

function concrete(pattern) {
  return pattern.replaceAll('{id}', '1').replace(/\{[a-z_]+\}/g, 'zz-missing');
}

// Row counts of every table the application writes, except the logs that
// record refused attempts by design.
function snapshot() {
  return psql(`SELECT string_agg(format('%s=%s', relname, n), ',' ORDER BY relname) FROM (
    SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text AS n
    FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname = 'public' AND c.relkind = 'r'
      AND c.relname NOT IN ('audit_log', 'login_failures', 'form_submissions', 'schema_migrations', 'disclosure_track_failures')) t`);
}

function urlencoded(value) {
  return FIELDS.map((f) => `${f}=${value}`).join('&');
}

const big = 'x'.repeat(30000);
const CASES = [
  ['oversized fields', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded(big)}` })],
  ['invalid UTF-8', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded('%C3%28%FF')}` })],
  ['NUL byte', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded('a%00b')}` })],
  ['control characters', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded('a%01%1Bb')}` })],
  ['script text', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded(encodeURIComponent('<script>alert(1)</script>'))}` })],
  ['SQL-shaped text', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded(encodeURIComponent("'; DROP TABLE users; --"))}` })],
  ['negative numbers', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded('-1')}` })],
  ['huge numbers', (t) => ({ type: 'application/x-www-form-urlencoded', body: `csrf=${t.csrf}&form_id=${t.formId}&${urlencoded('99999999999999999999999')}` })],
  ['wrong content type', (t) => ({ type: 'application/json', body: JSON.stringify({ csrf: t.csrf, form_id: t.formId }) })],
  ['no content type', (t) => ({ type: null, body: `csrf=${t.csrf}` })],
  ['truncated multipart', (t) => ({ type: 'multipart/form-data; boundary=XyZ', body: `--XyZ\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${t.csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\ncut off` })],
  ['multipart without boundary', () => ({ type: 'multipart/form-data', body: 'whatever' })],
];

test('every POST route answers hostile input with a clear 4xx and stores nothing', async () => {
  const posts = routeTable().filter((r) => r.method === 'POST' && !NO_FIELDS_OK.has(r.pattern));
  assert.ok(posts.length >= 2);
  const before = snapshot();
  const c = await clientAs('admin');
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  let sent = 0;
  const bad = [];
  for (const r of posts) {
    for (const [name, make] of CASES) {
      const { type, body } = make(t);
      const headers = { cookie: c.cookieHeader() };
      if (type) headers['content-type'] = type;
      const res = await fetch(BASE + concrete(r.pattern), { method: 'POST', body, headers, redirect: 'manual' });
      const text = await res.text();
      sent++;
      if (res.status < 400 || res.status >= 500) bad.push(`${r.pattern} ${name}: ${res.status}`);
      else if (!/<h1>[^<]+<\/h1>/.test(text) && !/class="error/.test(text)) bad.push(`${r.pattern} ${name}: ${res.status} without a message`);
    }
  }
  assert.deepEqual(bad, []);
  assert.equal(snapshot(), before, 'no table grew');
  assert.ok(sent >= posts.length * CASES.length);
});
