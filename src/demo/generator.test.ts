import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { normalizePhone } from '../contacts/normalize.ts';
import { buildCatalogue } from './catalogue.ts';
import { customerHistory, DAY } from './history.ts';
import { asciiFold, russianFemaleSurname, transliterateRussian } from './names.ts';
import { makePerson, Uniques, type PeopleContext } from './people.ts';
import { COUNTRIES, mobilePhone } from './phones.ts';
import { Rng } from './random.ts';

describe('demo generators (no database)', () => {
  it('makes only valid E.164 mobile numbers for every country', () => {
    const rng = new Rng(42);
    for (const country of COUNTRIES) {
      for (let i = 0; i < 2000; i++) {
        const phone = mobilePhone(rng, country);
        const parsed = parsePhoneNumberFromString(phone);
        assert.ok(parsed?.isValid(), `${phone} should be valid`);
        assert.equal(parsed!.country, country);
        assert.equal(parsed!.getType(), 'MOBILE', `${phone} should be a mobile number`);
        // The API and importer would store the very same value.
        assert.deepEqual(normalizePhone(phone, 'FI'), { ok: true, value: phone });
      }
    }
  });

  it('spells Russian, Finnish and Norwegian names in ASCII for e-mail addresses', () => {
    assert.equal(transliterateRussian('Щербаков'), 'shcherbakov');
    assert.equal(transliterateRussian('Фёдор'), 'fyodor');
    assert.equal(asciiFold('Hämäläinen'), 'hamalainen');
    assert.equal(asciiFold('Ødegård'), 'odegard');
    assert.equal(asciiFold("O'Brien"), 'obrien');
    assert.deepEqual(russianFemaleSurname({ native: 'Иванов', latin: 'ivanov' }), { native: 'Иванова', latin: 'ivanova' });
    assert.deepEqual(russianFemaleSurname({ native: 'Вишневский', latin: 'vishnevskiy' }), { native: 'Вишневская', latin: 'vishnevskaya' });
    assert.deepEqual(russianFemaleSurname({ native: 'Шевченко', latin: 'shevchenko' }), { native: 'Шевченко', latin: 'shevchenko' });
  });

  it('gives each person a unique ASCII e-mail on a reserved example domain', () => {
    const rng = new Rng(3);
    const ctx: PeopleContext = { rng, idRng: new Rng(4), uniques: new Uniques(), now: Date.now(), userIds: [], companiesByLang: new Map() };
    const emails = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const p = makePerson(ctx);
      assert.match(p.email, /^[a-z0-9._-]+@([a-z0-9-]+\.)*example\.(com|net|org)$/);
      assert.ok(!emails.has(p.email), `duplicate ${p.email}`);
      emails.add(p.email);
    }
  });

  it('lets about 15% of buyers slow down, with growing gaps and falling order values', () => {
    const rng = new Rng(9);
    const idRng = new Rng(10);
    const now = Date.now();
    const catalogue = buildCatalogue(rng, idRng);
    const ctx: PeopleContext = { rng, idRng, uniques: new Uniques(), now, userIds: [], companiesByLang: new Map() };
    let n = 0;
    const hctx = { rng, idRng, now, catalogue, currency: 'EUR', userIds: [], nextOrderNo: () => ++n };
    let buyers = 0;
    let slowing = 0;
    for (let i = 0; i < 2000; i++) {
      const c = makePerson(ctx);
      const h = customerHistory(hctx, c, c.locale);
      if (h.orders.length) buyers++;
      if (!h.slowing) continue;
      slowing++;
      const o = h.orders;
      assert.ok(o.length >= 4, 'a slowing customer has a history to slow down from');
      const gaps = o.slice(1).map((x, k) => x.orderedAt - o[k]!.orderedAt);
      const last = gaps.slice(-2);
      const earlier = gaps.slice(0, -3).sort((a, b) => a - b);
      const median = earlier[Math.floor(earlier.length / 2)] ?? last[0]!;
      assert.ok(last[1]! > last[0]! && last[1]! > median, 'the gaps grow');
      const avgEarlier = o.slice(0, -3).reduce((s, x) => s + x.totalMinor, 0) / Math.max(1, o.length - 3);
      assert.ok(o[o.length - 1]!.totalMinor < avgEarlier, 'the last order is smaller than the usual one');
      assert.ok(now - o[o.length - 1]!.orderedAt < 730 * DAY);
    }
    const share = slowing / buyers;
    assert.ok(share > 0.1 && share < 0.2, `slowing share ${share}`);
  });

  it('builds a catalogue of about 200 products with unique SKUs and prices ending in .90', () => {
    const { products } = buildCatalogue(new Rng(1), new Rng(2));
    assert.equal(products.length, 200);
    assert.equal(new Set(products.map((p) => p.sku)).size, 200);
    assert.ok(products.every((p) => p.priceMinor > 0 && p.priceMinor % 100 === 90));
    assert.ok(new Set(products.map((p) => p.category)).size >= 10);
  });
});
