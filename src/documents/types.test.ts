import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { copy, sampleContents } from './documents.test-helper.js';
import { DOCUMENT_MAX_BYTES, SignedDocumentSchema } from './envelope.js';
import {
  decimalText,
  DOCUMENT_SCHEMAS,
  DOCUMENT_TYPES,
  lineAmountMinor,
  parseDocumentContent,
  scaledDecimal,
  type CommercialInvoice,
} from './types.js';

/** The field and reason parseDocumentContent gives for `value`, which it must refuse. */
function fault(value: unknown): { field: string; reason: string } {
  const parsed = parseDocumentContent(value);
  assert.equal(parsed.ok, false, `accepted ${JSON.stringify(value)}`);
  return { field: parsed.field, reason: parsed.reason };
}

const invoice = (): CommercialInvoice => copy(sampleContents().commercial_invoice);

describe('document types', () => {
  it('accepts the sample of every type as it is', () => {
    const samples = sampleContents();
    for (const type of DOCUMENT_TYPES) {
      const parsed = parseDocumentContent(samples[type]);
      assert.deepEqual(parsed, { ok: true, content: samples[type] }, type);
    }
  });

  it('has a schema for every type that a standard JSON Schema validator (ajv, as the API uses) accepts', () => {
    const ajv = new Ajv({ strict: false });
    const samples = sampleContents();
    for (const type of DOCUMENT_TYPES) {
      const validate = ajv.compile(DOCUMENT_SCHEMAS[type]);
      assert.ok(validate(samples[type]), `${type}: ${ajv.errorsText(validate.errors)}`);
      assert.equal(validate({ ...samples[type], extra: 1 }), false, type);
    }
    assert.ok(ajv.compile(SignedDocumentSchema));
  });

  it('refuses what is not a content object, or of no known type', () => {
    assert.deepEqual(fault(null), { field: 'content', reason: 'must be an object, got null' });
    assert.deepEqual(fault([1]), { field: 'content', reason: 'must be an object, got an array' });
    assert.deepEqual(fault('x'), {
      field: 'content',
      reason: 'must be an object, got a string "x"',
    });
    assert.deepEqual(fault({}), { field: 'content/type', reason: 'is required' });
    assert.match(
      fault({ type: 'delivery_order' }).reason,
      /^must be one of commercial_invoice, packing_list, .*customs_receipt, got "delivery_order"$/,
    );
  });

  it('names the field at fault and why: missing, unknown, mistyped, malformed', () => {
    const noSeller: Partial<CommercialInvoice> = invoice();
    delete noSeller.seller;
    assert.deepEqual(fault(noSeller), { field: 'content/seller', reason: 'is required' });
    assert.deepEqual(fault({ ...invoice(), sellr: 'x' }), {
      field: 'content/sellr',
      reason: 'is not a field of a commercial invoice',
    });
    assert.deepEqual(fault({ ...invoice(), version: 2 }), {
      field: 'content/version',
      reason: 'must be 1, got 2',
    });
    const hs = invoice();
    hs.lines[1]!.hs = '7208';
    assert.deepEqual(fault(hs), {
      field: 'content/lines/1/hs',
      reason: 'must be a 6-digit HS 2022 subheading such as "100630", got "7208"',
    });
    const quantity = invoice() as unknown as { lines: { quantity: unknown }[] };
    quantity.lines[0]!.quantity = 1000;
    assert.deepEqual(fault(quantity), {
      field: 'content/lines/0/quantity',
      reason: 'must be a string, got a number 1000',
    });
    assert.deepEqual(fault({ ...invoice(), currency: 'XAU' }), {
      field: 'content/currency',
      reason: 'must be one of INR, RUB, USD, AED, CNY, EUR, got "XAU"',
    });
    assert.deepEqual(fault({ ...invoice(), lines: [] }), {
      field: 'content/lines',
      reason: 'must have at least 1 item(s)',
    });
    assert.deepEqual(fault({ ...invoice(), trade: 'T-1' }).field, 'content/trade');
    assert.deepEqual(fault({ ...invoice(), number: '' }), {
      field: 'content/number',
      reason: 'must not be empty',
    });
    assert.deepEqual(fault({ ...invoice(), number: 'x'.repeat(65) }), {
      field: 'content/number',
      reason: 'is longer than 64 characters',
    });
    const packing = copy(sampleContents().packing_list);
    (packing.lines[0] as { packages: number }).packages = 1.5;
    assert.deepEqual(fault(packing), {
      field: 'content/lines/0/packages',
      reason: 'must be a whole number, got 1.5',
    });
    packing.lines[0]!.packages = 0;
    assert.deepEqual(fault(packing), {
      field: 'content/lines/0/packages',
      reason: 'must be from 1 to 1000000, got 0',
    });
    const bl = { ...copy(sampleContents().bill_of_lading), toOrder: 'yes' };
    assert.deepEqual(fault(bl), {
      field: 'content/toOrder',
      reason: 'must be true or false, got "yes"',
    });
  });

  it('refuses control characters and unpaired surrogates in text', () => {
    const control = invoice();
    control.lines[0]!.description = 'plates\u001b[2J';
    assert.equal(fault(control).field, 'content/lines/0/description');
    const surrogate = invoice();
    surrogate.lines[1]!.description = 'sheet \ud800';
    assert.deepEqual(fault(surrogate), {
      field: 'content/lines/1/description',
      reason: 'contains an unpaired UTF-16 surrogate (U+D800) at index 6, which is not text',
    });
  });

  it('refuses dates that do not exist and instants without a zone', () => {
    const bl = copy(sampleContents().bill_of_lading);
    bl.shippedOnBoard = '2026-02-30';
    assert.deepEqual(fault(bl), {
      field: 'content/shippedOnBoard',
      reason: '"2026-02-30" is not a valid date or time',
    });
    assert.equal(
      fault({ ...invoice(), issuedAt: '2026-03-10T09:30:00' }).field,
      'content/issuedAt',
    );
    assert.deepEqual(fault({ ...invoice(), issuedAt: '1969-12-31T23:00:00Z' }), {
      field: 'content/issuedAt',
      reason: '"1969-12-31T23:00:00Z" is not a valid date or time',
    });
    const rail = copy(sampleContents().rail_consignment_note);
    rail.acceptedAt = '2026-13-01';
    assert.equal(fault(rail).field, 'content/acceptedAt');
    const receipt = copy(sampleContents().customs_receipt);
    receipt.receivedAt = '2026-03-11T25:00:00Z';
    assert.equal(fault(receipt).field, 'content/receivedAt');
  });

  it("refuses amounts with more decimals than the currency's, and zero quantities or weights", () => {
    const price = invoice();
    price.lines[0]!.unitPrice = '900.005';
    assert.deepEqual(fault(price), {
      field: 'content/lines/0/unitPrice',
      reason: '900.005 has 3 decimals; INR amounts have at most 2',
    });
    const zero = invoice();
    zero.lines[1]!.quantity = '0.000';
    assert.deepEqual(fault(zero), {
      field: 'content/lines/1/quantity',
      reason: 'must be more than zero',
    });
    const weight = copy(sampleContents().packing_list);
    weight.lines[0]!.grossKg = '0';
    assert.equal(fault(weight).field, 'content/lines/0/grossKg');
    const insured = copy(sampleContents().insurance_certificate);
    insured.insuredAmount = '0.00';
    assert.deepEqual(fault(insured), {
      field: 'content/insuredAmount',
      reason: 'must be more than zero',
    });
    insured.insuredAmount = '10.123';
    assert.equal(fault(insured).field, 'content/insuredAmount');
  });

  it('refuses an invoice whose lines are not quantity × price, or do not add up to its total', () => {
    const line = invoice();
    line.lines[0]!.amount = '900000.01';
    assert.deepEqual(fault(line), {
      field: 'content/lines/0/amount',
      reason: '900000.01 INR is not quantity 1000 × unit price 900.00 = 900000.00 INR',
    });
    const total = invoice();
    total.total = '1250000.00';
    assert.deepEqual(fault(total), {
      field: 'content/total',
      reason: '1250000.00 INR is not the sum of the line amounts, 1200000.00 INR',
    });
    const declaration = copy(sampleContents().export_declaration);
    declaration.totalValue = '1200000.10';
    assert.deepEqual(fault(declaration), {
      field: 'content/totalValue',
      reason: '1200000.10 INR is not the sum of the line values, 1200000.00 INR',
    });
    declaration.lines[0]!.value = '1.001';
    assert.equal(fault(declaration).field, 'content/lines/0/value');
  });

  it('asks a bill of lading not made out to order for its consignee', () => {
    const bl = copy(sampleContents().bill_of_lading);
    delete bl.consignee;
    assert.deepEqual(fault(bl), {
      field: 'content/consignee',
      reason: 'is required: the bill is not made out to order, so it must name its consignee',
    });
    assert.equal(parseDocumentContent({ ...bl, toOrder: true }).ok, true);
  });

  it('keeps the largest well-formed document under the size limit', () => {
    // Every field is bounded: 200 lines of the longest values, three bytes a character.
    const wide = '\u0800'.repeat(200);
    const largest = {
      ...invoice(),
      number: '\u0800'.repeat(64),
      lines: Array.from({ length: 200 }, () => ({
        hs: '720851',
        description: wide,
        quantity: '1',
        unit: '\u0800'.repeat(16),
        unitPrice: '1000000000000000.00',
        amount: '1000000000000000.00',
      })),
      total: '200000000000000000.00',
    };
    assert.equal(parseDocumentContent(largest).ok, true);
    const bytes = new TextEncoder().encode(JSON.stringify(largest)).length;
    // the signature and envelope add under 5 KB
    assert.ok(bytes + 5_000 < DOCUMENT_MAX_BYTES, `${bytes} bytes`);
  });
});

describe('exact decimals', () => {
  it('scales decimal strings to integers and back, without floats', () => {
    assert.equal(scaledDecimal('12.5', 3), 12500n);
    assert.equal(scaledDecimal('0', 2), 0n);
    assert.equal(scaledDecimal('99999999999999999999.99', 2), 9999999999999999999999n);
    assert.throws(() => scaledDecimal('1.234', 2), /more than 2 decimals/);
    assert.throws(() => scaledDecimal('-1', 2), /not a plain decimal/);
    assert.equal(decimalText(123456n, 2), '1234.56');
    assert.equal(decimalText(5n, 2), '0.05');
    assert.equal(decimalText(-5n, 2), '-0.05');
    assert.equal(decimalText(42n, 0), '42');
  });

  it('rounds a line amount half up to the minor unit, once', () => {
    assert.equal(lineAmountMinor('1.5', '33.33', 2), 5000n); // 49.995 -> 50.00
    assert.equal(lineAmountMinor('1.5', '33.32', 2), 4998n); // 49.98
    assert.equal(lineAmountMinor('0.000001', '0.01', 2), 0n);
    assert.equal(lineAmountMinor('3', '0.10', 2), 30n); // 0.1 * 3 is 0.30000000000000004 in floats
  });
});
