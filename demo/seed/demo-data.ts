/**
 * Deterministic demo data for the local platform: "Northwind Outfitters", an outdoor-gear store.
 * No dependencies and no Math.random/Date.now, so the same seed always yields byte-identical JSON.
 */

export interface SeedItem {
  _id: string;
  _owner?: string;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------
// PRNG and helpers
// ---------------------------------------------------------------------------

type Rng = () => number;

/** mulberry32: tiny, fast, good enough for demo data. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Each generator gets its own stream so catalogue/notes/orders don't mirror each other for the same seed.
function streamFor(seed: number, salt: number): Rng {
  return mulberry32(Math.imul((seed >>> 0) ^ salt, 0x9e3779b1) ^ salt);
}

/** FNV-1a: stable per-string hash (used to give each product id a fixed price in orders). */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function int(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

// Explicit check instead of `!` because noUncheckedIndexedAccess types indexing as T | undefined.
function pick<T>(rng: Rng, list: readonly T[]): T {
  const v = list[Math.floor(rng() * list.length)];
  if (v === undefined) throw new RangeError('pick() from empty list');
  return v;
}

function weighted<T>(rng: Rng, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let r = rng() * total;
  for (const [v, w] of table) {
    r -= w;
    if (r < 0) return v;
  }
  const last = table[table.length - 1];
  if (last === undefined) throw new RangeError('weighted() from empty table');
  return last[0];
}

/**
 * k distinct items in random order by rejection: k is tiny, so this beats shuffling a copy,
 * and it never copies a possibly huge list (order product ids).
 */
function pickDistinct<T>(rng: Rng, list: readonly T[], k: number): T[] {
  const n = Math.min(k, list.length);
  const out: T[] = [];
  if (list.length <= 31) {
    let used = 0; // bitmask avoids allocating a Set per call on the hot path
    while (out.length < n) {
      const j = Math.floor(rng() * list.length);
      if (used & (1 << j)) continue;
      used |= 1 << j;
      out.push(list[j] as T);
    }
    return out;
  }
  const seen = new Set<number>();
  while (out.length < n) {
    const j = Math.floor(rng() * list.length);
    if (seen.has(j)) continue;
    seen.add(j);
    out.push(list[j] as T);
  }
  return out;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function dateBetween(rng: Rng, fromMs: number, toMs: number): Date {
  return new Date(fromMs + Math.floor(rng() * (toMs - fromMs)));
}

// Writes char codes into a reused buffer and makes one flat string: toString(16)/concatenation
// were the hottest path (and GC churn) when generating 100k products.
const HEX_CODES: readonly number[] = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const hexBuf: number[] = new Array<number>(32).fill(48);

function hex32(rng: Rng): string {
  for (let i = 0; i < 4; i++) {
    let w = (rng() * 4294967296) >>> 0;
    for (let j = 7; j >= 0; j--) {
      hexBuf[i * 8 + j] = HEX_CODES[w & 15] as number;
      w >>>= 4;
    }
  }
  return String.fromCharCode(...hexBuf);
}

function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Retail-looking price in cents: whole dollars plus a .99/.95/.50/.00 ending. */
function retailCents(rng: Rng, min: number, max: number): number {
  const lo = Math.max(Math.ceil(min), 5);
  const dollars = int(rng, lo, Math.max(Math.floor(max) - 1, lo));
  const ending = weighted(rng, [
    [99, 6],
    [95, 2],
    [50, 1],
    [0, 1],
  ] as const);
  return dollars * 100 + ending;
}

const MS_2019 = Date.UTC(2019, 0, 1);
const MS_2025 = Date.UTC(2025, 0, 1);
const MS_2026 = Date.UTC(2026, 0, 1);
const MS_2026_JUN = Date.UTC(2026, 5, 1);
const MS_2026_NOV = Date.UTC(2026, 10, 1); // exclusive upper bound => last day is 2026-10-31
const MS_2027 = Date.UTC(2027, 0, 1);

// ---------------------------------------------------------------------------
// Catalogue vocabulary
// ---------------------------------------------------------------------------

/** Price bands and specs live on the product type, so a spork never costs $400 or comes in "70m". */
interface ItemSpec {
  readonly noun: string;
  readonly min: number;
  readonly max: number;
  readonly specs: readonly string[];
}

interface CategorySpec {
  readonly name: string;
  readonly items: readonly ItemSpec[];
  readonly uses: readonly string[];
  readonly features: readonly string[];
}

function it(noun: string, min: number, max: number, specs: readonly string[]): ItemSpec {
  return { noun, min, max, specs };
}

const PACK_SIZES = ['22L', '28L', '35L', '45L', '55L', '65L', '75L'];
const TEMPS = ['-18°C', '-9°C', '-7°C', '-1°C', '4°C', '7°C'];
const SHOE_SPECS = ['Mid GTX', 'Low', 'Mid', 'WP', 'Wide', "Women's", "Men's"];
const LUMENS = ['200lm', '350lm', '450lm', '700lm', '1000lm'];

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Backpacks',
    items: [
      it('Backpack', 89, 329, PACK_SIZES),
      it('Daypack', 39, 149, ['15L', '18L', '22L', '26L']),
      it('Rucksack', 119, 349, PACK_SIZES),
      it('Hydration Pack', 49, 169, ['5L', '8L', '12L']),
      it('Travel Pack', 99, 279, ['35L', '40L', '45L']),
    ],
    uses: ['long days on the trail', 'multi-day treks', 'fast-and-light summit pushes', 'hut-to-hut traverses'],
    features: [
      'A ventilated back panel and adjustable harness keep the load stable on rough ground.',
      'Stretch side pockets and a zippered lid put essentials within reach.',
      'Recycled ripstop fabric shrugs off granite scrapes and airport baggage belts alike.',
    ],
  },
  {
    name: 'Tents',
    items: [
      it('Tent', 179, 649, ['1P', '2P', '3P', '4P']),
      it('Dome Tent', 149, 499, ['2P', '3P', '4P', '6P']),
      it('Ultralight Shelter', 229, 799, ['1P', '2P']),
      it('Tunnel Tent', 249, 899, ['2P', '3P', '4P']),
      it('Bivy', 99, 329, ['Solo', 'Alpine']),
    ],
    uses: ['exposed alpine camps', 'family weekends at the lake', 'thru-hikes where every gram counts', 'stormy coastal nights'],
    features: [
      'Taped seams and a bathtub floor keep the inside dry when the weather turns.',
      'Mesh panels and high vents cut condensation on still, humid nights.',
      'It pitches in minutes and packs down small enough to share between two packs.',
    ],
  },
  {
    name: 'Sleeping Bags',
    items: [
      it('Sleeping Bag', 99, 449, TEMPS),
      it('Down Quilt', 179, 529, TEMPS),
      it('Mummy Bag', 129, 599, TEMPS),
      it('Sleeping Pad', 49, 229, ['R4.2', 'R5.4', 'R7.0', 'Wide', 'Long']),
      it('Bag Liner', 19, 79, ['Silk', 'Fleece', 'Coolmax']),
    ],
    uses: ['shoulder-season backpacking', 'cold desert nights', 'winter mountaineering', 'warm summer campouts'],
    features: [
      'It packs down smaller than a loaf of bread and lofts back up in minutes.',
      'Soft, quiet fabrics mean no crinkling every time you roll over.',
      'A compression sack and a breathable storage bag are included.',
    ],
  },
  {
    name: 'Footwear',
    items: [
      it('Hiking Boot', 119, 289, SHOE_SPECS),
      it('Trail Runner', 89, 189, ['Low', 'WP', 'Wide', "Women's", "Men's"]),
      it('Approach Shoe', 109, 199, ['Low', 'Mid', "Women's", "Men's"]),
      it('Mountaineering Boot', 299, 749, ['GTX', 'Insulated', 'Alpine']),
      it('Camp Sandal', 29, 99, ["Women's", "Men's"]),
    ],
    uses: ['technical scrambles', 'rocky, root-laced trails', 'everyday miles on mixed terrain', 'long approaches with a heavy pack'],
    features: [
      'A grippy lugged outsole bites into wet rock and loose scree.',
      'The cushioned midsole softens long descents without feeling vague underfoot.',
      'A protective toe cap and reinforced heel stand up to seasons of abuse.',
    ],
  },
  {
    name: 'Jackets',
    items: [
      it('Rain Jacket', 99, 399, ['2.5L', '3L', 'Pro', 'Lite']),
      it('Down Jacket', 149, 449, ['650FP', '800FP', 'Hooded']),
      it('Softshell', 109, 279, ['Hooded', 'Pro', 'Lite']),
      it('Insulated Parka', 199, 599, ['800FP', 'Expedition']),
      it('Fleece Hoodie', 49, 149, ['Grid', 'Lite', 'Heavyweight']),
      it('Wind Shell', 59, 169, ['Lite', 'Hooded']),
    ],
    uses: ['sideways rain on the ridge', 'frosty mornings at camp', 'ski touring in changeable weather', 'city commutes and weekend hikes'],
    features: [
      'An adjustable hood moves with your head and seals out spindrift.',
      'Articulated sleeves stay put when you reach for the next hold.',
      'It stuffs into its own chest pocket, so there is always room for it.',
    ],
  },
  {
    name: 'Climbing',
    items: [
      it('Harness', 59, 169, ['Sport', 'Alpine', 'Trad']),
      it('Carabiner Set', 39, 119, ['Locking', 'Wiregate', '6-Pack']),
      it('Chalk Bag', 15, 39, ['Sport', 'Bouldering']),
      it('Dynamic Rope', 149, 349, ['9.5mm 60m', '9.8mm 70m', '10.2mm 60m']),
      it('Belay Device', 25, 99, ['Assisted', 'Tube', 'Guide']),
      it('Climbing Helmet', 59, 179, ['Lite', 'Pro']),
      it('Quickdraw Pack', 89, 229, ['6-Pack', '12-Pack']),
    ],
    uses: ['sport cragging', 'multi-pitch alpine routes', 'gym sessions', 'long trad days'],
    features: [
      'Certified to UIAA and CE standards and tested well beyond everyday loads.',
      'Clean edges and colour coding make racking quick and intuitive.',
      'A lightweight build that still feels reassuringly solid when it matters.',
    ],
  },
  {
    name: 'Cooking',
    items: [
      it('Canister Stove', 39, 149, ['Piezo', 'Lite', 'Group']),
      it('Titanium Pot', 29, 89, ['750ml', '1.1L', '1.6L']),
      it('Cook Set', 39, 129, ['Solo', 'Duo', 'Family']),
      it('Spork', 5, 15, ['Titanium', 'Long']),
      it('Water Filter', 29, 119, ['Squeeze', 'Gravity 4L', 'Pump']),
      it('Insulated Mug', 15, 39, ['350ml', '450ml']),
      it('Camp Kitchen', 99, 249, ['Deluxe', 'Compact']),
    ],
    uses: ['quick trail breakfasts', 'group basecamps', 'ultralight overnighters', 'car-camping feasts'],
    features: [
      'Food-grade, PFAS-free materials clean up with a quick rinse.',
      'It nests neatly with the rest of your kit to save space in the pack.',
      'Simple, field-repairable design with no fiddly parts to lose.',
    ],
  },
  {
    name: 'Lighting',
    items: [
      it('Headlamp', 19, 129, LUMENS),
      it('Lantern', 25, 99, ['USB-C', '350lm', '500lm']),
      it('Camp String Lights', 19, 59, ['5m', '10m']),
      it('Solar Light', 25, 79, ['Inflatable', 'USB-C']),
      it('Flashlight', 19, 89, LUMENS),
    ],
    uses: ['pre-dawn alpine starts', 'evenings around camp', 'night runs', 'emergency kits'],
    features: [
      'A red-light mode preserves night vision and keeps tentmates happy.',
      'USB-C charging and a lockout switch mean it never dies in your pack.',
      'IPX7 waterproofing shrugs off downpours and the odd dunk in a stream.',
    ],
  },
];

const LINES = [
  'Alpine',
  'Summit',
  'Ridge',
  'Canyon',
  'Trailhead',
  'Glacier',
  'Timberline',
  'Basecamp',
  'Cascade',
  'Sierra',
  'Boreal',
  'Highland',
  'Tundra',
  'Switchback',
  'Cirque',
  'Fjord',
  'Mesa',
  'Kestrel',
  'Redwood',
  'Talus',
] as const;
const MODELS = ['Trek', 'Pro', 'Lite', 'Venture', 'Scout', 'Ascent', 'Ranger', 'Nomad', 'Pioneer', 'Vista', 'Traverse', 'Apex'] as const;
const BRANDS = [
  'Northwind',
  'Granite Peak',
  'Blue Ember',
  'Fernhollow',
  'Kite & Crag',
  'Moraine Co.',
  'Ursa Gear',
  'Saltmarsh',
  'Polar Finch',
  'Ironbark',
] as const;
const TAGS = ['waterproof', 'ultralight', 'vegan', 'recycled', 'winter', 'summer', 'bestseller', 'new'] as const;
const OLD_TAGS = TAGS.filter((t) => t !== 'new');
const IMAGE_SUFFIXES = [
  [1200, 900],
  [1600, 1200],
  [1000, 1000],
  [1200, 1200],
].map(([w, h]) => `#originWidth=${w}&originHeight=${h}`);
const SKU_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SKU_SPACE = 36 ** 6;
const HALF = 36 ** 3;

/**
 * SKU from a bijection of the index (3-round Feistel over two base-36 halves), so SKUs are unique
 * for up to 36^6 items yet don't look sequential.
 */
function skuFor(index: number, key: number): string {
  const n = index % SKU_SPACE;
  let l = Math.floor(n / HALF);
  let r = n % HALF;
  for (let round = 0; round < 3; round++) {
    const f = (Math.imul(r ^ (key + round * 0x9e37), 0x45d9f3b) >>> 0) % HALF;
    const next = (l + f) % HALF;
    l = r;
    r = next;
  }
  let x = l * HALF + r;
  let s = '';
  for (let i = 0; i < 6; i++) {
    s = SKU_ALPHABET.charAt(x % 36) + s;
    x = Math.floor(x / 36);
  }
  return 'NW-' + s;
}

// Titles repeat across a big catalogue; caching [title, slug] by the choice indices avoids rebuilding
// (and re-slugging) the same strings, and lets 100k items share them.
const titleCache = new Map<number, readonly [string, string]>();

function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new RangeError(`index ${i} out of range`);
  return v;
}

