import assert from 'node:assert/strict';
import { it } from 'node:test';
import { FIELDS as SERVER_FIELDS } from '../../src/imports/mapping.ts';
import { FIELDS as WEB_FIELDS, IMPORT_KINDS } from '../../web/src/imports/types.ts';

// The wizard falls back to its own list of mappable fields when the server sends none: a field
// added on one side only would be offered but refused, or accepted but never offered.

it('offers, for every import kind, exactly the fields the server maps', () => {
  assert.deepEqual([...IMPORT_KINDS].sort(), Object.keys(SERVER_FIELDS).sort());
  for (const kind of IMPORT_KINDS) assert.deepEqual(WEB_FIELDS[kind], [...SERVER_FIELDS[kind]], kind);
});
