import { COMPANY_PARTS, NAMES, companyName, russianFemaleSurname, type LanguageCode, type Name } from './names.ts';
import { mobilePhone, type Country } from './phones.ts';
import { cumulative, type Rng } from './random.ts';

export interface LanguageProfile {
  lang: LanguageCode;
  home: Country;
  /** Share of speakers living in Finland (phone and time zone follow residence). */
  inFinland: number;
  domain: string;
}

export const LANGUAGES: LanguageProfile[] = [
  { lang: 'en', home: 'GB', inFinland: 0.15, domain: 'uk.example.com' },
  { lang: 'fi', home: 'FI', inFinland: 1, domain: 'fi.example.net' },
  { lang: 'ru', home: 'RU', inFinland: 0.3, domain: 'ru.example.org' },
  { lang: 'fa', home: 'IR', inFinland: 0.3, domain: 'ir.example.net' },
  { lang: 'nb', home: 'NO', inFinland: 0.1, domain: 'no.example.com' },
];
const LANGUAGE_WEIGHTS = cumulative([30, 30, 15, 10, 15]);

const TIME_ZONES: Record<Country, string> = {
  GB: 'Europe/London', FI: 'Europe/Helsinki', RU: 'Europe/Moscow', IR: 'Asia/Tehran', NO: 'Europe/Oslo',
};

// Reserved example domains (RFC 2606) so demo data can never e-mail a real person.
const COMMON_DOMAINS = ['example.com', 'example.net', 'example.org'];

const SOURCES = ['webshop', 'store', 'fair', 'referral', 'phone', 'instagram', 'import'];
const SOURCE_WEIGHTS = cumulative([40, 20, 8, 10, 7, 10, 5]);
const PERSON_TAGS = ['newsletter', 'vip', 'loyalty', 'returning', 'events', 'sample-request'];
const COMPANY_TAGS = ['wholesale', 'partner', 'key-account', 'reseller'];

const DAY = 86_400_000;

export interface DemoContact {
  id: string;
  kind: 'person' | 'company';
  firstName: string | null;
  lastName: string | null;
  name: string;
  companyId: string | null;
  email: string;
  phone: string | null;
  externalId: string | null;
  locale: LanguageCode;
  timeZone: string;
  country: Country;
  birthday: string | null;
  ownerId: string | null;
  source: string;
  tags: string[];
  createdAt: number;
}

export interface CompanyRef {
  id: string;
  domain: string;
}

/** Keeps e-mails, phones and shop ids unique across the whole generated set. */
export class Uniques {
  private emails = new Map<string, number>();
  private phones = new Set<string>();
  private shopNo = 100_000;

  email(local: string, domain: string): string {
    const base = `${local}@${domain}`;
    const n = this.emails.get(base);
    if (n === undefined) {
      this.emails.set(base, 1);
      return base;
    }
    // The numbered form could itself be a base someone else took; loop until free.
    for (let k = n + 1; ; k++) {
      const candidate = `${local}${k}@${domain}`;
      if (!this.emails.has(candidate)) {
        this.emails.set(base, k);
        this.emails.set(candidate, 1);
        return candidate;
      }
    }
  }

  phone(rng: Rng, country: Country): string {
    for (;;) {
      const p = mobilePhone(rng, country);
      if (!this.phones.has(p)) {
        this.phones.add(p);
        return p;
      }
    }
  }

  private domains = new Map<string, number>();

  /** A company's own mail domain; two companies of the same name get different ones. */
  domain(slug: string): string {
    const n = (this.domains.get(slug) ?? 0) + 1;
    this.domains.set(slug, n);
    return n === 1 ? `${slug}.example.com` : `${slug}-${n}.example.com`;
  }

  shopId(): string {
    return `webshop:C${this.shopNo++}`;
  }
}

export interface PeopleContext {
  rng: Rng;
  idRng: Rng;
  uniques: Uniques;
  now: number;
  userIds: string[];
  companiesByLang: Map<LanguageCode, CompanyRef[]>;
}

function pickLanguage(rng: Rng): LanguageProfile {
  return LANGUAGES[rng.pickCumulative(LANGUAGE_WEIGHTS)]!;
}

function residence(rng: Rng, p: LanguageProfile): Country {
  return rng.chance(p.inFinland) ? 'FI' : p.home;
}

