// The staff home warns ahead of the working-day calendar's end: deadlines past
// it cannot be computed until an admin loads the next year's holidays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAs, psql } from '../lib/client.mjs';

const notice = (html) => /<div class="notice" id="calendar-notice"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null;

test('the staff home says when the working-day calendar ends soon; only admins get the link to load a year', async () => {
  const [last, left] = psql(`SELECT max(day), max(day) - current_date FROM workday_calendar`).split('|');
  const staff = await (await clientAs('staff')).get('/admin');
  const admin = await (await clientAs('admin')).get('/admin');
  assert.equal(staff.status, 200);
  assert.equal(admin.status, 200);
  if (Number(left) >= 60) {
    assert.equal(notice(staff.text), null, `no notice ${left} days before the end`);
    return;
  }
  const s = notice(staff.text);
  assert.ok(s, 'staff see the notice');
  assert.match(s, new RegExp(`工作日历只载入到 ${last}（还有 ${left} 天）`));
  assert.match(s, /要等载入下一年度的节假日安排后才能算出答复期限/);
  assert.doesNotMatch(s, /href=/, 'only admins can load a year');
  assert.match(notice(admin.text), /<a href="\/admin\/disclosure\/calendar">载入下一年度的节假日安排<\/a>/);
});
