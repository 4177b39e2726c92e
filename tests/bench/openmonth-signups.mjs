// Requests of tests/bench/module-openmonth.sh's sign-up load, made before
// the clock starts: one line per seeded citizen, "PATH<TAB>COOKIE<TAB>BODY",
// a POST of a sign-up to one activity with that citizen's session, CSRF
// token and a fresh form_id. wrk sends them (openmonth-signups.lua).
//
// Sessions and CSRF tokens are made here, the way tests/lib/client.mjs
// forgeToken does, with the bench instance's own key file: a browser's
// login (Argon2id, ~100 ms of CPU a time) is not what this measures. It is
// safe: nothing in the serving code changes, the accounts are seed accounts
// nobody can log in to, and whoever can read the key file could sign any
// session anyway.
//
//   node openmonth-signups.mjs ACTIVITY IDS_FILE KEYS_FILE > REQUESTS_FILE
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [activity, idsFile, keysFile] = process.argv.slice(2);
const ids = readFileSync(idsFile, 'utf8').split('\n').filter(Boolean).map(Number);

// The current key of a purpose is the one with the highest id (keys.c).
function currentKey(purpose) {
  let best = null;
  for (const line of readFileSync(keysFile, 'utf8').split('\n')) {
    const [p, kid, hex] = line.split(' ');
    if (p === purpose && (best === null || Number(kid) > best.kid)) best = { kid: Number(kid), key: Buffer.from(hex, 'hex') };
  }
  if (best === null) throw new Error(`no ${purpose} key in ${keysFile}`);
  return best;
}
const token = currentKey('token');
const csrfKey = currentKey('csrf').key;

// sess.c's session token: version, kid, user, role, dept, iat, exp, epoch,
// then HMAC-SHA-512-256 (HMAC-SHA-512 cut to 32 bytes).
function session(user) {
  const now = Math.floor(Date.now() / 1000);
  const p = Buffer.alloc(35);
  p[0] = 1;
  p[1] = token.kid;
  p.writeBigUInt64BE(BigInt(user), 2);
  p[10] = 1; // citizen
  p.writeUInt32BE(0, 11);
  p.writeBigUInt64BE(BigInt(now), 15);
  p.writeBigUInt64BE(BigInt(now + 3600), 23);
  p.writeUInt32BE(1, 31); // session_epoch of a new account
  const mac = createHmac('sha512', token.key).update(p).digest().subarray(0, 32);
  return Buffer.concat([p, mac]).toString('base64url');
}

const path = `/open-month/${activity}/signup`;
const lines = ids.map((user, i) => {
  const pre = randomBytes(18).toString('base64url');
  const csrf = createHmac('sha512', csrfKey).update('csrf1').update(pre).digest().subarray(0, 32).toString('base64url');
  const phone = '139' + String(i).padStart(8, '0');
  const body = new URLSearchParams({ csrf, form_id: randomBytes(18).toString('base64url'), name: '压测市民', phone }).toString();
  return `${path}\tgk_sess=${session(user)}; gk_pre=${pre}\t${body}\n`;
});
process.stdout.write(lines.join(''));
