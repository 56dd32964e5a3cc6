import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CSV_DELIMITERS as SERVER_DELIMITERS, CSV_ENCODINGS as SERVER_ENCODINGS } from '../../src/imports/csv-format.ts';
import { CSV_DELIMITERS, CSV_ENCODINGS } from '../../web/src/imports/types.ts';

// The import wizard offers the encodings and separators the server reads; a choice the server
// does not know would be refused on the spot, one it gained would never be offered.
it('offers exactly the encodings and separators the server reads', () => {
  assert.deepEqual([...CSV_ENCODINGS], [...SERVER_ENCODINGS]);
  assert.deepEqual([...CSV_DELIMITERS], Object.keys(SERVER_DELIMITERS));
});
