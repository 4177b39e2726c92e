// Every route of the table (`gongkai routes`) is requested as anonymous,
// citizen, staff and admin, and must answer with the access level the table
// declares. A route added without thought for its access fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAs as as, gongkai, tokens } from '../lib/client.mjs';

const LEVEL = { public: 0, citizen: 1, staff: 2, admin: 3 };

function routes() {
  return gongkai(['routes']).trim().split('\n').map((l) => {
    const [method, pattern, access, flags = ''] = l.split(' ');
    return { method, pattern, access, dept: flags.includes('dept') };
  });
}

function concrete(pattern) {
  return pattern.replaceAll('{id}', '999999').replace(/\{[a-z_]+\}/g, 'zz-missing');
}

async function hit(c, r) {
  const path = concrete(r.pattern);
  if (r.method === 'GET') return c.get(path);
  const page = await c.get('/account/register');
  const t = tokens(page.text);
  return c.post(path, { csrf: t.csrf, form_id: t.formId });
}

const table = routes();

test('the route table is not empty and every row is well formed', () => {
  assert.ok(table.length >= 10);
  for (const r of table) {
    assert.ok(['GET', 'POST'].includes(r.method), r.method);
    assert.ok(r.pattern.startsWith('/'));
    assert.ok(r.access in LEVEL, `${r.pattern}: ${r.access}`);
  }
});

for (const role of ['anonymous', 'citizen', 'staff', 'admin']) {
  test(`every route answers ${role} by its declared access level`, async () => {
    const have = role === 'anonymous' ? -1 : LEVEL[role];
    for (const r of table) {
      const c = await as(role);
      const res = await hit(c, r);
      const where = `${role} ${r.method} ${r.pattern} (${r.access}) → ${res.status}`;
      const need = LEVEL[r.access];
      if (need === 0 || have >= need) {
        assert.notEqual(res.status, 401, where);
        assert.ok(!(res.status === 303 && (res.location || '').startsWith('/account/login?next=')), where);
        if (!(r.dept && res.status === 403)) assert.notEqual(res.status, 403, where);
        assert.ok(res.status < 500, where);
      } else if (role === 'anonymous') {
        if (r.method === 'GET') {
          assert.equal(res.status, 303, where);
          assert.ok(res.location.startsWith('/account/login?next='), where);
        } else {
          assert.equal(res.status, 401, where);
        }
      } else {
        assert.equal(res.status, 403, where);
      }
    }
  });
}