function pickTags(rng: Rng, pool: string[], max: number): string[] {
  const tags = new Set<string>();
  const n = rng.int(0, max);
  for (let i = 0; i < n; i++) tags.add(rng.pick(pool));
  return [...tags];
}

/** Customer since: a third joined before the two-year order window, the rest during it. */
function since(rng: Rng, now: number): number {
  const days = rng.chance(0.35) ? rng.int(730, 1460) : rng.int(0, 729);
  return now - days * DAY - rng.int(0, DAY - 1);
}

export function makeCompany(ctx: PeopleContext): DemoContact & { domain: string } {
  const { rng, uniques } = ctx;
  const lp = pickLanguage(rng);
  const parts = COMPANY_PARTS[lp.lang];
  const n = companyName(lp.lang, rng.pick(parts.words), rng.pick(parts.trades), rng.pick(parts.forms));
  const country = residence(rng, lp);
  const domain = uniques.domain(n.latin);
  const email = uniques.email(rng.pick(['info', 'orders', 'office', 'sales']), domain);
  const tags = ['b2b', ...pickTags(rng, COMPANY_TAGS, 2)];
  return {
    id: ctx.idRng.uuid(),
    kind: 'company',
    firstName: null,
    lastName: null,
    name: n.native,
    companyId: null,
    email,
    phone: rng.chance(0.9) ? uniques.phone(rng, country) : null,
    externalId: rng.chance(0.5) ? uniques.shopId() : null,
    locale: lp.lang,
    timeZone: TIME_ZONES[country],
    country,
    birthday: null,
    ownerId: ctx.userIds.length ? rng.pick(ctx.userIds) : null,
    source: SOURCES[rng.pickCumulative(SOURCE_WEIGHTS)]!,
    tags,
    createdAt: since(rng, ctx.now),
    domain,
  };
}

function localPart(rng: Rng, first: Name, last: Name, birthYear: number | null): string {
  const f = first.latin;
  const l = last.latin;
  const r = rng.next();
  if (r < 0.4) return `${f}.${l}`;
  if (r < 0.55) return `${f}${l}`;
  if (r < 0.7) return `${f[0]}.${l}`;
  if (r < 0.8) return `${f}_${l}`;
  if (r < 0.9 && birthYear) return `${f}.${l}${String(birthYear).slice(2)}`;
  return `${f}${rng.int(10, 999)}`;
}

export function makePerson(ctx: PeopleContext): DemoContact {
  const { rng, uniques } = ctx;
  const lp = pickLanguage(rng);
  const names = NAMES[lp.lang];
  const female = rng.chance(0.5);
  const first = rng.pick(female ? names.female : names.male);
  let last = rng.pick(names.last);
  if (female && lp.lang === 'ru') last = russianFemaleSurname(last);
  const country = residence(rng, lp);

  let birthday: string | null = null;
  let birthYear: number | null = null;
  if (rng.chance(0.8)) {
    const age = rng.int(18, 85);
    const d = new Date(ctx.now - age * 365.25 * DAY - rng.int(0, 364) * DAY);
    birthday = d.toISOString().slice(0, 10);
    birthYear = d.getUTCFullYear();
  }

  const companies = ctx.companiesByLang.get(lp.lang);
  const company = companies?.length && rng.chance(0.3) ? rng.pick(companies) : null;
  const local = localPart(rng, first, last, birthYear);
  const domain = company && rng.chance(0.6) ? company.domain : rng.chance(0.5) ? lp.domain : rng.pick(COMMON_DOMAINS);
  const source = SOURCES[rng.pickCumulative(SOURCE_WEIGHTS)]!;

  return {
    id: ctx.idRng.uuid(),
    kind: 'person',
    firstName: first.native,
    lastName: last.native,
    name: `${first.native} ${last.native}`,
    companyId: company?.id ?? null,
    email: uniques.email(local, domain),
    phone: rng.chance(0.85) ? uniques.phone(rng, country) : null,
    externalId: source === 'webshop' ? uniques.shopId() : null,
    locale: lp.lang,
    timeZone: TIME_ZONES[country],
    country,
    birthday,
    ownerId: ctx.userIds.length && rng.chance(0.2) ? rng.pick(ctx.userIds) : null,
    source,
    tags: pickTags(rng, PERSON_TAGS, 2),
    createdAt: since(rng, ctx.now),
  };
}
