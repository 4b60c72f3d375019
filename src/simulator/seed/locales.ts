import type { AddressStyle } from "./addresses.js";
import type { Currency, DateStyle } from "./business.js";
import { LANGUAGES, type LanguageCode, type LanguagePack } from "./languages/index.js";
import type { NationalIdKind } from "./national-ids.js";
import type { PhoneCountry } from "./phones.js";
import type { IbanCountry } from "./pii.js";

// Where customers live and what language they write in. A customer's profile decides the formats
// of everything personal about them: phone, address, IBAN, national id, currency, dates.

export interface Profile {
  language: LanguageCode;
  pack: LanguagePack;
  country: PhoneCountry;
  /** Zendesk locale of users with this profile. */
  locale: string;
  timeZone: string;
  addressStyle: AddressStyle;
  iban: IbanCountry | null;
  /** National ids people of this profile hold; the first is the most common. */
  nationalIds: readonly NationalIdKind[];
  currency: Currency;
  dateStyle: DateStyle;
  emailDomains: readonly string[];
  /** Relative share of customers. */
  weight: number;
}

const profile = (p: Omit<Profile, "pack">): Profile => ({ ...p, pack: LANGUAGES[p.language] });
const GLOBAL_MAIL = ["gmail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com"];

export const PROFILES: readonly Profile[] = [
  profile({
    language: "en",
    country: "US",
    locale: "en-US",
    timeZone: "America/New_York",
    addressStyle: "US",
    iban: null,
    nationalIds: ["US_SSN"],
    currency: "USD",
    dateStyle: "mdy/",
    emailDomains: [...GLOBAL_MAIL, "aol.com", "comcast.net"],
    weight: 14,
  }),
  profile({
    language: "en",
    country: "GB",
    locale: "en-GB",
    timeZone: "Europe/London",
    addressStyle: "GB",
    iban: "GB",
    nationalIds: ["GB_NINO"],
    currency: "GBP",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "btinternet.com", "sky.com"],
    weight: 10,
  }),
  profile({
    language: "en",
    country: "CA",
    locale: "en-CA",
    timeZone: "America/Toronto",
    addressStyle: "CA",
    iban: null,
    nationalIds: ["CA_SIN"],
    currency: "CAD",
    dateStyle: "iso",
    emailDomains: [...GLOBAL_MAIL, "rogers.com", "shaw.ca"],
    weight: 4,
  }),
  profile({
    language: "en",
    country: "NO",
    locale: "en-GB",
    timeZone: "Europe/Oslo",
    addressStyle: "NO",
    iban: "NO",
    nationalIds: ["NO_FODSELSNUMMER"],
    currency: "NOK",
    dateStyle: "dmy.",
    emailDomains: [...GLOBAL_MAIL, "online.no", "getmail.no"],
    weight: 4,
  }),
  profile({
    language: "en",
    country: "FR",
    locale: "en-GB",
    timeZone: "Europe/Paris",
    addressStyle: "FR",
    iban: "FR",
    nationalIds: ["FR_NIR"],
    currency: "EUR",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "orange.fr", "free.fr"],
    weight: 3,
  }),
  profile({
    language: "da",
    country: "DK",
    locale: "da",
    timeZone: "Europe/Copenhagen",
    addressStyle: "DK",
    iban: "DK",
    nationalIds: ["DK_CPR"],
    currency: "DKK",
    dateStyle: "dmy.",
    emailDomains: [...GLOBAL_MAIL, "mail.dk", "jubii.dk", "stofanet.dk"],
    weight: 10,
  }),
  profile({
    language: "sv",
    country: "SE",
    locale: "sv",
    timeZone: "Europe/Stockholm",
    addressStyle: "SE",
    iban: "SE",
    nationalIds: ["SE_PERSONNUMMER"],
    currency: "SEK",
    dateStyle: "iso",
    emailDomains: [...GLOBAL_MAIL, "telia.com", "bredband.net"],
    weight: 8,
  }),
  profile({
    language: "sv",
    country: "FI",
    locale: "sv",
    timeZone: "Europe/Helsinki",
    addressStyle: "FI",
    iban: "FI",
    nationalIds: ["FI_HETU"],
    currency: "EUR",
    dateStyle: "dmy.",
    emailDomains: [...GLOBAL_MAIL, "elisanet.fi", "kolumbus.fi"],
    weight: 3,
  }),
  profile({
    language: "pl",
    country: "PL",
    locale: "pl",
    timeZone: "Europe/Warsaw",
    addressStyle: "PL",
    iban: "PL",
    nationalIds: ["PL_PESEL"],
    currency: "PLN",
    dateStyle: "dmy.",
    emailDomains: [...GLOBAL_MAIL, "wp.pl", "onet.pl", "interia.pl"],
    weight: 8,
  }),
  profile({
    language: "de",
    country: "DE",
    locale: "de",
    timeZone: "Europe/Berlin",
    addressStyle: "DE",
    iban: "DE",
    nationalIds: [],
    currency: "EUR",
    dateStyle: "dmy.",
    emailDomains: [...GLOBAL_MAIL, "web.de", "gmx.de", "t-online.de"],
    weight: 10,
  }),
  profile({
    language: "es",
    country: "ES",
    locale: "es",
    timeZone: "Europe/Madrid",
    addressStyle: "ES",
    iban: "ES",
    nationalIds: ["ES_DNI", "ES_NIE"],
    currency: "EUR",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "telefonica.net", "yahoo.es"],
    weight: 8,
  }),
  profile({
    language: "ca",
    country: "ES",
    locale: "ca",
    timeZone: "Europe/Madrid",
    addressStyle: "ES_CA",
    iban: "ES",
    nationalIds: ["ES_NIE", "ES_DNI"],
    currency: "EUR",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "telefonica.net", "xtec.cat"],
    weight: 4,
  }),
  profile({
    language: "pt-BR",
    country: "BR",
    locale: "pt-BR",
    timeZone: "America/Sao_Paulo",
    addressStyle: "BR",
    iban: "BR",
    nationalIds: ["BR_CPF"],
    currency: "BRL",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "uol.com.br", "bol.com.br", "terra.com.br"],
    weight: 8,
  }),
  profile({
    language: "pt-BR",
    country: "PT",
    locale: "pt",
    timeZone: "Europe/Lisbon",
    addressStyle: "PT",
    iban: "PT",
    nationalIds: ["PT_NIF"],
    currency: "EUR",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "sapo.pt", "netcabo.pt"],
    weight: 3,
  }),
  profile({
    language: "ar",
    country: "SA",
    locale: "ar",
    timeZone: "Asia/Riyadh",
    addressStyle: "SA",
    iban: "SA",
    nationalIds: ["SA_NATIONAL_ID"],
    currency: "SAR",
    dateStyle: "iso",
    emailDomains: [...GLOBAL_MAIL, "stc.com.sa"],
    weight: 4,
  }),
  profile({
    language: "ar",
    country: "AE",
    locale: "ar",
    timeZone: "Asia/Dubai",
    addressStyle: "AE",
    iban: "AE",
    nationalIds: ["AE_EMIRATES_ID"],
    currency: "AED",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "emirates.net.ae"],
    weight: 3,
  }),
  profile({
    language: "ar",
    country: "EG",
    locale: "ar",
    timeZone: "Africa/Cairo",
    addressStyle: "EG",
    iban: null,
    nationalIds: [],
    currency: "EGP",
    dateStyle: "dmy/",
    emailDomains: [...GLOBAL_MAIL, "link.net"],
    weight: 3,
  }),
];

const TOTAL_WEIGHT = PROFILES.reduce((sum, p) => sum + p.weight, 0);

/** The profile at a weighted roll in [0, 1). */
export function profileAt(roll: number): Profile {
  let left = roll * TOTAL_WEIGHT;
  for (const p of PROFILES) {
    left -= p.weight;
    if (left < 0) return p;
  }
  return PROFILES[PROFILES.length - 1]!;
}