function makeProduct(rng: Rng, id: string, index: number, skuKey: number): SeedItem {
  const ci = Math.floor(rng() * CATEGORIES.length);
  const cat = at(CATEGORIES, ci);
  const ni = Math.floor(rng() * cat.items.length);
  const item = at(cat.items, ni);
  const noun = item.noun;
  const li = Math.floor(rng() * LINES.length);
  const mi = Math.floor(rng() * MODELS.length);
  const line = at(LINES, li);
  const model = at(MODELS, mi);
  // Not every product name carries a spec (e.g. "Summit Scout Spork" reads better without one).
  const si = rng() < 0.7 ? Math.floor(rng() * item.specs.length) : -1;
  const key = (((ci * 16 + ni) * 32 + li) * 16 + mi) * 16 + (si + 1);
  let named = titleCache.get(key);
  if (named === undefined) {
    const title = si < 0 ? `${line} ${model} ${noun}` : `${line} ${model} ${at(item.specs, si)} ${noun}`;
    named = [title, slugify(title)] as const;
    titleCache.set(key, named);
  }
  const [title, slug] = named;

  // ~2% are brand new: no rating yet, no reviews, and a recent release date.
  const isNew = rng() < 0.02;
  const releaseMs = isNew ? MS_2026_JUN + Math.floor(rng() * (MS_2026_NOV - MS_2026_JUN)) : MS_2019 + Math.floor(rng() * (MS_2026_NOV - MS_2019));
  // Only this year's releases may carry the 'new' tag.
  const tags = pickDistinct(rng, releaseMs >= MS_2026 ? TAGS : OLD_TAGS, int(rng, 1, 4));
  // A product can't be both; drop whichever came second.
  const w = tags.indexOf('winter');
  const s = tags.indexOf('summer');
  if (w >= 0 && s >= 0) tags.splice(Math.max(w, s), 1);

  const use = pick(rng, cat.uses);
  const description =
    rng() < 0.75
      ? `The ${title} is built for ${use}. ${pick(rng, cat.features)}`
      : `Built for ${use}, the ${line} ${model} ${noun.toLowerCase()} keeps things simple.`;

  const imageSuffix = pick(rng, IMAGE_SUFFIXES);

  const sku = skuFor(index, skuKey);
  const brand = pick(rng, BRANDS);
  const price = retailCents(rng, item.min, item.max) / 100;
  const inStock = rng() < 0.8;
  let rating = 0;
  let reviewCount = 0;
  if (!isNew) {
    // Skewed towards 4-5 stars like real shops, with an occasional dud.
    const raw = rng() < 0.08 ? 1 + rng() * 2.5 : 3.4 + rng() * 1.6;
    rating = Math.round(Math.min(5, Math.max(1, raw)) * 10) / 10;
    reviewCount = Math.floor(rng() * rng() * 2400) + 1;
  }
  const finalTags = isNew && !tags.includes('new') ? ['new', ...tags].slice(0, 4) : tags;
  const releaseDate = new Date(releaseMs);
  const image = `wix:image://v1/${hex32(rng)}~mv2.jpg/${slug}.jpg${imageSuffix}`;
  const category = cat.name;
  // Whole literals so 100k items share two V8 shapes instead of growing keys one by one.
  // New products omit `rating` entirely so "field missing" queries have real cases.
  if (isNew) {
    return { _id: id, title, sku, category, brand, price, inStock, reviewCount, tags: finalTags, releaseDate, description, image };
  }
  return { _id: id, title, sku, category, brand, price, inStock, rating, reviewCount, tags: finalTags, releaseDate, description, image };
}

