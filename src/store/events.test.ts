import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkEventInput,
  checkEventQuery,
  EVENT_TYPE_PATTERN,
  EVENT_TYPES,
  eventParties,
  type EventInput,
} from './events.js';

const valid: EventInput = {
  type: 'transfer.created',
  subject: '0190c6f1-7a3b-7c4d-8e5f-0123456789ab',
  participants: ['sbi', 'vtb'],
  data: { amount: '100', nested: { list: ['a', 1, null] } },
  at: 1n,
};

describe('events (the outbox types)', () => {
  it('every type the hub writes is dotted lower case and listed once', () => {
    for (const type of EVENT_TYPES) assert.match(type, EVENT_TYPE_PATTERN);
    assert.equal(new Set(EVENT_TYPES).size, EVENT_TYPES.length);
    assert.ok(EVENT_TYPES.includes('transfer.created'));
  });

  it('checkEventInput accepts a well-formed event and names what is wrong with a bad one', () => {
    checkEventInput(valid);
    checkEventInput({ ...valid, participants: [], data: {} });
    checkEventInput({ ...valid, type: `a${'b'.repeat(63)}` });
    const refused: [Partial<EventInput>, RegExp][] = [
      [{ type: `a${'b'.repeat(64)}` }, /bug: event type/],
      [{ type: '1abc' }, /bug: event type/],
      [{ type: 'has space' }, /bug: event type/],
      [{ subject: '' }, /event subject of length 0/],
      [{ subject: 'a\u0000b' }, /the subject of a transfer.created event contains U\+0000/],
      [{ at: -5n }, /bug: event time -5/],
      [{ at: 5 as unknown as bigint }, /bug: event time 5/],
      [{ participants: ['x'.repeat(201)] }, /participant of length 201/],
      [{ participants: ['ok', 'bad\ud800'] }, /a participant of a transfer.created event/],
      [{ data: null as unknown as EventInput['data'] }, /is not an object/],
      [{ data: 'text' as unknown as EventInput['data'] }, /is not an object/],
      [{ data: { deep: { list: ['fine', '\udfff'] } } }, /at \/deep\/list\/1/],
    ];
    for (const [overrides, message] of refused)
      assert.throws(() => checkEventInput({ ...valid, ...overrides }), message);
  });

  it('checkEventQuery bounds the page and the cursor', () => {
    checkEventQuery({ afterSeq: 0n, limit: 0 });
    checkEventQuery({ afterSeq: 9n, limit: 10_000 });
    assert.throws(() => checkEventQuery({ afterSeq: 0n, limit: 10_001 }), /limit 10001/);
    assert.throws(() => checkEventQuery({ afterSeq: 0n, limit: -1 }), /limit -1/);
    assert.throws(() => checkEventQuery({ afterSeq: -1n, limit: 1 }), /after -1/);
  });

  it('participants are stored once each, in the order first given', () => {
    assert.deepEqual(eventParties([]), []);
    assert.deepEqual(eventParties(['a']), ['a']);
    assert.deepEqual(eventParties(['a', 'a']), ['a']);
    assert.deepEqual(eventParties(['a', 'b']), ['a', 'b']);
    assert.deepEqual(eventParties(['b', 'a', 'b', 'c', 'a']), ['b', 'a', 'c']);
  });
});
