import type { Rng } from './random.ts';

// Mobile number plans, written out as E.164: country code, mobile prefixes, digits after the prefix.
// The ranges are ones libphonenumber accepts as valid mobiles (checked in phones.test.ts).
export type Country = 'FI' | 'RU' | 'IR' | 'NO' | 'GB';

const PLANS: Record<Country, { cc: string; prefixes: string[]; rest: number }> = {
  FI: { cc: '358', prefixes: ['40', '41', '44', '45', '46', '50'], rest: 7 },
  RU: { cc: '7', prefixes: ['903', '905', '909', '915', '916', '921', '925', '926', '953', '962', '977', '985'], rest: 7 },
  IR: { cc: '98', prefixes: ['912', '913', '915', '917', '919', '935', '936', '937', '938', '939', '901', '902'], rest: 7 },
  NO: { cc: '47', prefixes: ['40', '41', '46', '47', '48', '90', '91', '92', '93', '94', '95', '97', '98'], rest: 6 },
  GB: { cc: '44', prefixes: ['7400', '7450', '7500', '7723', '7800', '7900', '7949', '7956', '7960', '7971'], rest: 6 },
};

export function mobilePhone(rng: Rng, country: Country): string {
  const plan = PLANS[country];
  let digits = '';
  for (let i = 0; i < plan.rest; i++) digits += String(rng.int(0, 9));
  return `+${plan.cc}${rng.pick(plan.prefixes)}${digits}`;
}

export const COUNTRIES = Object.keys(PLANS) as Country[];
