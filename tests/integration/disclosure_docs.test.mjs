// 依申请公开: documents of a step. Staff attach the reply's documents to the
// reply (multipart, checked by content); the applicant finds them under the
// reply on the tracking page and downloads them with number and code; a
// wrong code reveals nothing and counts against the rate limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, Client, DEMO, byId, psql, tokens, uniquePhone } from '../lib/client.mjs';

// Over 1 MiB on purpose: staff uploads go through nginx's larger cap for the
// disclosure step routes, not the 1 MiB of every other /admin/ form.
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n% reply document\n'), Buffer.alloc(3 * 1024 * 1024, 0x20),
  Buffer.from('\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')]);

async function login(who) {
  const c = new Client();
  assert.equal((await c.login(DEMO[who].login, DEMO[who].password)).status, 303);
  return c;
}

// Applies online (no account) and reads number and code off the receipt.
async function applied() {
  const c = new Client();
  const t = tokens((await c.get('/disclosure/apply')).text);
  const r = await c.post('/disclosure/apply', {
    csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '钱女士', id_type: 'passport',
    id_number: 'E' + String(Date.now()).slice(-8), phone: uniquePhone(), email: '', address: '',
    description: '本街道 2025 年公共绿地养护的验收报告', form: 'electronic', delivery: 'online', dept: '',
  });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  const rc = await c.get(r.location);
  return { no: byId(rc.text, 'tracking-no'), code: byId(rc.text, 'access-code') };
}

// A step posted as the step form sends it: multipart, with files.
async function step(c, no, fields, files = []) {
  const t = tokens((await c.get(`/admin/disclosure/${no}`)).text);
  const fd = new FormData();
  fd.set('csrf', t.csrf);
  fd.set('form_id', t.formId);
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  for (const f of files) fd.append('files', new Blob([f.data], { type: f.type }), f.name);
  return c.request('POST', `/admin/disclosure/${no}/action`, { body: fd });
}

let no;
let code;
let fileId;

test('a reply with its document; a file that is not a PDF/JPEG/PNG is refused and nothing changes', async () => {
  ({ no, code } = await applied());
  const s = await login('staff');
  const page = await s.get(`/admin/disclosure/${no}?step=reply`);
  assert.match(page.text, /enctype="multipart\/form-data"/, 'the step form takes files');
  assert.match(page.text, /name="files"/);
  assert.equal((await step(s, no, { action: 'accept' })).status, 303);
  let r = await step(s, no, { action: 'reply', outcome: 'r1', text: '现将文件提供给您。' },
    [{ data: Buffer.from('not a pdf at all'), type: 'application/pdf', name: '答复.pdf' }]);
  assert.equal(r.status, 422);
  assert.equal(psql(`SELECT state FROM disclosure_requests WHERE no = '${no}'`), 'in_progress');
  r = await step(s, no, { action: 'reply', outcome: 'r1', text: '现将文件提供给您，依据《条例》第三十六条第（二）项。' },
    [{ data: PDF, type: 'application/pdf', name: '绿地养护验收报告.pdf' }]);
  assert.equal(r.status, 303, r.text.slice(0, 400));
  const row = psql(`SELECT f.id || ' ' || e.action FROM disclosure_files f JOIN disclosure_events e ON e.id = f.event_id JOIN disclosure_requests q ON q.id = f.request_id WHERE q.no = '${no}'`);
  assert.match(row, /^\d+ reply$/);
  fileId = row.split(' ')[0];
  // Staff see it under the reply, and their download is audited.
  const rec = await s.get(`/admin/disclosure/${no}`);
  const reply = /<li data-action="reply">[\s\S]*?<\/li>\s*<\/ul>/.exec(rec.text)[0];
  assert.ok(reply.includes(`/admin/disclosure/${no}/files/${fileId}`));
  assert.equal((await s.get(`/admin/disclosure/${no}/files/${fileId}`)).status, 200);
  assert.equal(psql(`SELECT count(*) FROM audit_log WHERE action = 'disclosure_file' AND object = '${no}'`), '1');
});

test('the applicant downloads the reply document with number and code; a wrong code shows nothing', async () => {
  const c = new Client();
  const tr = await c.get(`/disclosure/track?no=${no}&code=${code}`);
  assert.equal(tr.status, 200);
  const href = `/disclosure/track/files/${fileId}?no=${no}&amp;code=${code}`;
  assert.ok(tr.text.includes(href), 'listed under the reply');
  assert.ok(tr.text.includes('绿地养护验收报告.pdf'));
  const res = await fetch(`${BASE}/disclosure/track/files/${fileId}?no=${no}&code=${code}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), new RegExp(`attachment; filename="${no}-${fileId}\\.pdf"`));
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
  const before = Number(psql(`SELECT count(*) FROM disclosure_track_failures WHERE no = '${no}'`));
  const wrong = await c.get(`/disclosure/track/files/${fileId}?no=${no}&code=AAAA-BBBB-CCCC`);
  assert.equal(wrong.status, 404);
  assert.ok(!wrong.text.includes('绿地养护'));
  assert.equal(Number(psql(`SELECT count(*) FROM disclosure_track_failures WHERE no = '${no}'`)), before + 1);
  // Another request's number and code do not open this file.
  const other = await applied();
  const cross = await c.get(`/disclosure/track/files/${fileId}?no=${other.no}&code=${other.code}`);
  assert.equal(cross.status, 404);
  assert.equal((await c.get(`/disclosure/track/files/${fileId}`)).status, 404);
  psql(`DELETE FROM disclosure_track_failures`);
});

test('uploads are limited to 5 files of at most 10 MB each; over that 422 and nothing stored', async () => {
  const before = psql(`SELECT count(*) FROM disclosure_requests`);
  const c = new Client();
  const apply = async (files) => {
    const t = tokens((await c.get('/disclosure/apply')).text);
    const fd = new FormData();
    const fields = {
      csrf: t.csrf, form_id: t.formId, applicant_type: 'natural', name: '孙先生', id_type: 'passport',
      id_number: 'E' + String(Date.now()).slice(-8), phone: uniquePhone(), email: '', address: '',
      description: '本区 2025 年公交线路调整的批复', form: 'electronic', delivery: 'online', dept: '',
    };
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    for (const f of files) fd.append('files', new Blob([f.data], { type: 'application/pdf' }), f.name);
    return c.request('POST', '/disclosure/apply', { body: fd });
  };
  const six = Array.from({ length: 6 }, (_, i) => ({ data: PDF, name: `材料${i + 1}.pdf` }));
  let r = await apply(six);
  assert.equal(r.status, 422);
  assert.match(r.text, /最多上传 5 个文件/);
  const big = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 + 1 - PDF.length, 0x20)]);
  r = await apply([{ data: big, name: '扫描件.pdf' }]);
  assert.equal(r.status, 422);
  assert.match(r.text, /每个文件不能超过 10 MB/);
  assert.equal(psql(`SELECT count(*) FROM disclosure_requests`), before);
  // Five files fit.
  r = await apply(six.slice(0, 5));
  assert.equal(r.status, 303);
});
