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
