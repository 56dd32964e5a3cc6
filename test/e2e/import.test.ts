import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { browserTest, e2eSuite } from './support.ts';

// The CSV import wizard as a user meets it: pick a file, check the guessed mapping against the
// preview (and fix one column by hand), start, watch the progress, read the counts and download
// the rows that were refused.

const env = e2eSuite();

const CSV = [
  'Given name,Surname,E-mail,Mobile,Client ref',
  'Anna,Virta,anna.virta@example.test,040 111 2222,A-1',
  'Olli,Mäki,not-an-email,,A-2',
  'Sara,Koski,sara.koski@example.test,040 333 4444,A-3',
  'Pekka,Salo,pekka.salo@example.test,12,A-4',
  'Eeva,Lahti,eeva.lahti@example.test,,A-5',
].join('\n');

browserTest(env, 'a people CSV with two bad rows imports the good ones and offers a report naming the bad lines', async (page) => {
  await env().signIn();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'Import customers, orders and payments' }).waitFor();
  assert.equal(await page.getByLabel('What the file holds').inputValue(), 'people');
  const upload = page.getByRole('button', { name: 'Upload and preview' });
  assert.equal(await upload.isDisabled(), true, 'nothing to upload before a file is chosen');
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await upload.click();

  // Mapping step: the guesses from the header names, and a preview of the first rows.
  await page.getByRole('heading', { name: 'Which column holds what?' }).waitFor();
  const steps = page.getByRole('list', { name: 'Import steps' });
  assert.match((await steps.locator('[aria-current="step"]').textContent()) ?? '', /Map columns/);
  const column = (name: string) => page.getByRole('combobox', { name: `Field for column ${name}` });
  assert.equal(await column('Given name').inputValue(), 'firstName');
  assert.equal(await column('Surname').inputValue(), 'lastName');
  assert.equal(await column('E-mail').inputValue(), 'email');
  assert.equal(await column('Mobile').inputValue(), 'phone');
  assert.equal(await column('Client ref').inputValue(), '', 'an unknown header is ignored until mapped');
  await column('Client ref').selectOption({ label: 'External id' });
  const preview = page.getByRole('table');
  await preview.getByRole('cell', { name: 'sara.koski@example.test' }).waitFor();
  assert.equal(await preview.locator('tbody tr').count(), 5, 'every row of this small file is previewed');

  await page.getByRole('button', { name: 'Start import' }).click();
  const progress = page.getByTestId('import-progress');
  await progress.getByRole('progressbar', { name: 'Import progress' }).waitFor();
  await progress.getByText('Finished').waitFor({ timeout: 60_000 });
  assert.equal(await progress.getByRole('progressbar').getAttribute('aria-valuenow'), '100');
  const counts = page.getByTestId('import-counts');
  assert.equal(await counts.locator('[data-count="created"]').textContent(), '3');
  assert.equal(await counts.locator('[data-count="updated"]').textContent(), '0');
  assert.equal(await counts.locator('[data-count="rejected"]').textContent(), '2');

  const [download] = await Promise.all([page.waitForEvent('download'), progress.getByRole('link', { name: 'Download rejected rows (CSV)' }).click()]);
  assert.match(download.suggestedFilename(), /rejected\.csv$/);
  const report = (await readFile(await download.path())).toString('utf8').replace(/^\uFEFF/, '');
  const lines = report.trim().split(/\r?\n/);
  assert.equal(lines[0], 'line,reason,raw');
  assert.equal(lines.length, 3, `two rejected rows:\n${report}`);
  const [olli, pekka] = lines.slice(1);
  assert.match(olli!, /^3,.*e-mail.*not-an-email/i, 'line 3 is refused for its e-mail');
  assert.match(pekka!, /^5,.*phone.*12/i, 'line 5 is refused for its phone');

  // The good rows are customers now, with the hand-mapped column.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
  const table = page.getByRole('table', { name: 'Customers' });
  await table.getByRole('link', { name: 'Sara Koski' }).waitFor();
  assert.equal(await table.locator('tbody tr').count(), 3);
  assert.equal(await table.getByRole('link', { name: 'Olli Mäki' }).count(), 0);
  const sara = await env().api<{ items: Array<{ externalIds: string[]; phones: string[] }> }>('GET', '/people?search=sara.koski%40example.test');
  assert.deepEqual(sara.items[0]?.externalIds, ['csv:A-3'], 'a bare id from a CSV gets the csv: source');
  assert.deepEqual(sara.items[0]?.phones, ['+358403334444']);
});

