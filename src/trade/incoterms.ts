import { checkPlainText, invalidField } from '../domain/errors.js';

/**
 * The eleven Incoterms® 2020 rules of the International Chamber of Commerce: who carries the goods
 * and the risk to where. Seven are for any mode of transport (including multimodal: rail through
 * INSTC, road, air); four only for sea and inland waterway transport, where the goods are handed
 * over at a ship (FAS, FOB) or the seller pays the sea freight (CFR, CIF). A trade names its rule
 * and the place the rule refers to (e.g. "FOB Nhava Sheva", "CIP Moscow").
 */
export const INCOTERMS_2020 = [
  'EXW',
  'FCA',
  'CPT',
  'CIP',
  'DAP',
  'DPU',
  'DDP',
  'FAS',
  'FOB',
  'CFR',
  'CIF',
] as const;
export type Incoterm = (typeof INCOTERMS_2020)[number];

export interface IncotermRule {
  readonly rule: Incoterm;
  readonly name: string;
  /** 'sea': sea and inland waterway transport only; 'any': any mode or modes. */
  readonly mode: 'any' | 'sea';
}

export const INCOTERM_RULES: Readonly<Record<Incoterm, IncotermRule>> = {
  EXW: { rule: 'EXW', name: 'Ex Works', mode: 'any' },
  FCA: { rule: 'FCA', name: 'Free Carrier', mode: 'any' },
  CPT: { rule: 'CPT', name: 'Carriage Paid To', mode: 'any' },
  CIP: { rule: 'CIP', name: 'Carriage and Insurance Paid To', mode: 'any' },
  DAP: { rule: 'DAP', name: 'Delivered at Place', mode: 'any' },
  DPU: { rule: 'DPU', name: 'Delivered at Place Unloaded', mode: 'any' },
  DDP: { rule: 'DDP', name: 'Delivered Duty Paid', mode: 'any' },
  FAS: { rule: 'FAS', name: 'Free Alongside Ship', mode: 'sea' },
  FOB: { rule: 'FOB', name: 'Free on Board', mode: 'sea' },
  CFR: { rule: 'CFR', name: 'Cost and Freight', mode: 'sea' },
  CIF: { rule: 'CIF', name: 'Cost, Insurance and Freight', mode: 'sea' },
};

/** The longest place a trade's Incoterm may name. */
const PLACE_MAX = 120;

/**
 * An Incoterms 2020 rule with its place, or an `invalid_field` refusal naming `field/rule` or
 * `field/place`: the rule must be one of the eleven (in capitals, as the ICC writes them), the
 * place non-empty plain text.
 */
export function checkIncoterm(
  value: unknown,
  field = 'incoterm',
): { rule: Incoterm; place: string } {
  if (typeof value !== 'object' || value === null)
    throw invalidField({ field, message: 'the Incoterm is an object { rule, place }' });
  const { rule, place } = value as { rule?: unknown; place?: unknown };
  if (typeof rule !== 'string' || !(INCOTERMS_2020 as readonly string[]).includes(rule))
    throw invalidField({
      field: `${field}/rule`,
      message: `${JSON.stringify(rule)} is not an Incoterms 2020 rule; the rules are ${INCOTERMS_2020.join(', ')}`,
    });
  if (typeof place !== 'string' || place.trim().length === 0)
    throw invalidField({
      field: `${field}/place`,
      message: `${rule} names the place it refers to (e.g. "${rule} Nhava Sheva"); the place is required`,
    });
  checkPlainText(place, { field: `${field}/place`, max: PLACE_MAX, what: 'the place' });
  return { rule: rule as Incoterm, place: place.trim() };
}
