// Copy-paste examples shown once next to a new write key. The key goes into shell single
// quotes and JS string literals, so both are escaped even though keys are plain base64url.

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const jsString = (s: string) => JSON.stringify(s);

export function curlSnippet(origin: string, writeKey: string): string {
  const body = JSON.stringify({ userId: 'user-123', event: 'Order Completed', properties: { total: 42.5, currency: 'EUR' } });
  return [
    `curl ${shellQuote(`${origin}/v1/track`)} \\`,
    `  -u ${shellQuote(`${writeKey}:`)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -d ${shellQuote(body)}`,
  ].join('\n');
}

export function nodeSnippet(origin: string, writeKey: string): string {
  return [
    `import { Analytics } from '@segment/analytics-node';`,
    ``,
    `const analytics = new Analytics({ writeKey: ${jsString(writeKey)}, host: ${jsString(origin)} });`,
    `analytics.identify({ userId: 'user-123', traits: { email: 'aino@example.com', firstName: 'Aino' } });`,
    `analytics.track({ userId: 'user-123', event: 'Order Completed', properties: { total: 42.5 } });`,
    `await analytics.closeAndFlush();`,
  ].join('\n');
}