// As Excel saves "CSV" on a Finnish computer: Windows-1252 bytes, semicolons, CRLF.
const CP1252: Record<string, number> = { ä: 0xe4, ö: 0xf6, å: 0xe5, Ä: 0xc4 };
const EXCEL = Buffer.from(
  [...'Etunimi;Sukunimi;Sähköposti\r\nMatti;Mäkinen;matti.makinen@example.test\r\nÄiti;Pöllö;aiti.pollo@example.test\r\n'].map((c) => CP1252[c] ?? c.charCodeAt(0)),
);

browserTest(env, 'a Finnish Excel file is read with its separator and letters, and a wrong choice shows in the preview', async (page) => {
  await env().signIn();
  await page.goto(`${env().url}/imports`);
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'asiakkaat.csv', mimeType: 'text/csv', buffer: EXCEL });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await page.getByRole('heading', { name: 'Which column holds what?' }).waitFor();
  const format = page.getByRole('group', { name: 'How the file is read' });
  assert.equal(await format.getByLabel('Encoding').inputValue(), 'windows-1252');
  assert.equal(await format.getByLabel('Separator').inputValue(), 'semicolon');
  const preview = page.getByRole('table', { name: 'Which column holds what?' });
  await preview.getByRole('cell', { name: 'Mäkinen' }).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Field for column Sähköposti' }).inputValue(), 'email');

  // Read with commas, the whole line is one column; back to semicolons, three again.
  await format.getByLabel('Separator').selectOption({ label: 'Comma (,)' });
  await preview.getByRole('cell', { name: 'Matti;Mäkinen;matti.makinen@example.test' }).waitFor();
  assert.equal(await preview.locator('thead th').count(), 1);
  await format.getByLabel('Separator').selectOption('semicolon');
  await preview.getByRole('cell', { name: 'Pöllö', exact: true }).waitFor();
  assert.equal(await preview.locator('thead th').count(), 3);
  await page.getByRole('combobox', { name: 'Field for column Etunimi' }).selectOption('firstName');
  await page.getByRole('combobox', { name: 'Field for column Sukunimi' }).selectOption('lastName');

  await page.getByRole('button', { name: 'Start import' }).click();
  await page.getByTestId('import-progress').getByText('Finished').waitFor({ timeout: 60_000 });
  const found = await env().api<{ items: Array<{ name: string }> }>('GET', '/people?search=aiti.pollo%40example.test');
  assert.deepEqual(found.items.map((p) => p.name), ['Äiti Pöllö']);
});

browserTest(env, 'the people export downloads with semicolons for a spreadsheet that expects them', async (page) => {
  await env().signIn();
  await env().api('POST', '/people', { firstName: 'Åse', lastName: 'Løvås', emails: ['ase.lovas@example.test'], tags: ['vip', 'nordic'] });
  await page.goto(`${env().url}/imports`);
  const exports = page.getByRole('region', { name: 'Export' });
  await exports.getByLabel('Separator').selectOption('semicolon');
  const [download] = await Promise.all([page.waitForEvent('download'), exports.getByRole('link', { name: 'People (CSV)' }).click()]);
  assert.equal(download.suggestedFilename(), 'people.csv');
  const text = (await readFile(await download.path())).toString('utf8');
  assert.ok(text.startsWith('\uFEFFFirst name;Last name;Email;'), text.slice(0, 80));
  assert.match(text, /\r\nÅse;Løvås;ase\.lovas@example\.test;.*;"vip;nordic";/);
});
