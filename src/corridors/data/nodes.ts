import type { NodeDwell, NodeSpec } from '../model.js';

// Dwell figures are the project's planning assumptions (source `vostro-cost-model`): a container
// passing through a port waits for its next ship or train and is handled twice; at a border it is
// inspected; where the gauge changes it is lifted onto other wagons or the wagons change bogies.
const portTransshipment: NodeDwell = { days: 2, costUsdPerTeu: 100, reason: 'transshipment' };
const railHub: NodeDwell = { days: 0.5, costUsdPerTeu: 50, reason: 'marshalling' };
const portRefs = ['searoute-py-reference', 'unece-unlocode', 'vostro-cost-model'] as const;
const inlandRefs = ['vostro-coordinates', 'vostro-cost-model'] as const;

export const nodes: readonly NodeSpec[] = [
  // India.
  { id: 'INNSA', locode: 'INNSA', name: 'Nhava Sheva (JNPT)', kind: 'port', countries: ['IN'], at: [72.966667, 18.95], aliases: ['Nhava Sheva', 'JNPT', 'JNPA', 'Jawaharlal Nehru Port'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'INBOM', locode: 'INBOM', name: 'Mumbai', kind: 'port', countries: ['IN'], at: [72.837294, 19.046657], aliases: ['Bombay'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'INMUN', locode: 'INMUN', name: 'Mundra', kind: 'port', countries: ['IN'], at: [69.746702, 22.795048], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'INIXY', locode: 'INIXY', name: 'Kandla (Deendayal)', kind: 'port', countries: ['IN'], at: [70.221783, 23.007584], aliases: ['Kandla', 'Deendayal'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'INMAA', locode: 'INMAA', name: 'Chennai', kind: 'port', countries: ['IN'], at: [80.283333, 13.1], aliases: ['Madras'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'INTKD', locode: 'INTKD', name: 'Delhi (ICD Tughlakabad)', kind: 'inland-terminal', countries: ['IN'], at: [77.28, 28.5], aliases: ['Delhi', 'New Delhi', 'Tughlakabad'], dwell: { days: 1, costUsdPerTeu: 100, reason: 'inland container depot' }, sourceIds: ['unece-unlocode', ...inlandRefs] },
  // Iran.
  { id: 'IRBND', locode: 'IRBND', name: 'Bandar Abbas (Shahid Rajaee)', kind: 'port', countries: ['IR'], at: [56.283333, 27.183333], aliases: ['Bandar Abbas', 'Shahid Rajaee'], dwell: { days: 3, costUsdPerTeu: 120, reason: 'transshipment and transit customs' }, sourceIds: portRefs },
  { id: 'IRZBR', locode: 'IRZBR', name: 'Chabahar (Shahid Beheshti)', kind: 'port', countries: ['IR'], at: [60.616706, 25.283682], aliases: ['Chabahar'], dwell: { days: 3, costUsdPerTeu: 120, reason: 'transshipment and transit customs' }, sourceIds: portRefs },
  { id: 'IRBAZ', locode: 'IRBAZ', name: 'Bandar Anzali', kind: 'port', countries: ['IR'], at: [49.471817, 37.476885], aliases: ['Anzali', 'Bandar-e Anzali'], dwell: { days: 2, costUsdPerTeu: 120, reason: 'transshipment' }, sourceIds: portRefs },
  { id: 'IRTHR', locode: 'IRTHR', name: 'Tehran', kind: 'hub', countries: ['IR'], at: [51.39, 35.69], dwell: { days: 1, costUsdPerTeu: 80, reason: 'marshalling' }, sourceIds: ['unece-unlocode', ...inlandRefs] },
  { id: 'qazvin', name: 'Qazvin', kind: 'hub', countries: ['IR'], at: [50.0, 36.27], dwell: railHub, sourceIds: inlandRefs },
  { id: 'rasht', name: 'Rasht', kind: 'hub', countries: ['IR'], at: [49.58, 37.28], dwell: { days: 1, costUsdPerTeu: 120, reason: 'rail to road transfer at the end of the line' }, sourceIds: inlandRefs },
  { id: 'gorgan', name: 'Gorgan', kind: 'hub', countries: ['IR'], at: [54.43, 36.84], dwell: railHub, sourceIds: inlandRefs },
  { id: 'IRMHD', locode: 'IRMHD', name: 'Mashhad', kind: 'hub', countries: ['IR'], at: [59.6, 36.3], dwell: railHub, sourceIds: ['unece-unlocode', ...inlandRefs] },
  { id: 'zahedan', name: 'Zahedan', kind: 'hub', countries: ['IR'], at: [60.86, 29.5], dwell: { days: 1, costUsdPerTeu: 80, reason: 'road hub' }, sourceIds: inlandRefs },
  // Border crossings (each belongs to both countries, so avoiding either avoids it).
  {
    id: 'astara', name: 'Astara (Iran–Azerbaijan border)', kind: 'border', countries: ['IR', 'AZ'], at: [48.87, 38.43], aliases: ['Astara'],
    dwell: { days: 2.5, costUsdPerTeu: 300, reason: 'border, customs and transfer from truck onto 1,520 mm wagons' },
    gaugeBreak: { fromMm: 1435, toMm: 1520, method: 'transshipment terminal in Iranian Astara (the standard-gauge line from Rasht is not built)' },
    sourceIds: ['railwaygazette-astara', ...inlandRefs],
  },
  { id: 'yalama-samur', name: 'Yalama–Samur (Azerbaijan–Russia border)', kind: 'border', countries: ['AZ', 'RU'], at: [48.6, 41.78], aliases: ['Yalama', 'Samur'], dwell: { days: 1, costUsdPerTeu: 150, reason: 'border and customs' }, sourceIds: inlandRefs },
  {
    id: 'sarakhs', name: 'Sarakhs (Iran–Turkmenistan border)', kind: 'border', countries: ['IR', 'TM'], at: [61.16, 36.53], aliases: ['Sarakhs'],
    dwell: { days: 1.5, costUsdPerTeu: 250, reason: 'border, customs and bogie exchange' },
    gaugeBreak: { fromMm: 1435, toMm: 1520, method: 'bogie exchange' }, sourceIds: inlandRefs,
  },
  {
    id: 'incheh-borun', name: 'Incheh Borun–Akyayla (Iran–Turkmenistan border)', kind: 'border', countries: ['IR', 'TM'], at: [54.72, 37.45], aliases: ['Incheh Borun', 'Akyayla', 'Etrek'],
    dwell: { days: 1.5, costUsdPerTeu: 250, reason: 'border, customs and bogie exchange' },
    gaugeBreak: { fromMm: 1435, toMm: 1520, method: 'bogie exchange' }, sourceIds: ['tass-kti-railway', ...inlandRefs],
  },
  { id: 'serhetyaka-bolashak', name: 'Serhetyaka–Bolashak (Turkmenistan–Kazakhstan border)', kind: 'border', countries: ['TM', 'KZ'], at: [53.6, 42.4], aliases: ['Serhetyaka', 'Bolashak'], dwell: { days: 1, costUsdPerTeu: 150, reason: 'border and customs' }, sourceIds: ['tass-kti-railway', ...inlandRefs] },
  { id: 'aksaraiskaya', name: 'Ganyushkino–Aksaraiskaya (Kazakhstan–Russia border)', kind: 'border', countries: ['KZ', 'RU'], at: [48.9, 46.65], aliases: ['Aksaraiskaya', 'Ganyushkino'], dwell: { days: 1, costUsdPerTeu: 150, reason: 'border and customs' }, sourceIds: inlandRefs },
  // Azerbaijan, Turkmenistan, Kazakhstan.
  { id: 'AZBAK', locode: 'AZBAK', name: 'Baku (Alat)', kind: 'port', countries: ['AZ'], at: [49.887766, 40.381471], aliases: ['Baku', 'Alat'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'TMKRW', locode: 'TMKRW', name: 'Turkmenbashi', kind: 'port', countries: ['TM'], at: [52.876613, 40.054569], aliases: ['Turkmenbashi', 'Turkmenbasy'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'bereket', name: 'Bereket', kind: 'hub', countries: ['TM'], at: [55.52, 39.24], aliases: ['Gazanjyk'], dwell: railHub, sourceIds: ['tass-kti-railway', ...inlandRefs] },
  { id: 'aktau', name: 'Aktau', kind: 'port', countries: ['KZ'], at: [51.212927, 43.682325], dwell: portTransshipment, sourceIds: ['searoute-py-reference', 'vostro-cost-model'] },
  { id: 'uzen', name: 'Uzen (Zhanaozen)', kind: 'hub', countries: ['KZ'], at: [52.8, 43.34], aliases: ['Zhanaozen'], dwell: railHub, sourceIds: ['tass-kti-railway', ...inlandRefs] },
  { id: 'beyneu', name: 'Beyneu', kind: 'hub', countries: ['KZ'], at: [55.2, 45.32], dwell: railHub, sourceIds: inlandRefs },
  // Russia.
  { id: 'RUASF', locode: 'RUASF', name: 'Astrakhan', kind: 'port', countries: ['RU'], at: [48.054307, 46.37709], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'RUMCX', locode: 'RUMCX', name: 'Makhachkala', kind: 'port', countries: ['RU'], at: [47.5, 42.983333], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'RULED', locode: 'RULED', name: 'St Petersburg', kind: 'port', countries: ['RU'], at: [30.211921, 59.956719], aliases: ['Saint Petersburg', 'St. Petersburg', 'Sankt-Peterburg'], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'RUNVS', locode: 'RUNVS', name: 'Novorossiysk', kind: 'port', countries: ['RU'], at: [37.781984, 44.741619], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'RUVVO', locode: 'RUVVO', name: 'Vladivostok', kind: 'port', countries: ['RU'], at: [131.883333, 43.116667], dwell: portTransshipment, sourceIds: [...portRefs, 'liquisearch-nsr-ports'] },
  { id: 'RUMMK', locode: 'RUMMK', name: 'Murmansk', kind: 'port', countries: ['RU'], at: [33.061295, 68.969106], dwell: portTransshipment, sourceIds: [...portRefs, 'liquisearch-nsr-ports'] },
  { id: 'RUMOW', locode: 'RUMOW', name: 'Moscow', kind: 'hub', countries: ['RU'], at: [37.62, 55.75], aliases: ['Moskva', 'Moscow'], dwell: { days: 1, costUsdPerTeu: 100, reason: 'terminal handling' }, sourceIds: ['unece-unlocode', ...inlandRefs] },
  // Cross-check ports outside the two countries.
  { id: 'NLRTM', locode: 'NLRTM', name: 'Rotterdam', kind: 'port', countries: ['NL'], at: [4.442447, 51.904383], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'CNSHA', locode: 'CNSHA', name: 'Shanghai', kind: 'port', countries: ['CN'], at: [121.497113, 31.400091], dwell: portTransshipment, sourceIds: portRefs },
  { id: 'JPYOK', locode: 'JPYOK', name: 'Yokohama', kind: 'port', countries: ['JP'], at: [139.634516, 35.457551], dwell: portTransshipment, sourceIds: portRefs },
];
