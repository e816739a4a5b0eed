import type { EventView } from '../../events/view.js';
import { currencyByCode } from '../../ledger/currency.js';
import { EVENT_TYPES } from '../../store/events.js';
import { UsageError } from '../errors.js';
import { humanAmountIn } from './human.js';

/** The columns `events` prints for people. */
export const EVENT_COLUMNS: readonly string[] = ['seq', 'at', 'type', 'subject', 'parties', 'what'];

/** An event sequence number (a cursor): plain digits, 0 for "from the start". */
export function parseSeqOption(option: string, text: string): bigint {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(text))
    throw new UsageError(
      `${option}: "${text.slice(0, 64)}" is not an event sequence number (a whole number, 0 for the start)`,
    );
  return BigInt(text);
}

/** One event as a table row: the money and who paid whom for transfers, the reason for refusals. */
export function eventRow(view: EventView): string[] {
  return [view.id, view.at, view.type, view.subject, view.participants.join(','), what(view)];
}

function what(view: EventView): string {
  const data = view.data as Readonly<Record<string, unknown>>;
  const text = (key: string): string | undefined =>
    typeof data[key] === 'string' ? data[key] : undefined;
  const money = (amountKey: string, currencyKey: string): string | undefined => {
    const amount = text(amountKey);
    const code = text(currencyKey);
    if (amount === undefined || code === undefined) return undefined;
    const currency = currencyByCode(code);
    return currency === undefined || !/^-?\d{1,40}$/.test(amount)
      ? `${amount} ${code}`
      : `${humanAmountIn(BigInt(amount), currency)} ${code}`;
  };
  const parts: string[] = [];
  if (view.type === 'quote.executed') {
    const sold = money('sourceAmount', 'sourceCurrency');
    const bought = money('targetAmount', 'targetCurrency');
    if (sold !== undefined && bought !== undefined) parts.push(`${sold} → ${bought}`);
    const rate = text('rate');
    if (rate !== undefined) parts.push(`rate ${rate}`);
    const provider = text('provider');
    if (provider !== undefined) parts.push(`by ${provider}`);
  } else if (view.type.startsWith('window.')) {
    const status = text('status');
    if (status !== undefined) parts.push(status);
    const moved = money('moved', 'currency');
    const gross = money('gross', 'currency');
    if (moved !== undefined && gross !== undefined) parts.push(`moved ${moved} of ${gross}`);
    const next = text('next');
    if (next !== undefined) parts.push(`next ${next}`);
  } else if (view.type.startsWith('presentation.')) {
    const status = text('status');
    const trade = text('trade');
    if (status !== undefined)
      parts.push(trade === undefined ? status : `${status}, trade ${trade}`);
    const amount = money('amount', 'currency');
    if (amount !== undefined) parts.push(amount);
    const discrepancies = data['discrepancies'];
    if (Array.isArray(discrepancies) && discrepancies.length > 0)
      parts.push(`${discrepancies.length} discrepanc${discrepancies.length === 1 ? 'y' : 'ies'}`);
  } else {
    const amount = money('amount', 'currency');
    if (amount !== undefined) parts.push(amount);
  }
  const from = text('debitOwner') ?? text('payer');
  const to = text('creditOwner') ?? text('payee');
  if (view.type !== 'quote.executed' && from !== undefined && to !== undefined)
    parts.push(`${from} → ${to}`);
  if (view.type === 'payment.refused') {
    const reason = text('code') ?? text('reason');
    if (reason !== undefined) parts.push(`refused: ${reason}`);
  }
  const reference = text('reference');
  if (reference !== undefined && reference !== '') parts.push(reference);
  return parts.join(', ');
}

/** `--type` values (repeated, or comma-separated), each a known event type; undefined when none was given. */
export function parseEventTypes(
  given: readonly string[] | undefined,
): readonly string[] | undefined {
  if (given === undefined) return undefined;
  const types = given.flatMap((text) => text.split(',')).map((text) => text.trim());
  for (const type of types)
    if (!(EVENT_TYPES as readonly string[]).includes(type))
      throw new UsageError(
        `--type: "${type.slice(0, 64)}" is not an event type; known: ${EVENT_TYPES.join(', ')}`,
      );
  return [...new Set(types)];
}

/** The help text of `--type`. */
export const EVENT_TYPES_HELP = `only events of this type (repeat, or separate with commas): ${EVENT_TYPES.join(', ')}`;
