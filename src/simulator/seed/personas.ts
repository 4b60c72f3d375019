import { flat } from "./flat.js";
import { PROFILES, type Profile, profileAt } from "./locales.js";
import { type NationalIdKind, nationalId } from "./national-ids.js";
import { type PhoneNumber, phoneNumber } from "./phones.js";
import { cardNumber, emailAddress, iban, postalAddress } from "./pii.js";
import { Rng } from "./rng.js";

// A customer's identity as a pure function of (seed, user id): the user record and every ticket
// comment regenerated later agree on the same name, email, phone, address, card, IBAN and id number.

const USER = 0x1001;
const USER_VALUE = 0x2001;

export class Persona {
  readonly profile: Profile;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  private cache: {
    name?: string;
    phone?: PhoneNumber;
    address?: string;
    card?: string;
    iban?: string | null;
    nid?: { kind: NationalIdKind; value: string } | null;
  } = {};

  constructor(
    private readonly seed: number,
    readonly userId: number,
    /** Position among customers; the first customers cover every profile once. */
    readonly index: number,
  ) {
    const rng = new Rng(seed, USER, userId);
    this.profile = index < PROFILES.length ? PROFILES[index]! : profileAt(rng.float());
    const pack = this.profile.pack;
    const fi = rng.int(pack.firstNames.length);
    const li = rng.int(pack.lastNames.length);
    this.firstName = pack.firstNames[fi]!;
    this.lastName = pack.lastNames[li]!;
    const latinFirst = pack.latinFirstNames?.[fi] ?? this.firstName;
    const latinLast = pack.latinLastNames?.[li] ?? this.lastName;
    this.email = flat(emailAddress(rng, latinFirst, latinLast, this.profile.emailDomains, userId));
  }

  get name(): string {
    this.cache.name ??= flat(`${this.firstName} ${this.lastName}`);
    return this.cache.name;
  }

  /** One independent stream per value, so values do not depend on which is asked for first. */
  private rng(which: number): Rng {
    return new Rng(this.seed, USER_VALUE + which, this.userId);
  }

  get phone(): PhoneNumber {
    if (!this.cache.phone) {
      const phone = phoneNumber(this.rng(1), this.profile.country);
      this.cache.phone = { national: flat(phone.national), international: flat(phone.international) };
    }
    return this.cache.phone;
  }

  get address(): string {
    this.cache.address ??= flat(postalAddress(this.rng(2), this.profile.addressStyle));
    return this.cache.address;
  }

  get card(): string {
    this.cache.card ??= flat(cardNumber(this.rng(3)));
    return this.cache.card;
  }

  /** The customer's bank account, in their country's IBAN format (null where IBANs are not used). */
  get iban(): string | null {
    if (this.cache.iban === undefined) {
      const country = this.profile.iban;
      this.cache.iban = country ? flat(iban(this.rng(4), country)) : null;
    }
    return this.cache.iban;
  }

  /** The customer's national id number, or null where the profile has none the desk would see. */
  get nationalId(): { kind: NationalIdKind; value: string } | null {
    if (this.cache.nid === undefined) {
      const kinds = this.profile.nationalIds;
      const rng = this.rng(5);
      const roll = rng.float();
      // First-round customers hold their profile's main id, so every kind shows up in small seeds.
      const kind = this.index < PROFILES.length || roll < 0.7 ? kinds[0] : kinds[kinds.length - 1];
      this.cache.nid = kind ? { kind, value: flat(nationalId(kind, rng)) } : null;
    }
    return this.cache.nid;
  }
}
