import type { SourceRef } from '../model.js';

/**
 * Every source the network's figures rest on. Each node and edge names at least one of these by id;
 * docs/corridors.md lists them all, and a test checks both. Where no published figure was found the
 * edge says so by citing `vostro-estimate`, so a reader can tell a measured number from a guess.
 */
export const sources = {
  'searoute-py-reference': {
    title:
      'searoute-py marine network and ports (genthalili/searoute-py, Apache-2.0), read from ../shared/reference',
    url: 'https://github.com/genthalili/searoute-py',
    backs:
      'port coordinates; check distances for the sea lanes (Dijkstra over the network, R = 6371.0088 km)',
  },
  'searoute-marnet': {
    title:
      'searoute-py marine network (genthalili/searoute-py, searoute/data/marnet_searoute.geojson, Apache-2.0; after the Eurostat marnet network), compact copy in src/corridors/data/marnet.json',
    url: 'https://github.com/genthalili/searoute-py',
    backs:
      'sea and Caspian voyage distances and lines: Dijkstra over the network, ports snapped to the nearest lane point; named passages',
  },
  'kiel-canal': {
    title: 'Kiel Canal (Nord-Ostsee-Kanal): 98 km from Brunsbüttel to Kiel-Holtenau',
    url: 'https://en.wikipedia.org/wiki/Kiel_Canal',
    backs: 'the length of the Kiel Canal, which the sea network lacks and the planner adds',
  },
  'vostro-estimate': {
    title:
      'vostro estimate: great-circle distance between the node coordinates times the mode circuity factor',
    backs:
      'land distances where no published figure was found (rail × 1.3, road × 1.25); replace when a source is found',
  },
  'vostro-coordinates': {
    title: 'vostro approximate coordinates of inland cities, stations and border posts (±10 km)',
    backs:
      'positions of inland hubs and border crossings, used for drawing and for estimated distances',
  },
  'vostro-cost-model': {
    title: 'vostro indicative cost and time model (src/corridors/data/mode-models.ts)',
    backs:
      'fixed and per-km cost per TEU by mode, default speeds, dwell times; calibrated to the INSTC dry-run figures',
  },
  'unece-unlocode': {
    title: 'UN/LOCODE code list (UNECE)',
    url: 'https://unece.org/trade/cefact/unlocode-code-list-country-and-territory',
    backs: 'location codes of ports and cities',
  },
  'glec-v3': {
    title:
      'GLEC Framework for Logistics Emissions Accounting and Reporting v3.0 (Smart Freight Centre, 2023), default well-to-wheel intensities',
    url: 'https://www.smartfreightcentre.org/en/our-programs/global-logistics-emissions-council/',
    backs: 'CO2e per tonne-km by mode (well-to-wheel only) and the 10 t per TEU default load',
  },
  'climatiq-glec-ropax': {
    title:
      'Climatiq: GLEC v3.0 Table 14, Ferry-RoPax 10,000–19,999 GT, MDO, well-to-wheel 0.1248 kg CO2e/t-km',
    url: 'https://www.climatiq.io/data/emission-factor/bebf6e1a-9152-4902-85a7-d3e803ca766b',
    backs: 'the Caspian crossing CO2e factor',
  },
  'climatiq-glec-container-lane': {
    title: 'Climatiq: GLEC v3.1 Table 13 trade-lane container ship (dry) 0.0804 kg CO2e/TEU-km',
    url: 'https://www.climatiq.io/data/emission-factor/8d7f5f32-16b2-474a-98cf-21ca3d708acb',
    backs: 'the deep-sea container CO2e factor (80 g/TEU-km = 8.0 g/t-km at 10 t per TEU)',
  },
  'trend-qazvin-rasht': {
    title: 'Trend News Agency, 22 Nov 2018: "The Qazvin-Rasht railway is 164 km long"',
    url: 'https://en.trend.az/business/economy/2983641.html',
    backs: 'Qazvin–Rasht rail 164 km, opened 2019',
  },
  'osjd-qazvin-rasht': {
    title:
      'OSJD: Qazvin–Rasht commissioning of another railway section of the INSTC (opened 6 March 2019)',
    url: 'http://en.osjd.org/newso/public/en?STRUCTURE_ID=5049&layer_id=6071&refererLayerId=6070&id=80',
    backs: 'Qazvin–Rasht rail 164 km in operation',
  },
  'interbellum-rasht-astara': {
    title:
      'Interbellum News: Russia to begin constructing the Rasht–Astara railway (162 km, completion projected 2028)',
    url: 'https://interbellumnews.com/economics/russia-to-begin-constructing-railway-for-north-south-corridor-in-iran',
    backs: 'Rasht–Astara rail 162 km, under construction',
  },
  'realtribune-rasht-astara': {
    title: 'Realist English: construction of the Rasht–Astara railway to begin in early 2026',
    url: 'https://english.realtribune.ru/construction-of-rasht-astara-railway-in-northern-iran-to-begin-in-early-2026',
    backs: 'Rasht–Astara status: not yet built',
  },
  'urdupoint-rasht-caspian': {
    title:
      'UrduPoint/Sputnik, 23 Mar 2023: Rasht–Caspian (Anzali) railroad, 37 km, to be commissioned',
    url: 'https://www.urdupoint.com/en/world/iran-to-finish-building-section-of-north-sout-1664690.html',
    backs:
      'Rasht–Caspian port rail 37 km; commissioning announced, not confirmed, so kept as under construction',
  },
  'railwaygazette-astara': {
    title: 'Railway Gazette: presidents officially open Azerbaijan–Iran rail link (Astara, 2018)',
    url: 'https://www.railwaygazette.com/infrastructure/presidents-officially-open-azerbaijan-iran-rail-link/46216.article',
    backs: 'broad-gauge line into Iranian Astara with a transshipment terminal (the gauge break)',
  },
  'tass-kti-railway': {
    title:
      'TASS, 3 Dec 2014: Kazakhstan–Turkmenistan–Iran railway opened (Uzen–Bereket–Etrek–Gorgan, 928 km)',
    url: 'https://tass.com/world/764933',
    backs: 'KTI line: Kazakh section 120 km, Turkmen section about 700 km, border station Akyayla',
  },
  'azvision-kti-railway': {
    title:
      'Azvision: Kazakhstan–Turkmenistan–Iran railway inaugurated (925 km: 85 Iran, 700 Turkmenistan, 140 Kazakhstan)',
    url: 'https://en.azvision.az/news/3688/kazakhstan-turkmenistan-iran-railway-inaugurated.html',
    backs: 'KTI line: Iranian section 85 km (Gorgan–border)',
  },
  'transsib-length': {
    title: 'Trans-Siberian Railway, 9,289 km Moscow–Vladivostok (Wikipedia, via kiwix mirror)',
    url: 'https://kiwix.lema.org/wikipedia_en_all_mini_2024-02/A/Trans%E2%80%93Siberian_Railway',
    backs: 'Moscow–Vladivostok rail 9,289 km',
  },
  'portnews-cvmc': {
    title:
      'PortNews, 26 Nov 2024: Chennai–Vladivostok maritime corridor operational (about 5,600 nm, 24 days)',
    url: 'https://www.en.portnews.ru/news/370778/',
    backs:
      'Chennai–Vladivostok service exists; the press distance (5,600–5,647 nm) is compared in docs/corridors.md',
  },
  'defencejournal-instc': {
    title:
      'Defence Journal, Dec 2021: INSTC dry runs (Mumbai–Moscow 19 days; US$2,300–3,500 per dry container, 4,600–6,800 reefer)',
    url: 'https://defencejournal.com/2021/12/10/north-south-eurasian-corridor-part-5',
    backs:
      'calibration of the cost model and the reefer cost factor; Caspian ports Astrakhan, Olya, Makhachkala, Anzali',
  },
  'liquisearch-nsr-ports': {
    title:
      'Northern Sea Route: ice-free ports (Murmansk and Vladivostok all year; Arctic ports July–October)',
    url: 'http://www.liquisearch.com/northern_sea_route/ice-free_ports',
    backs: 'Murmansk and Vladivostok ice-free; NSR season',
  },
  'gcaptain-nsr-season': {
    title:
      'gCaptain via Citywire: NSR Administration closing dates (no ice class by 15 Oct; light and medium ice class by 20 and 31 Oct)',
    url: 'https://moneyforums.citywire.com/yaf_postsm321325_Climate-Change---The-Agenda.aspx',
    backs: 'the NSR season ends in autumn and is shorter for weaker ice classes',
  },
  'crrel-nsr': {
    title:
      'US Army CRREL report 96-3: the Northern Sea Route (route segments Murmansk–Bering, ice massifs, summer season June–September)',
    url: 'https://coldregionsresearch.tpub.com/CR96_03/CR96_030039.htm',
    backs:
      'NSR lane through the Kara Gate, Vilkitsky strait and Dmitry Laptev strait; icebreaker assistance',
  },
  'rosmorport-caspian-ice': {
    title:
      'Rosmorport: icebreaker assistance season starts in the Caspian and Azov Seas (Astrakhan and Olya from 13–15 Dec 2023)',
    url: 'https://www.rosmorport.com/news/company/52389/',
    backs: 'winter icebreaker convoys on the Volga–Caspian channel to Astrakhan',
  },
  'seanews-caspian-ice-end': {
    title:
      'SeaNews, 13 Mar 2024: icebreaker escorts in the Sea of Azov and the Caspian over (restrictions lifted 5 March)',
    url: 'https://seanews.ru/en/2024/03/13/en-icebreaker-escorts-in-sea-of-azov-and-caspian-over/',
    backs: 'end of the Caspian ice season (early March)',
  },
  'portnews-volga-caspian-channel': {
    title:
      'PortNews: Astrakhan port, Volga–Caspian channel 101.5 nm (188 km), icebreaker pilotage in winter',
    url: 'https://portnews.ru/news/50557',
    backs: 'the channel between the Caspian and Astrakhan; winter freezing',
  },
  'wdfc-length': {
    title: 'Western Dedicated Freight Corridor, Dadri–JNPT (Indian Railways DFCCIL)',
    url: 'https://dfccil.com/',
    backs: 'rail link from the Delhi region to Nhava Sheva (distance estimated)',
  },
} as const satisfies Record<string, SourceRef>;
