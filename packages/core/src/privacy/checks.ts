/**
 * Checksums and structural validators the detectors run on candidates. Each is cheap and allocation-light;
 * they run only after a regex or character scan found a candidate.
 */

/** True when the digits of `digits` (digits only) pass the Luhn check. */
export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * True when a 13-19 digit number starts like a card number of a known scheme (Visa, Mastercard, Amex,
 * Discover, Diners, JCB, UnionPay, Maestro). Cuts random Luhn-passing ids by about half.
 */
export function cardPrefix(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19) return false;
  const d1 = digits.charCodeAt(0) - 48;
  // Arithmetic on the leading digits; the general parse only for other characters.
  const plain = leadingDigits(digits, 4);
  const d2 = plain ? d1 * 10 + digits.charCodeAt(1) - 48 : Number(digits.slice(0, 2));
  const d4 = plain
    ? d2 * 100 + (digits.charCodeAt(2) - 48) * 10 + digits.charCodeAt(3) - 48
    : Number(digits.slice(0, 4));
  if (d1 === 4) return n === 13 || n === 16 || n === 19; // Visa
  if (d2 >= 51 && d2 <= 55) return n === 16; // Mastercard
  if (d4 >= 2221 && d4 <= 2720) return n === 16; // Mastercard 2-series
  if (d2 === 34 || d2 === 37) return n === 15; // Amex
  if (d2 === 36 || d2 === 38 || (d4 >= 3000 && d4 <= 3059)) return n >= 14 && n <= 19; // Diners
  if (d4 >= 3528 && d4 <= 3589) return n >= 16 && n <= 19; // JCB
  if (d4 === 6011 || d2 === 65 || (d4 >= 6440 && d4 <= 6499)) return n >= 16 && n <= 19; // Discover
  if (d2 === 62) return n >= 16 && n <= 19; // UnionPay
  if (d2 === 50 || (d2 >= 56 && d2 <= 69)) return n >= 12 && n <= 19; // Maestro
  return false;
}

/** True when the first `n` characters of `s` are ASCII digits. */
function leadingDigits(s: string, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** IBAN length per country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  (
    "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 " +
    "EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 " +
    "JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 " +
    "NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 " +
    "TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30"
  )
    .split(" ")
    .map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

/** The IBAN length for a country code, or undefined for a country without IBANs. */
export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

/** True when `iban` (upper case, no spaces) has its country's length and passes the mod-97 check. */
export function ibanValid(iban: string): boolean {
  if (ibanLength(iban.slice(0, 2)) !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/**
 * True for a US SSN the SSA could issue (area not 000, 666 or 900-999; group not 00; serial not 0000;
 * not one of the numbers known from advertising, 078-05-1120 and 219-09-9999) or an IRS ITIN (area
 * 900-999 with a group of 50-65, 70-88, 90-92 or 94-99).
 */
export function ssnValid(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a >= 900) {
    const g = Number(group);
    return (
      serial !== "0000" && ((g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94)
    );
  }
  if (a === 0 || a === 666) return false;
  if (group === "00" || serial === "0000") return false;
  const whole = area + group + serial;
  return whole !== "078051120" && whole !== "219099999";
}

/** True for a dotted-quad IPv4 address: four decimal octets 0-255 without leading zeros. */
export function ipv4Valid(text: string): boolean {
  // Digits and dots only (what the detectors pass): one scan, no allocation.
  let dots = 0;
  let octet = 0;
  let len = 0;
  let first = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c >= 48 && c <= 57) {
      if (len === 0) first = c;
      octet = octet * 10 + (c - 48);
      len++;
    } else if (c === 46) {
      if (len === 0 || len > 3 || (len > 1 && first === 48) || octet > 255) return false;
      if (i < text.length && ++dots > 3) return false;
      octet = 0;
      len = 0;
    } else return ipv4ValidSlow(text);
  }
  return dots === 3;
}

function ipv4ValidSlow(text: string): boolean {
  const parts = text.split(".");
  if (parts.length !== 4) return false;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3 || (p.length > 1 && p[0] === "0")) return false;
    const n = Number(p);
    if (!(n >= 0 && n <= 255)) return false;
  }
  return true;
}

/**
 * True for a valid dotted quad that is a mask, not a host: its 32 bits are ones then zeros (a netmask such
 * as `255.255.255.0`, and the unspecified `0.0.0.0` and broadcast `255.255.255.255`).
 */
export function ipv4Mask(quad: string): boolean {
  let n = 0;
  for (const o of quad.split(".")) n = n * 256 + Number(o);
  const inverse = 0xffffffff - n;
  // The inverse of a mask is a run of low ones: adding one carries out of every bit it has.
  return (inverse & (inverse + 1)) === 0;
}

/**
 * True when CIDR notation right after an address at `end` names a network: a prefix length below the
 * address's width less one (a `/32` or `/128` is one host, a `/31` or `/127` two) and the address's bits beyond it zero (`10.1.0.0/16`,
 * `2001:db8::/32`, loosely `172.30.0.0/12`; `203.0.113.45/24` is a host written with its subnet). `bits` are the address's groups
 * of `width` bits.
 */
export function networkPrefix(text: string, end: number, bits: readonly number[], width: number): boolean {
  if (text.charCodeAt(end) !== 47) return false;
  let p = 0;
  let i = end + 1;
  for (; i < text.length && i < end + 4; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    p = p * 10 + (c - 48);
  }
  if (i === end + 1 || /\w/.test(text[i] ?? "") || (text[i] === "." && /\d/.test(text[i + 1] ?? "")))
    return false;
  // A `/31` or `/127` link holds two hosts and no network address (RFC 3021, RFC 6164).
  const max = bits.length * width;
  if (p >= max - 1) return false;
  // Every group past the prefix must be zero, and the group it cuts must be zero below the cut; but
  // with whole zero groups after it, a cut group that is not is a network written loosely
  // (`172.30.0.0/12`): a host ends in zero groups far less often than a network is misaligned.
  let cutUnaligned = false;
  let zeroGroupsPast = 0;
  for (let g = 0; g < bits.length; g++) {
    const from = g * width;
    if (from + width <= p) continue;
    const keep = Math.max(0, p - from);
    if (bits[g]! % 2 ** (width - keep) === 0) {
      if (keep === 0) zeroGroupsPast++;
    } else if (keep > 0) cutUnaligned = true;
    else return false;
  }
  return !cutUnaligned || zeroGroupsPast > 0;
}

/** The octets of a valid dotted quad. */
export const ipv4Octets = (quad: string): number[] => quad.split(".").map(Number);

/** The eight 16-bit groups of a valid IPv6 address (an IPv4 suffix fills the last two). */
export function ipv6Groups(text: string): number[] {
  const halves = text.split("::");
  const parse = (half: string): number[] => {
    if (half === "") return [];
    const out: number[] = [];
    for (const g of half.split(":")) {
      if (g.includes(".")) {
        const [a, b, c, d] = ipv4Octets(g) as [number, number, number, number];
        out.push(a * 256 + b, c * 256 + d);
      } else out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** True for an IPv6 address in any RFC 4291 text form (compressed, full, IPv4-suffixed), without zone. */
export function ipv6Valid(text: string): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = all.length;
  const last = all[all.length - 1];
  if (last?.includes(".")) {
    if (!ipv4Valid(last)) return false;
    count += 1; // an IPv4 suffix fills two groups
    all.pop();
  }
  for (const g of all) if (!HEX_GROUP.test(g)) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
