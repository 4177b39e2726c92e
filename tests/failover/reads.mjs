// Read-only pages from the standby (make failover, before the rounds). The
// workers run with GONGKAI_READ_DSN (both servers, prefer-standby) and
// GONGKAI_READ_PATHS="/faq /policies". With replay paused on the standby, an
// FAQ entry committed on the primary (synchronous commit waits for the
// standby's flush, not its replay) is missing from GET /faq: the page came
// from the standby. Once replay resumes it appears. Prints how stale the
// page was; exits 1 if the page did not come from the standby.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, DEMO, VAR, sleep } from '../lib/client.mjs';

const RUN = process.env.FAILOVER_RUN;
const PRIMARY = process.env.FAILOVER_OLD_SOCK, STANDBY = process.env.FAILOVER_NEW_SOCK;
const sql = (sock, q) => execFileSync(RUN, ['psql', sock, '-At', '-c', q], { encoding: 'utf8' }).trim();
const marker = `读取测试${process.pid}号`;
const logAt = readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').length;

// Every worker opens its read connection (4 workers, nginx spreads requests).
const c = new Client();
for (let i = 0; i < 12; i++) {
  const r = await c.get('/faq');
  if (r.status !== 200) throw new Error(`GET /faq answered ${r.status}`);
}
// The other read path, listing and one policy, anonymous and as a citizen.
const pid = sql(PRIMARY, 'SELECT min(id) FROM board_policies');
const citizen = new Client();
if ((await citizen.login(DEMO.citizen.login, DEMO.citizen.password)).status !== 303) throw new Error('citizen login failed');
for (const who of [c, citizen]) {
  for (const p of ['/policies', `/policies/${pid}`]) {
    const r = await who.get(p);
    if (r.status !== 200) throw new Error(`GET ${p} answered ${r.status}`);
  }
}
const onStandby = Number(sql(STANDBY, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'gongkai_app'"));

sql(STANDBY, 'SELECT pg_wal_replay_pause()');
let stale = 0, pages = 0, t1;
try {
  sql(PRIMARY, `INSERT INTO board_faq (question, answer, dept_id) SELECT '${marker}：问题', '答案', min(id) FROM departments`);
  const t0 = Date.now();
  for (let i = 0; i < 12; i++) {
    pages++;
    if (!(await c.get('/faq')).text.includes(marker)) stale++;
  }
  sql(STANDBY, 'SELECT pg_wal_replay_resume()');
  const tResume = Date.now();
  for (let i = 0; i < 100; i++) {
    if ((await c.get('/faq')).text.includes(marker)) { t1 = Date.now(); break; }
    await sleep(50);
  }
  console.log(`reads: GET /faq from the standby: ${onStandby} app connections on the standby; with replay paused ${stale} of ${pages} pages lacked the new entry (${((tResume - t0) / 1000).toFixed(2)} s)`);
  console.log(`  after replay resumed the entry appeared in ${t1 ? ((t1 - tResume) / 1000).toFixed(2) + ' s' : 'NEVER'}`);
} finally {
  sql(STANDBY, 'SELECT pg_wal_replay_resume()');
}
const wrote = (readFileSync(path.join(VAR, 'log/gongkai.log'), 'utf8').slice(logAt).match(/on the read connection/g) || []).length;
console.log(`  writes attempted on the read connection: ${wrote}`);
const ok = onStandby > 0 && stale === pages && t1 !== undefined && wrote === 0;
console.log(ok ? 'reads: PASS' : 'reads: FAIL');
process.exit(ok ? 0 : 1);
