import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HubError } from '../domain/errors.js';
import { checkIncoterm, INCOTERM_RULES, INCOTERMS_2020 } from './incoterms.js';

describe('Incoterms 2020', () => {
  it('has the eleven rules; FAS, FOB, CFR and CIF are for sea and inland waterway only', () => {
    assert.equal(INCOTERMS_2020.length, 11);
    assert.deepEqual(
      INCOTERMS_2020.filter((rule) => INCOTERM_RULES[rule].mode === 'sea'),
      ['FAS', 'FOB', 'CFR', 'CIF'],
    );
    assert.equal(INCOTERM_RULES.DPU.name, 'Delivered at Place Unloaded');
  });

  it('needs a rule of the eleven and a place, refusing with the field named', () => {
    assert.deepEqual(checkIncoterm({ rule: 'FOB', place: ' Nhava Sheva ' }), {
      rule: 'FOB',
      place: 'Nhava Sheva',
    });
    const refused = (field: string) => (error: unknown) =>
      error instanceof HubError && error.code === 'invalid_field' && error.field === field;
    assert.throws(() => checkIncoterm({ rule: 'DAT', place: 'Moscow' }), refused('incoterm/rule'));
    assert.throws(() => checkIncoterm({ rule: 'fob', place: 'Moscow' }), refused('incoterm/rule'));
    assert.throws(() => checkIncoterm({ rule: 'CIP', place: '  ' }), refused('incoterm/place'));
    assert.throws(() => checkIncoterm({ rule: 'CIP' }), refused('incoterm/place'));
    assert.throws(() => checkIncoterm({ rule: 'CIP', place: 'a\nb' }), refused('incoterm/place'));
    assert.throws(() => checkIncoterm('FOB'), refused('incoterm'));
  });
});
