import type { LanguageCode } from './names.ts';
import type { DemoContact } from './people.ts';
import type { Country } from './phones.ts';
import type { Rng } from './random.ts';

// Words on the demo timeline. Customers write complaints in their own language; staff notes are English.

export interface DemoInteraction {
  occurredAt: number;
  channel: string;
  type: string;
  direction: 'inbound' | 'outbound' | 'internal';
  summary: string;
  body: string | null;
  refType: string | null;
  refId: string | null;
  authorUserId: string | null;
  /** The order this entry is about, besides its own record (payments, complaints, deliveries). */
  linkedOrderId: string | null;
}

const SYMBOLS: Record<string, string> = { EUR: '€', GBP: '£', USD: '$' };

export function money(minor: number, currency: string): string {
  const amount = (minor / 100).toFixed(2);
  const sym = SYMBOLS[currency];
  return sym ? `${sym}${amount}` : `${amount} ${currency}`;
}

const COMPLAINTS: Record<LanguageCode, string[]> = {
  en: ['Item arrived damaged', 'Wrong size delivered', 'Delivery was late', 'Charged twice', 'An item was missing from the parcel'],
  fi: ['Tuote saapui rikkinäisenä', 'Väärä koko toimitettu', 'Toimitus myöhästyi', 'Veloitettiin kahdesti', 'Paketista puuttui tuote'],
  ru: ['Товар пришёл повреждённым', 'Доставили не тот размер', 'Доставка задержалась', 'Деньги списали дважды', 'В посылке не хватает товара'],
  fa: ['کالا آسیب‌دیده رسید', 'سایز اشتباه ارسال شد', 'ارسال با تأخیر انجام شد', 'دو بار از حساب کسر شد', 'یک کالا در بسته نبود'],
  nb: ['Varen kom skadet', 'Feil størrelse levert', 'Leveransen var forsinket', 'Trukket to ganger', 'Det manglet en vare i pakken'],
};

export function complaintSubject(rng: Rng, lang: LanguageCode): string {
  return rng.pick(COMPLAINTS[lang]);
}

const PROBLEMS = ['Address not found', 'Recipient not at home, parcel returned to the terminal', 'Parcel damaged in transit', 'Parcel lost in transit'];

export function deliveryProblem(rng: Rng): string {
  return rng.pick(PROBLEMS);
}

const CARRIERS: Record<Country, string[]> = {
  FI: ['Posti', 'Matkahuolto', 'DHL'],
  NO: ['Posten Bring', 'PostNord', 'Helthjem'],
  GB: ['Royal Mail', 'DPD', 'Evri'],
  RU: ['Почта России', 'СДЭК', 'DHL'],
  IR: ['DHL', 'TNT'],
};

export function carrierFor(rng: Rng, country: Country): string {
  return rng.pick(CARRIERS[country]);
}

type Kind = { channel: string; type: string; direction: DemoInteraction['direction']; texts: string[] };

const ACTIVITIES: Kind[] = [
  { channel: 'call', type: 'call.logged', direction: 'inbound', texts: ['Asked about delivery times', 'Called about an invoice', 'Wanted a product recommendation', 'Asked to change the delivery address', 'Question about returns'] },
  { channel: 'call', type: 'call.logged', direction: 'outbound', texts: ['Follow-up call after the order', 'Called about an overdue invoice', 'Offered the loyalty programme', 'Reminded about the open quote'] },
  { channel: 'email', type: 'email.received', direction: 'inbound', texts: ['Question about product availability', 'Asked for a copy of the invoice', 'Thanks for the quick delivery', 'Request for a quote'] },
  { channel: 'email', type: 'email.sent', direction: 'outbound', texts: ['Sent the order confirmation again', 'Sent a quote', 'Sent care instructions', 'Answered the question about returns'] },
  { channel: 'note', type: 'note', direction: 'internal', texts: ['Prefers contact by e-mail', 'Interested in organic products', 'Buys gifts, mostly in December', 'Please do not call during working hours', 'Good customer, pays on time'] },
  { channel: 'meeting', type: 'meeting.held', direction: 'outbound', texts: ['Quarterly review', "Product demo at the customer's office", 'Contract renewal discussion', 'Met at our fair stand'] },
];
const PERSON_MIX = [0.2, 0.15, 0.2, 0.15, 0.27, 0.03];
const COMPANY_MIX = [0.15, 0.15, 0.15, 0.15, 0.15, 0.25];

/** Calls, e-mails, notes and meetings that are not tied to an order. */
export function otherActivity(rng: Rng, c: DemoContact, now: number, userIds: string[]): DemoInteraction[] {
  const out: DemoInteraction[] = [];
  const n = rng.poisson(c.kind === 'company' ? 3 : 0.8);
  const mix = c.kind === 'company' ? COMPANY_MIX : PERSON_MIX;
  for (let i = 0; i < n; i++) {
    let x = rng.next();
    let k = 0;
    while (k < mix.length - 1 && x >= mix[k]!) x -= mix[k++]!;
    const kind = ACTIVITIES[k]!;
    const staff = kind.channel !== 'email' || kind.direction === 'outbound';
    out.push({
      occurredAt: c.createdAt + rng.next() * (now - c.createdAt),
      channel: kind.channel,
      type: kind.type,
      direction: kind.direction,
      summary: rng.pick(kind.texts),
      body: null,
      refType: null,
      refId: null,
      authorUserId: staff && userIds.length ? rng.pick(userIds) : null,
      linkedOrderId: null,
    });
  }
  return out;
}
