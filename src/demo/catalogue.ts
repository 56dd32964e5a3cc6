import { cumulative, type Rng } from './random.ts';

// ~200 products: 10 categories × 10 items × 2 variants. Some categories are seasonal so
// "demand by product" and "seasonality" reports have something to show.

interface CategorySpec {
  code: string;
  name: string;
  variants: [string, number][];
  /** Demand multiplier by month (Jan..Dec); absent = flat. */
  season?: number[];
  items: [string, number][];
}

const CATEGORIES: CategorySpec[] = [
  {
    code: 'COF', name: 'Coffee & tea', variants: [['Classic', 1], ['Organic', 1.35]],
    items: [['Espresso beans 1 kg', 22], ['Filter coffee 500 g', 9], ['Green tea 100 g', 7], ['Earl Grey 100 g', 6], ['Moka pot', 35], ['French press', 29], ['Coffee grinder', 59], ['Milk frother', 25], ['Travel mug', 18], ['Matcha 50 g', 19]],
  },
  {
    code: 'KIT', name: 'Kitchen', variants: [['Basic', 1], ['Pro', 1.6]],
    items: [["Chef's knife", 69], ['Cutting board', 25], ['Cast iron pan', 49], ['Saucepan set', 119], ['Mixing bowls', 29], ['Oven mitts', 12], ['Salad spinner', 22], ['Spice rack', 35], ['Dish rack', 27], ['Kitchen scale', 24]],
  },
  {
    code: 'TEX', name: 'Home textiles', variants: [['Cotton', 1], ['Linen', 1.5]],
    items: [['Bath towel', 19], ['Bed linen set', 79], ['Wool blanket', 89], ['Cushion cover', 15], ['Tablecloth', 45], ['Apron', 22], ['Bathrobe', 59], ['Tea towels 3-pack', 14], ['Throw pillow', 29], ['Duvet', 99]],
  },
  {
    code: 'GAR', name: 'Garden & outdoor', variants: [['Standard', 1], ['Deluxe', 1.4]],
    season: [0.3, 0.4, 0.9, 1.6, 2.0, 1.8, 1.3, 1.0, 0.7, 0.5, 0.3, 0.3],
    items: [['Garden hose 25 m', 35], ['Pruning shears', 24], ['Plant pots 3-pack', 19], ['Herb seed kit', 9], ['Garden gloves', 8], ['Watering can', 15], ['Patio chair', 79], ['Bird feeder', 19], ['Compost bin', 65], ['Solar lantern', 22]],
  },
  {
    code: 'XMS', name: 'Christmas & gifts', variants: [['Classic', 1], ['Nordic', 1.2]],
    season: [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.4, 0.8, 3.0, 4.0],
    items: [['Advent calendar', 25], ['Candle set', 19], ['Gift box', 35], ['Ornaments 12 pcs', 15], ['Gingerbread kit', 14], ['Wrapping paper', 7], ['String lights', 24], ['Mulled wine spices', 8], ['Greeting cards 10 pcs', 9], ['Door wreath', 29]],
  },
  {
    code: 'ELE', name: 'Electronics', variants: [['Standard', 1], ['Plus', 1.5]],
    items: [['Bluetooth speaker', 79], ['Headphones', 129], ['Power bank', 39], ['Smart plug', 25], ['USB-C charger', 29], ['E-reader', 139], ['LED desk lamp', 49], ['Webcam', 69], ['Wireless mouse', 35], ['Fitness tracker', 99]],
  },
  {
    code: 'COS', name: 'Cosmetics', variants: [['Regular', 1], ['Sensitive', 1.15]],
    items: [['Hand cream', 12], ['Shampoo', 9], ['Face serum', 34], ['Lip balm', 5], ['Body lotion', 15], ['Shower gel', 7], ['Sunscreen SPF 30', 17], ['Perfume 50 ml', 65], ['Beard oil', 19], ['Night cream', 29]],
  },
  {
    code: 'BOK', name: 'Books & stationery', variants: [['Standard', 1], ['Gift edition', 1.4]],
    items: [['Notebook A5', 9], ['Fountain pen', 45], ['Weekly planner', 19], ['Cookbook', 32], ['Paperback novel', 14], ['Sketchbook', 16], ['Pencil set', 12], ['Photo album', 26], ['Travel guide', 24], ['Puzzle 1000 pcs', 22]],
  },
  {
    code: 'SPO', name: 'Sports', variants: [['Standard', 1], ['Pro', 1.5]],
    season: [1.3, 1.2, 1.0, 1.0, 1.1, 1.0, 0.9, 0.9, 1.0, 1.0, 1.0, 1.2],
    items: [['Yoga mat', 35], ['Running socks 3-pack', 19], ['Water bottle', 16], ['Trekking poles', 59], ['Ski wax', 14], ['Jump rope', 12], ['Resistance bands', 22], ['Swim goggles', 18], ['Headlamp', 29], ['Backpack 25 l', 79]],
  },
  {
    code: 'PAN', name: 'Pantry', variants: [['Regular', 1], ['Organic', 1.3]],
    items: [['Cloudberry jam', 9], ['Rye crisps', 4], ['Honey 500 g', 12], ['Dark chocolate', 5], ['Olive oil 1 l', 14], ['Pasta 1 kg', 4], ['Salty liquorice', 6], ['Saffron 1 g', 11], ['Smoked salmon 200 g', 13], ['Muesli', 7]],
  },
];

export interface Product {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  stock: number;
  /** Index into CATEGORIES, for seasonal demand. */
  categoryIndex: number;
}

export interface Catalogue {
  products: Product[];
  /** Cumulative popularity per month (0..11) including the category's season. */
  byMonth: number[][];
}

export function buildCatalogue(rng: Rng, idRng: Rng): Catalogue {
  const products: Product[] = [];
  CATEGORIES.forEach((cat, ci) => {
    let n = 0;
    for (const [item, euros] of cat.items) {
      for (const [variant, factor] of cat.variants) {
        n++;
        products.push({
          id: idRng.uuid(),
          sku: `${cat.code}-${String(n).padStart(3, '0')}`,
          name: `${item}, ${variant.toLowerCase()}`,
          category: cat.name,
          // Shop prices end in .90.
          priceMinor: Math.max(1, Math.round(euros * factor)) * 100 - 10,
          stock: rng.int(0, 400),
          categoryIndex: ci,
        });
      }
    }
  });
  // Popularity is Zipf-like over a shuffled order, so a few products sell a lot and many sell little.
  const ranks = products.map((_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const popularity = products.map((_, i) => 1 / Math.pow(ranks[i]! + 1, 0.8));
  const byMonth = Array.from({ length: 12 }, (_, m) =>
    cumulative(products.map((p, i) => popularity[i]! * (CATEGORIES[p.categoryIndex]!.season?.[m] ?? 1))),
  );
  return { products, byMonth };
}
