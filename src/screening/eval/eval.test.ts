import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compareNames, DEFAULT_THRESHOLD, Screener } from '../screener.js';
import { readEvalSet } from './eval-set.js';
import { CROSS_SCRIPT_FILE, loadFixtureLists } from './fixture-lists.js';

/**
 * The screening quality targets of issue 17, held by a test so that a change to the matcher that
 * breaks them fails here (npm run eval:screening prints the details).
 */
test('on the test half of the evaluation set: recall ≥ 0.98, false positives ≤ 2 %', () => {
  const rows = readEvalSet();
  assert.equal(rows.filter((row) => row.label === 'match').length, 1000);
  assert.equal(rows.filter((row) => row.label === 'non-match').length, 1000);
  const testHalf = rows.filter((row) => row.split === 'test');
  assert.ok(testHalf.length > 800 && testHalf.length < 1200, String(testHalf.length));
  const { un, ofac } = loadFixtureLists();
  const screener = new Screener([un, ofac]);
  let matches = 0;
  let found = 0;
  let nonMatches = 0;
  let falsePositives = 0;
  for (const row of testHalf) {
    const hits = screener.screen({ name: row.query });
    if (row.label === 'match') {
      matches++;
      if (hits.some((hit) => hit.format === row.format && hit.entryId === row.entryId)) found++;
    } else {
      nonMatches++;
      if (hits.length > 0) falsePositives++;
    }
  }
  assert.ok(found / matches >= 0.98, `recall ${found} / ${matches}`);
  assert.ok(
    falsePositives / nonMatches <= 0.02,
    `false positives ${falsePositives} / ${nonMatches}`,
  );
});

test('every Cyrillic/Latin pair of cross-script-pairs.csv matches at the threshold', () => {
  const pairs = readFileSync(CROSS_SCRIPT_FILE, 'utf8')
    .split('\n')
    .filter((line) => /[\u0400-\u04ff]/.test(line) && !line.startsWith('#'))
    .map((line) => line.split(','));
  assert.equal(pairs.length, 4);
  for (const [cyrillic = '', latin = ''] of pairs)
    assert.ok(compareNames(cyrillic, latin) >= DEFAULT_THRESHOLD, `${cyrillic} → ${latin}`);
});