function products(count: number, seed: number, salt: number, idOf: (i: number) => string): SeedItem[] {
  const rng = streamFor(seed, salt);
  const skuKey = Math.floor(rng() * 4294967296);
  const out: SeedItem[] = new Array<SeedItem>(count);
  for (let i = 0; i < count; i++) out[i] = makeProduct(rng, idOf(i + 1), i, skuKey);
  return out;
}

/** Public catalogue, e.g. 400 items. */
export function catalogueProducts(count: number, seed: number = 20240601): SeedItem[] {
  return products(count, seed, 0x0c47a106, (n) => `prod-${pad(n, 4)}`);
}

/** Large synthetic catalogue for benchmarks: same shape as catalogueProducts, ids 'bench-000001'. */
export function benchmarkProducts(count: number, seed: number = 424242): SeedItem[] {
  return products(count, seed, 0x0be4c400, (n) => `bench-${pad(n, 6)}`);
}

// ---------------------------------------------------------------------------
// Member notes
// ---------------------------------------------------------------------------

const PLACES = [
  'Mount Rainier',
  'the Dolomites',
  'Torres del Paine',
  'the Lake District',
  'Yosemite',
  'the Cairngorms',
  'Zion',
  'the Tour du Mont Blanc',
  'Banff',
  'the Pacific Crest Trail',
  'Kungsleden',
  'the West Highland Way',
  'Joshua Tree',
  'the Olympic coast',
  'Glacier National Park',
] as const;
const GEAR = [
  'the stove',
  'my rain shell',
  'the 2P tent',
  'trekking poles',
  'the headlamp',
  'the water filter',
  'my sleeping pad',
  'the bear canister',
  'spare laces',
  'the first-aid kit',
  'the down quilt',
  'gaiters',
] as const;
const NOTE_TITLES: readonly ((place: string, gear: string, n: number) => string)[] = [
  (p) => `Gear list for ${p}`,
  (p, _g, n) => `${p} — day ${n}`,
  (p) => `Permit reminder: ${p}`,
  () => 'Things to repair before the next trip',
  (_p, g) => `Return ${g}?`,
  (p) => `Food plan: ${p}`,
  () => 'Wishlist',
  (p) => `Trail notes, ${p}`,
];
const NOTE_SENTENCES: readonly ((place: string, gear: string, n: number) => string)[] = [
  (p) => `Planning ${p} for late summer, ideally with a weekday start to dodge the crowds.`,
  (_p, g) => `Need to check ${g} before packing; it was acting up last time.`,
  (_p, _g, n) => `Budget about ${n * 400} kcal extra per day for the big climbing days.`,
  (p, _g, n) => `Camp ${n} at ${p} had the best sunset of the whole trip.`,
  (_p, g) => `Swap ${g} for something lighter if the forecast stays dry.`,
  (p) => `Booked the shuttle back from ${p}; confirmation is in my email.`,
  (_p, _g, n) => `Water sources were sparse after mile ${n * 3}, so carry an extra litre.`,
  (_p, g) => `Remember to dry out ${g} properly when we get home.`,
  (p) => `Ranger at ${p} said the upper trail is snow-free by mid-July.`,
  () => 'Blisters on day two again: tape the heels before starting.',
  () => 'Ask the group chat who is bringing the first-aid kit and the stove fuel.',
];
const NOTE_TAGS = ['trip', 'gear', 'food', 'permits', 'repair', 'wishlist', 'packing', 'training'] as const;
const NOTE_COLORS = ['yellow', 'blue', 'green', 'pink'] as const;

