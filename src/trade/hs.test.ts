import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { HS2022_CSV } from './data/hs2022.js';
import { checkHsCode, hsEntry } from './hs.js';

const refused = (field: string, message: RegExp) => (error: unknown) => {
  assert.ok(error instanceof HubError);
  assert.equal(error.code, 'unknown_hs_code');
  assert.equal(error.field, field);
  assert.match(error.message, message);
  return true;
};

describe('HS 2022 nomenclature', () => {
  it('ships every section, chapter, heading and subheading of HS 2022, each under its parent', () => {
    const lines = HS2022_CSV.trim().split('\n');
    const rows = lines.map((line) => line.split(','));
    const levels = { 2: 0, 4: 0, 6: 0 } as Record<number, number>;
    const sections = new Set<string>();
    for (const [code = '', parent = ''] of rows) {
      if (!/^[0-9]+$/.test(code)) {
        sections.add(code);
        continue;
      }
      levels[code.length] = (levels[code.length] ?? 0) + 1;
      if (code.length === 2)
        assert.ok(sections.has(parent), `chapter ${code} in section ${parent}`);
      else assert.equal(parent, code.slice(0, code.length - 2), `${code} under ${parent}`);
      assert.ok(code.length === 2 || hsEntry(parent) !== undefined, `${code}'s parent exists`);
    }
    assert.equal(sections.size, 21);
    assert.deepEqual(levels, { 2: 96, 4: 1228, 6: 5612 });
    assert.ok(Buffer.byteLength(HS2022_CSV) < 900 * 1024);
  });

  it('looks up chapters, headings and subheadings with their descriptions', () => {
    assert.deepEqual(hsEntry('10'), { code: '10', description: 'Cereals', level: 2, parent: 'II' });
    assert.equal(hsEntry('1006')?.level, 4);
    assert.deepEqual(hsEntry('100630'), {
      code: '100630',
      description: 'Cereals; rice, semi-milled or wholly milled, whether or not polished or glazed',
      level: 6,
      parent: '1006',
    });
    assert.equal(hsEntry('270900')?.description.startsWith('Oils; petroleum oils'), true);
    assert.equal(hsEntry('999999'), undefined, "UN Comtrade's aggregate is not an HS code");
    assert.equal(hsEntry('TOTAL'), undefined);
    assert.equal(hsEntry('II'), undefined, 'sections are not codes');
  });

  it('accepts a known 6-digit subheading and refuses anything else, naming the field and what is wrong', () => {
    checkHsCode('300420', 'lines/0/hs');
    assert.throws(
      () => checkHsCode('1006', 'lines/2/hs'),
      refused('lines/2/hs', /6-digit subheading/),
    );
    assert.throws(() => checkHsCode('10063a', 'lines/2/hs'), refused('lines/2/hs', /6-digit/));
    assert.throws(
      () => checkHsCode(100630 as unknown as string, 'lines/0/hs'),
      refused('lines/0/hs', /not 100630/),
    );
    assert.throws(() => checkHsCode('770100', 'hs'), refused('hs', /no chapter 77/));
    assert.throws(
      () => checkHsCode('100900', 'hs'),
      refused('hs', /chapter 10 has no heading 1009/),
    );
    assert.throws(
      () => checkHsCode('100699', 'hs'),
      refused('hs', /heading 1006 \(Rice\) has no subheading 100699/),
    );
  });
});
