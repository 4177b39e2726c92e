// Load generator of tests/bench/module-openmonth.sh: POST sign-ups to one
// activity from CONNS keep-alive connections, each request a different
// seeded citizen, until every citizen has tried once or DURATION seconds
// are up. Prints one line of JSON: sign-ups (303), errors, seconds,
// sign-ups/s, p50 and p99 in ms.
//
// Sessions and CSRF tokens are made here, the way tests/lib/client.mjs
// forgeToken does, with the bench instance's own key file: a browser's
// login (Argon2id, ~100 ms of CPU a time) is not what this measures. It is
// safe: nothing in the serving code changes, the accounts are seed accounts
// nobody can log in to, and whoever can read the key file could sign any
// session anyway.
//
//   node openmonth-signups.mjs BASE ACTIVITY IDS_FILE KEYS_FILE CONNS DURATION
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [base, activity, idsFile, keysFile, connsArg, durationArg] = process.argv.slice(2);
const conns = Number(connsArg);
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

// One request's cookie and body, made before the clock starts.
const requests = ids.map((user, i) => {
  const pre = randomBytes(18).toString('base64url');
  const csrf = createHmac('sha512', csrfKey).update('csrf1').update(pre).digest().subarray(0, 32).toString('base64url');
  const phone = '139' + String(i).padStart(8, '0');
  const body = new URLSearchParams({ csrf, form_id: randomBytes(18).toString('base64url'), name: '压测市民', phone }).toString();
  return { cookie: `gk_sess=${session(user)}; gk_pre=${pre}`, body };
});

const url = new URL(`/open-month/${activity}/signup`, base);
const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
function post(req) {
  return new Promise((resolve) => {
    const r = http.request(url, {
      method: 'POST', agent,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(req.body), cookie: req.cookie },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    r.on('error', () => resolve(0));
    r.end(req.body);
  });
}

let next = 0, ok = 0, errors = 0;
const latencies = [];
const codes = {};
async function client() {
  while (next < requests.length && Date.now() < deadline) {
    const req = requests[next++];
    const t0 = process.hrtime.bigint();
    const status = await post(req);
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (status === 303) ok++;
    else { errors++; codes[status] = (codes[status] || 0) + 1; }
  }
}

// the clock starts once every request is made
const deadline = Date.now() + Number(durationArg) * 1000;
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: conns }, client));
const secs = Number(process.hrtime.bigint() - start) / 1e9;
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (q) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0);
console.log(JSON.stringify({
  signups: ok, errors, codes, seconds: Number(secs.toFixed(2)),
  rate: Number((ok / secs).toFixed(1)), p50: Number(pct(0.5).toFixed(2)), p99: Number(pct(0.99).toFixed(2)),
}));