/** Member-authored notes. owners: member ids to spread notes across. */
export function memberNotes(count: number, owners: string[], seed: number = 7): SeedItem[] {
  if (count > 0 && owners.length === 0) throw new RangeError('memberNotes: owners must not be empty');
  const rng = streamFor(seed, 0x4e07e5);
  const start = Math.floor(rng() * Math.max(owners.length, 1));
  const out: SeedItem[] = new Array<SeedItem>(count);
  for (let i = 0; i < count; i++) {
    // Mostly round-robin so every member gets notes, with some randomness so counts aren't perfectly even.
    const owner = rng() < 0.75 ? (owners[(start + i) % owners.length] as string) : pick(rng, owners);
    const place = pick(rng, PLACES);
    const gear = pick(rng, GEAR);
    const n = int(rng, 1, 6);
    const sentences = pickDistinct(rng, NOTE_SENTENCES, int(rng, 2, 3)).map((f) => f(place, gear, int(rng, 1, 6)));
    const note: SeedItem = {
      _id: `note-${pad(i + 1, 4)}`,
      _owner: owner,
      title: pick(rng, NOTE_TITLES)(place, gear, n),
      body: sentences.join(' '),
      pinned: rng() < 0.15,
      color: pick(rng, NOTE_COLORS),
      tags: pickDistinct(rng, NOTE_TAGS, int(rng, 0, 3)),
    };
    // Left absent (not null) half the time so "field missing" queries have something to find.
    if (rng() < 0.5) note['remindAt'] = dateBetween(rng, MS_2026, MS_2027);
    out[i] = note;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Admin orders
// ---------------------------------------------------------------------------

const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Mateo',
  'Sofia',
  'Lucas',
  'Maya',
  'Ethan',
  'Amara',
  'Kenji',
  'Freya',
  'Diego',
  'Priya',
  'Jonas',
  'Chloe',
  'Omar',
  'Hannah',
  'Wei',
  'Ingrid',
  'Samuel',
  'Leila',
  'Finn',
] as const;
const LAST_NAMES = [
  'Anderson',
  'Nguyen',
  'Garcia',
  'Müller',
  'Okafor',
  'Johansson',
  'Patel',
  'Kowalski',
  'Rossi',
  'Tanaka',
  'Brennan',
  "O'Connor",
  'Silva',
  'Dubois',
  'Haddad',
  'Larsen',
  'Moreau',
  'Kim',
  'Fischer',
  'Walsh',
] as const;
const STATUSES = [
  ['PENDING', 8],
  ['PAID', 14],
  ['SHIPPED', 18],
  ['DELIVERED', 54],
  ['REFUNDED', 6],
] as const;
const COUNTRIES = [
  ['US', 46],
  ['CA', 10],
  ['GB', 9],
  ['DE', 8],
  ['FR', 5],
  ['AU', 5],
  ['NL', 3],
  ['SE', 3],
  ['NO', 3],
  ['CH', 2],
  ['NZ', 2],
  ['JP', 2],
  ['IE', 2],
] as const;

function emailLocal(first: string, last: string): string {
  // Strip accents/apostrophes so "Müller"/"O'Connor" become valid, realistic local parts.
  return `${first}.${last}`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
}

/** Admin-only orders. */
export function adminOrders(count: number, productIds: string[], seed: number = 99): SeedItem[] {
  if (count > 0 && productIds.length === 0) throw new RangeError('adminOrders: productIds must not be empty');
  const rng = streamFor(seed, 0x0dde75);
  // Only ids are known here, so each product gets one stable price per seed (same product => same price in every order).
  const priceCache = new Map<string, number>();
  const priceOf = (id: string): number => {
    let cents = priceCache.get(id);
    if (cents === undefined) {
      cents = retailCents(mulberry32(hashString(id) ^ seed), 9, 449);
      priceCache.set(id, cents);
    }
    return cents;
  };

  const out: SeedItem[] = new Array<SeedItem>(count);
  for (let i = 0; i < count; i++) {
    const first = pick(rng, FIRST_NAMES);
    const last = pick(rng, LAST_NAMES);
    const suffix = rng() < 0.3 ? String(int(rng, 1, 99)) : '';
    const domain = rng() < 0.7 ? 'example.com' : 'example.org';
    const ids = pickDistinct(
      rng,
      productIds,
      weighted(rng, [
        [1, 50],
        [2, 28],
        [3, 14],
        [4, 8],
      ] as const),
    );
    let totalCents = 0;
    const lineItems = ids.map((productId) => {
      const quantity = weighted(rng, [
        [1, 75],
        [2, 18],
        [3, 5],
        [4, 2],
      ] as const);
      const cents = priceOf(productId);
      totalCents += cents * quantity; // integer cents: no float drift in totals
      return { productId, quantity, unitPrice: cents / 100 };
    });
    out[i] = {
      _id: `order-${pad(i + 1, 5)}`,
      orderNumber: 10001 + i,
      customerName: `${first} ${last}`,
      customerEmail: `${emailLocal(first, last)}${suffix}@${domain}`,
      status: weighted(rng, STATUSES),
      placedAt: dateBetween(rng, MS_2025, MS_2027),
      lineItems,
      total: totalCents / 100,
      currency: 'USD',
      shippingCountry: weighted(rng, COUNTRIES),
    };
  }
  return out;
}
