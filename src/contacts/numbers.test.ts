import assert from 'node:assert/strict';
import { it } from 'node:test';
import { commaGroupsIn, localNumber } from './numbers.ts';

it('reads numbers the way Finnish, Norwegian, Russian, Swiss and Persian spreadsheets write them', () => {
  assert.equal(localNumber('12,5', false), 12.5);
  assert.equal(localNumber('1 234,50', false), 1234.5);
  assert.equal(localNumber('1\u00a0234\u00a0567,25', false), 1234567.25);
  assert.equal(localNumber('1\u202f234,5', false), 1234.5);
  assert.equal(localNumber('1.234,5', false), 1234.5);
  assert.equal(localNumber("1'234.50", false), 1234.5);
  assert.equal(localNumber('۱۲۳٫۵', false), 123.5);
  assert.equal(localNumber('-7', false), -7);
  assert.equal(localNumber('0.25', false), 0.25);
});

it('reads a lone comma as thousands only where the country writes it so', () => {
  assert.equal(localNumber('1,234', false), 1.234);
  assert.equal(localNumber('1,234', true), 1234);
  assert.equal(localNumber('1,234,567.5', true), 1234567.5);
  assert.equal(localNumber('1.234.567', false), 1234567);
});

it('refuses what is not one number', () => {
  for (const commaGroups of [false, true]) {
    for (const s of ['', 'abc', '12,5,1', '1.2.3', '12 kg', '0x10', 'Infinity', '1e999', '--1', '12,', '1,2.3,4']) {
      assert.equal(localNumber(s, commaGroups), null, `${s} (comma groups: ${commaGroups})`);
    }
  }
  assert.equal(localNumber('1,23', true), null, 'a comma that groups must group three digits');
});

it('knows which countries group thousands with a comma', () => {
  for (const c of ['US', 'GB', 'IN']) assert.equal(commaGroupsIn(c), true, c);
  for (const c of ['FI', 'NO', 'RU', 'IR', 'DE', 'SE']) assert.equal(commaGroupsIn(c), false, c);
});
