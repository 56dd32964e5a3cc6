import { checkEvent } from './src/events/validate.ts';
const NAMES = ['Product Viewed', 'Order Completed', 'Added to Cart'];
const evs = Array.from({ length: 1000 }, (_, n) => JSON.parse(`{"type":"track","messageId":"r-${n}","userId":"u${n}","event":"${NAMES[n % 3]}","properties":{"sku":"SKU-${n % 500}","price":${(n % 97) + 0.5},"currency":"EUR"},"context":{"library":{"name":"bench","version":"1"}},"timestamp":"${new Date().toISOString()}"}`));
for (let k = 0; k < 5; k++) {
  const t = performance.now();
  for (let j = 0; j < 100; j++) for (const e of evs) checkEvent(e, null, { receivedAt: new Date() });
  console.log('µs/event', ((performance.now() - t) / 100_000 * 1000).toFixed(2));
}
const t = performance.now();
for (let j = 0; j < 100; j++) for (const e of evs) Buffer.byteLength(JSON.stringify(e));
console.log('stringify µs/event', ((performance.now() - t) / 100_000 * 1000).toFixed(2));
