import type { Mode } from '../model.js';

/**
 * Per-mode planning figures. Costs are indicative US dollars per TEU (a fixed part per leg for
 * loading, unloading and paperwork, plus a part per km); they are floats because they are
 * estimates for comparing corridors, not amounts that move money. They were set so that the whole
 * INSTC Mumbai–Moscow chain lands inside the US$2,300–3,500 per dry container the INSTC dry runs
 * reported (source `defencejournal-instc`), and the Suez chain a little below it (pre-2024 rates,
 * before Red Sea war-risk surcharges).
 *
 * CO2e intensities are GLEC Framework v3 default well-to-wheel values (never tank-to-wheel), in
 * grams CO2e per tonne-km, so that a leg's emissions are intensity × distance × cargo tonnes.
 */
export interface ModeModel {
  readonly label: string;
  readonly fixedUsdPerTeu: number;
  readonly usdPerTeuKm: number;
  readonly speedKmPerDay: number;
  readonly co2eGramsPerTonneKm: number;
  /** Land legs without a published distance: great-circle km times this factor. */
  readonly circuityFactor: number;
  readonly co2eBasis: string;
}

export const modeModels: Readonly<Record<Mode, ModeModel>> = {
  sea: {
    label: 'deep-sea container ship',
    fixedUsdPerTeu: 400,
    usdPerTeuKm: 0.12,
    // 14 knots, a slow-steaming container ship: 14 × 1.852 × 24.
    speedKmPerDay: 622,
    // GLEC trade-lane container ship (dry) 80 g/TEU-km at GLEC's default 10 t per TEU.
    co2eGramsPerTonneKm: 8.0,
    circuityFactor: 1,
    co2eBasis: 'GLEC v3.1 Table 13, container ship (dry) trade lane, 0.0804 kg/TEU-km ÷ 10 t/TEU',
  },
  caspian: {
    label: 'Caspian ro-ro / rail ferry / feeder',
    fixedUsdPerTeu: 400,
    usdPerTeuKm: 0.45,
    // 10 knots: small Caspian ro-ro and river-sea ships.
    speedKmPerDay: 444,
    co2eGramsPerTonneKm: 124.8,
    circuityFactor: 1,
    co2eBasis: 'GLEC v3.0 Table 14, Ferry-RoPax 10,000–19,999 GT, MDO, WTW',
  },
  rail: {
    label: 'container train',
    fixedUsdPerTeu: 120,
    usdPerTeuKm: 0.35,
    // Average including yard time; lines known to be slower or faster override it.
    speedKmPerDay: 600,
    co2eGramsPerTonneKm: 20.0,
    circuityFactor: 1.3,
    co2eBasis:
      'GLEC v3.0 default rail freight, average traction, WTW (value to be re-checked against the PDF)',
  },
  road: {
    label: 'truck (one 20-40 ft container)',
    fixedUsdPerTeu: 150,
    usdPerTeuKm: 0.7,
    // One driver: about 10 hours of driving a day.
    speedKmPerDay: 500,
    co2eGramsPerTonneKm: 77.0,
    circuityFactor: 1.25,
    co2eBasis:
      'GLEC v3.0 default articulated truck 34-40 t, container, diesel, WTW (value to be re-checked)',
  },
};

export type ContainerType = '20dv' | '40dv' | '40hc' | '20rf' | '40rf';

export interface ContainerModel {
  readonly label: string;
  readonly teu: number;
  /** Cost relative to one dry TEU: a 40 ft box is usually charged well under twice a 20 ft one. */
  readonly costFactor: number;
  readonly cargoTonnes: number;
  /** Reefers burn extra fuel for their power supply; a project assumption, see docs/corridors.md. */
  readonly co2eFactor: number;
}

export const containerModels: Readonly<Record<ContainerType, ContainerModel>> = {
  '20dv': { label: "20' dry", teu: 1, costFactor: 1, cargoTonnes: 10, co2eFactor: 1 },
  '40dv': { label: "40' dry", teu: 2, costFactor: 1.6, cargoTonnes: 20, co2eFactor: 1 },
  '40hc': { label: "40' high cube", teu: 2, costFactor: 1.65, cargoTonnes: 20, co2eFactor: 1 },
  // The INSTC dry runs quoted reefers at about twice a dry box (US$4,600–6,800 against 2,300–3,500).
  '20rf': { label: "20' reefer", teu: 1, costFactor: 2, cargoTonnes: 10, co2eFactor: 1.3 },
  '40rf': { label: "40' reefer", teu: 2, costFactor: 3.2, cargoTonnes: 20, co2eFactor: 1.3 },
};
export const containerTypes = Object.keys(containerModels) as readonly ContainerType[];
