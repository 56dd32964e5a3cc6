import assert from 'node:assert/strict';
import { it } from 'node:test';
import { calendarDate, dateOrderFor } from './dates.ts';
import { checkAttribute, checkBirthday } from './normalize.ts';

it('reads ISO dates everywhere and local dates only when told the order', () => {
  assert.equal(calendarDate('1980-12-31'), '1980-12-31');
  assert.equal(calendarDate('31.12.1980'), null, 'the API takes ISO only');
  assert.equal(calendarDate('31.12.1980', 'dmy'), '1980-12-31');
  assert.equal(calendarDate('1.2.1980', 'dmy'), '1980-02-01');
  assert.equal(calendarDate('01/02/1980', 'dmy'), '1980-02-01');
  assert.equal(calendarDate('01/02/1980', 'mdy'), '1980-01-02');
  assert.equal(calendarDate('12/31/1980', 'mdy'), '1980-12-31');
  assert.equal(calendarDate('31.12.1980', 'mdy'), '1980-12-31', 'dots are day first wherever they are used');
  assert.equal(calendarDate('31-12-1980', 'dmy'), '1980-12-31');
});

it('refuses impossible dates, two-digit years and stray text', () => {
  for (const s of ['2024-02-30', '2023-02-29', '1980-13-01', '1980-00-10', '1980-1-5']) assert.equal(calendarDate(s, 'dmy'), null, s);
  assert.equal(calendarDate('2024-02-29'), '2024-02-29', 'a leap day is a date');
  for (const s of ['30.2.2024', '31.12.80', '12/31/1980', '1.2.1980 extra', '31.12.1980.', '1980', '']) assert.equal(calendarDate(s, 'dmy'), null, s);
});

it('takes the month first only in countries that write it so', () => {
  assert.equal(dateOrderFor('US'), 'mdy');
  assert.equal(dateOrderFor('FI'), 'dmy');
  assert.equal(dateOrderFor('NO'), 'dmy');
  assert.equal(dateOrderFor('RU'), 'dmy');
  assert.equal(dateOrderFor('IR'), 'dmy');
});

it('stores a date attribute or birthday as ISO, and names the expected form when refusing one', () => {
  const def = { key: 'joined', type: 'date' as const, choices: null };
  assert.deepEqual(checkAttribute(def, '2024-02-30'), { ok: false, reason: 'joined: expected a date YYYY-MM-DD, got 2024-02-30' });
  assert.deepEqual(checkAttribute(def, '5.3.2024', { dateOrder: 'dmy', commaGroups: false }), { ok: true, value: '2024-03-05' });
  assert.deepEqual(checkBirthday('24.12.1975', 'dmy'), { ok: true, value: '1975-12-24' });
  const refused = checkBirthday('1975/12/24', 'dmy');
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.reason : '', /1980-12-31 or 31\.12\.1980, got 1975\/12\/24/);
  assert.deepEqual(checkBirthday('31.12.2999', 'dmy'), { ok: false, reason: 'Birthday is in the future' });
});
