// Personal data at rest: the raw tables and a pg_dump of the database hold
// no phone number, e-mail address, ID number or address in clear. Modules
// that store more personal data add what they submit to SUBMITTED.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client, DEMO, REPO, VAR } from '../lib/client.mjs';

test('no phone or e-mail in clear in the database or its dump', async () => {
  const phone = '13912340987';
  const mail = `private.person.${Date.now()}@example.org`;
  assert.equal((await new Client().register(phone, 'private data 1', '隐私测试')).status, 303);
  assert.equal((await new Client().register(mail, 'private data 1', '隐私测试二')).status, 303);
  const SUBMITTED = [phone, mail, DEMO.citizen.login];
  const dump = execFileSync(path.join(REPO, 'scripts/instance.sh'), ['psql', '-XAtq', '-c', 'SELECT 1'], { env: { ...process.env, GONGKAI_VAR: VAR }, encoding: 'utf8' }) && execFileSync('/usr/lib/postgresql/15/bin/pg_dump', ['-h', `${VAR}/run`, '-U', 'postgres', '-d', 'gongkai', '--data-only'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  assert.ok(dump.length > 1000 && dump.includes('COPY public.users'), 'the dump has the users');
  for (const v of SUBMITTED) {
    assert.ok(!dump.includes(v), `${v} is not in the dump`);
    assert.ok(!dump.toLowerCase().includes(v.toLowerCase()), `${v} is not in the dump in any case`);
  }
  assert.ok(dump.includes('139****0987'), 'the masked form is what is kept');
});
