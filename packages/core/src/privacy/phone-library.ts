import { createRequire } from "node:module";

type PhoneLibrary = typeof import("libphonenumber-js/max");
let library: PhoneLibrary | undefined;

/**
 * libphonenumber-js with its full metadata, required on first use rather than imported: it is most of
 * the privacy entry's import time, and a scan that meets no phone-shaped text never needs it.
 */
export function phoneLibrary(): PhoneLibrary {
  library ??= createRequire(import.meta.url)("libphonenumber-js/max") as PhoneLibrary;
  return library;
}

let mainRegions: (string | undefined)[] | undefined;

/**
 * The main region of a country calling code (`33` → FR, `44` → GB, `7` → RU: the first the metadata
 * lists), or undefined (`800`, non-geographic, too). Read from the metadata {@link phoneLibrary} loads
 * (the same module, no second copy) into a table by code: no parse, which costs some 15 µs a number.
 */
export function mainRegionOf(callingCode: number): string | undefined {
  if (mainRegions === undefined) {
    phoneLibrary();
    const codes = (
      createRequire(import.meta.url)("libphonenumber-js/metadata.max.json") as {
        country_calling_codes: Record<string, string[]>;
      }
    ).country_calling_codes;
    mainRegions = new Array<string | undefined>(1000).fill(undefined);
    for (const code in codes) if (codes[code]![0] !== "001") mainRegions[Number(code)] = codes[code]![0];
  }
  return mainRegions[callingCode];
}

/**
 * Regions whose national numbers are customarily written without the trunk prefix even where the plan
 * has one: Indian mobiles (`98765 43210`), Brazilian numbers with the area code in parentheses
 * (`(11) 91234-5678`), Mexico (trunk prefixes abolished in 2019) and Chinese mobiles. Elsewhere a digit
 * group without the trunk prefix (`159 662 112` in a Dutch or French record) is a count, not a number.
 */
export const WRITTEN_WITHOUT_TRUNK: ReadonlySet<string> = new Set(["IN", "BR", "MX", "CN"]);
