import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { XmlDocument } from 'libxml2-wasm';
import { PARSE_OPTIONS } from './schemas.js';
import { escapeAttribute, escapeXml, fitText, IsoFormatError, splitText, xmlChars } from './xml.js';

describe('text in outgoing messages', () => {
  it('escapes the five metacharacters and carriage return', () => {
    assert.equal(
      escapeXml(`Tata & Sons <"Exports"> 'Ltd'\r\n`),
      'Tata &amp; Sons &lt;&quot;Exports&quot;&gt; &apos;Ltd&apos;&#13;\n',
    );
    assert.equal(escapeXml('ООО «Ромашка» 𝔘'), 'ООО «Ромашка» 𝔘');
    assert.equal(escapeAttribute('a\tb\nc\r"'), 'a&#9;b&#10;c&#13;&quot;');
  });

  it('replaces the characters XML 1.0 forbids by U+FFFD, keeping tab, line feed and pairs', () => {
    assert.equal(xmlChars('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\uFFFF'), 'a�b�c�d�e�f�');
    assert.equal(xmlChars('\t\n\r ok'), '\t\n\r ok');
    assert.equal(
      xmlChars('lone \uD800 high, lone \uDC00 low, pair \uD835\uDD18'),
      'lone � high, lone � low, pair 𝔘',
    );
    assert.equal(escapeXml('bell\u0007'), 'bell�');
  });

  it('any string, escaped, parses back to itself with forbidden characters replaced', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const document = XmlDocument.fromString(
          `<a b="${escapeAttribute(text)}">${escapeXml(text)}</a>`,
          {
            option: PARSE_OPTIONS,
          },
        );
        try {
          assert.equal(document.root.content, xmlChars(text));
          assert.equal(document.root.attr('b')?.value, xmlChars(text));
        } finally {
          document.dispose();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fitText cuts at code points, never inside a surrogate pair', () => {
    assert.equal(fitText('short', 35), 'short');
    assert.equal(fitText('x'.repeat(40), 35), 'x'.repeat(35));
    assert.equal(fitText('𝔘'.repeat(40), 35), '𝔘'.repeat(35));
    assert.equal(Array.from(fitText(`${'a'.repeat(34)}𝔘𝔘`, 35)).length, 35);
    assert.equal(fitText('a\u0000b', 2), 'a�');
  });

  it('splitText cuts into pieces of the field length, at most so many', () => {
    assert.deepEqual(splitText('', 105, 3), []);
    assert.deepEqual(splitText('abcdefg', 3, 10), ['abc', 'def', 'g']);
    assert.deepEqual(splitText('abcdefg', 3, 2), ['abc', 'def']);
    assert.deepEqual(splitText('ДДД𝔘𝔘', 2, 5), ['ДД', 'Д𝔘', '𝔘']);
  });

  it('IsoFormatError carries code, errors and the original header', () => {
    const error = new IsoFormatError('schema', 'bad', [{ path: '/Document', message: 'm' }], {
      kind: 'pacs.008.001.09',
      msgId: 'M',
    });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'IsoFormatError');
    assert.equal(error.code, 'schema');
    assert.equal(error.errors.length, 1);
    assert.equal(error.original?.msgId, 'M');
    assert.deepEqual(new IsoFormatError('not_xml', 'x').errors, []);
  });
});
