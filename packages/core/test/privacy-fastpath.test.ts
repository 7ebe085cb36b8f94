/**
 * The fast paths of tokenization change speed, never results: the character-profile gates skip a detector
 * only when its pattern cannot match, the walk shares unchanged objects and arrays with the input, and the
 * per-call result cache gives what an uncached scan gives. Plus the executor passing a tool's output schema
 * to the guard, so a `format: "email"` field is tokenized through a real program run.
 */
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectServers,
  createExecutor,
  createPrivacyGuard,
  type Detector,
  defaultDetectors,
  type Executor,
  type Match,
  type McpConnections,
  ssnDetector,
  type TextProfile,
  textProfile,
  tokenize,
  untokenize,
  Vault,
} from "../src/internal.js";
import type { JsonValue } from "../src/json.js";
import { presentBackends } from "./executor-fixtures.js";

/** A profile that rules nothing out: every detector runs its full pattern. */
const open = (text: string): TextProfile => ({
  text,
  at: true,
  bracket: true,
  cardRun: 99,
  phoneRun: 99,
  ssnShape: true,
  quadHead: true,
  hexColons: 99,
  doubleColon: true,
  ibanHead: true,
  digitRun: 99,
  lookalike: true,
  backslash: true,
  percent: true,
});

const VALUES = [
  "ann.lee@example.com",
  "+44 20 7946 0958",
  "(415) 555-2671",
  "0044 20 7946 0958",
  "4111 1111 1111 1111",
  "5555-5555-5555-4444",
  "4111111111111111",
  "DE89 3704 0044 0532 0130 00",
  "GB82WEST12345698765432",
  "123-45-6789",
  "123 45 6789",
  "192.168.1.20",
  "10.0.0.1",
  "2001:db8::1",
  "fe80:0:0:0:202:b3ff:fe1e:8329",
  "::ffff:192.0.2.1",
  "v1.2.3.4",
  "2024-01-05T12:34:00Z",
  "GET /api/v1/orders/974741 404 665ms",
  "Mozilla/5.0 (X11; Linux x86_64) Chrome/107.0.8167.97",
  "8990414423254588",
];
const PIECES = [..."0123456789 -.()+:/@_xAZaf[]", "00", "DE", "GB", "://"];
/** Values, their fragments and the characters the gates look at, in any mix. */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom(...VALUES),
      fc.constantFrom(...PIECES),
      fc.string({ maxLength: 4 }),
      fc.constantFrom(...VALUES).map((v) => v.slice(0, Math.ceil(v.length / 2))),
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(""));

const find = (text: string, profile: TextProfile | undefined, key?: string): Match[] => {
  const out: Match[] = [];
  for (const d of defaultDetectors()) d.find(text, out, profile ? { key, profile } : { key });
  return out;
};

describe("character-profile gates", () => {
  it("every built-in detector finds exactly what its ungated pattern finds", () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(find(t, undefined)).toEqual(find(t, open(t)));
      }),
      { numRuns: 3000 },
    );
  });

  it("each value type passes its own gate, and plain prose passes none", () => {
    const p = (t: string) => textProfile(t);
    expect(p("mail ann.lee@example.com").at).toBe(true);
    expect(p("card 4111 1111 1111 1111").cardRun).toBe(16);
    expect(p("card 4111 1111 1111 1111.").cardRun).toBe(16);
    expect(p("GET /orders/974741 404 665ms").cardRun).toBe(9); // no card ends inside "665ms"
    expect(p("id x-4111111111111111").cardRun).toBe(0); // no card starts after a dash
    // Dots may group a card's digits, so the run goes on through a decimal point (the detector then
    // wants groups of four around each dot, which `4111111111111111.5` is not).
    expect(p("n 4111111111111111.5").cardRun).toBe(17);
    expect(p("ssn 123-45-6789").ssnShape).toBe(true);
    expect(p("ssn 12 123 45 6789.").ssnShape).toBe(true);
    expect(p("GET /orders/974741 404 665ms").ssnShape).toBe(false); // groups of 6, 3, 3
    expect(p("ssn 123-45 6789").ssnShape).toBe(false); // two kinds of separator
    expect(p("from 10.0.0.12:8080").quadHead).toBe(true);
    expect(p("Chrome/120.0.1234.56").quadHead).toBe(false); // a four-digit group is no octet
    expect(p("call (415) 555-2671 today").phoneRun).toBe(10);
    expect(p("trace 1234567890123456").phoneRun).toBe(0); // a bare digit run is an id
    expect(p("at 2024-01-05T12:34:00Z").phoneRun).toBe(0); // followed by a letter
    expect(p("iban DE89 3704").ibanHead).toBe(true);
    expect(p("host 2001:db8::1").doubleColon).toBe(true);
    const prose = p("the report was updated after review");
    expect([
      prose.at,
      prose.bracket,
      prose.ssnShape,
      prose.quadHead,
      prose.ibanHead,
      prose.doubleColon,
    ]).toEqual([false, false, false, false, false, false]);
    expect(prose.cardRun + prose.phoneRun + prose.hexColons).toBe(0);
  });
});

/** The same detectors, wrapped so the scan knows none of them: no gate can skip one. */
const unknownToTheScan = (): Detector[] =>
  defaultDetectors().map((d) => ({
    type: d.type,
    confidence: d.confidence,
    find: (text, out, context) => d.find(text, out, context),
    ...(d.matchNumber ? { matchNumber: (n: number) => d.matchNumber!(n) } : {}),
  }));

describe("scan-level gates", () => {
  it("skipping built-ins by profile, and strings with no digit or @, changes no result", () => {
    const wrapped = unknownToTheScan();
    const escapes = fc.constantFrom("\\u0040", "%40", "\\u0031", "%31", "[EMAIL_1]", "\u00a0", "\u2013");
    const mixed = fc
      .array(fc.oneof(text, escapes, fc.constantFrom(" ", "tel: ", "ssn ", "\n")), { maxLength: 6 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(mixed, fc.constantFrom(undefined, "phone", "ssn", "note", "version"), (t, key) => {
        const value: JsonValue = key === undefined ? t : { [key]: t };
        expect(tokenize(value, new Vault())).toEqual(tokenize(value, new Vault(), { detectors: wrapped }));
      }),
      { numRuns: 2000 },
    );
  });

  it("with remembered values, strings with no digit or @ are told so by their profile, same result", () => {
    const wrapped = unknownToTheScan();
    // Remembered names and an address whose words the mixed text holds, so the profile lists words.
    const seed = (vault: Vault) => {
      // `ڪڪ` is `%DA%AA%DA%AA` percent-encoded: an escape with no digit, as is JSON's `\/` in `Ann\/Lee`.
      for (const name of ["Ann Lee", "Lee", "José Müller", "Xi", "Ann/Lee", 'Ann "Bo" Lee', "ڪڪ"])
        vault.issue("NAME", name, { remember: true });
      vault.issue("EMAIL", "ann.lee@example.com", { remember: true });
      return vault;
    };
    const words = fc.constantFrom(
      "Ann",
      "Lee",
      "Ann Lee",
      "José Müller",
      "Xi",
      "ann",
      "é",
      "bo@mail.example.org",
      // Digit-free escapes that decode to a remembered value: the profile's `\\` and `%` terms must see them.
      '{"who":"Ann\\/Lee"}',
      '{"who":"Ann \\"Bo\\" Lee"}',
      "%DA%AA%DA%AA",
      "?q=%DA%AA%DA%AA",
    );
    const mixed = fc
      .array(fc.oneof(text, words, fc.constantFrom(" ", "@", "%", "\\", "[", "\n", "\u00a0")), {
        maxLength: 8,
      })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(mixed, (t) => {
        expect(tokenize(t, seed(new Vault()))).toEqual(
          tokenize(t, seed(new Vault()), { detectors: wrapped }),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("a built-in detector spread into one with its own find keeps no gate", () => {
    const own = {
      ...ssnDetector(),
      find: (text: string, out: Match[]) =>
        void out.push({ start: 0, end: text.length, type: "SSN", confidence: 1 }),
    };
    expect(tokenize("plain words only", new Vault(), { detectors: [own] })).toBe("[SSN_1]");
    expect(tokenize("4 plain words", new Vault(), { detectors: [own] })).toBe("[SSN_1]");
  });

  it("a bare national number beside every phone label, in either case, is found; without one it is not", () => {
    const labels = [
      "phone",
      "tel",
      "tél",
      "telephone",
      "téléphone",
      "telefon",
      "teléfono",
      "telefono",
      "telefone",
      "mobile",
      "mobil",
      "móvil",
      "movil",
      "cell",
      "cellular",
      "handy",
      "portable",
      "fax",
      "whatsapp",
      "whats app",
      "sms",
      "電話",
      "携帯",
      "手机",
      "电话",
      "☎",
      "📞",
      "call",
      "call me",
      "call back",
      "call me on",
      "call at",
      "ring",
      "dial",
      "dial-in",
      "reach me on",
      "reach us at",
      "my number",
      "my number is",
    ];
    const number = "06 12 34 56 78"; // a French mobile number: no default region reads it unlabelled
    expect(tokenize(`ref ${number}`, new Vault())).toBe(`ref ${number}`);
    for (const label of labels) {
      for (const written of [label, label.toUpperCase()]) {
        for (const sep of [": ", " ", "：", " - ", " #"]) {
          const out = tokenize(`${written}${sep}${number}`, new Vault()) as string;
          expect(out, `${written}${sep}`).toBe(`${written}${sep}[PHONE_1]`);
        }
      }
    }
  });
});

describe("copy-on-write walk", () => {
  it("returns the very same value when nothing matched", () => {
    const value: JsonValue = { items: [{ id: "a1", tags: ["x", "y"], n: 3 }], total: 1, ok: true };
    const before = JSON.stringify(value);
    expect(tokenize(value, new Vault())).toBe(value);
    expect(JSON.stringify(value)).toBe(before);
  });

  it("copies only the path to a replaced value, still tokenizes nested values, and leaves the input as it was", () => {
    const untouched = { id: "a1", tags: ["x", "y"] };
    const nested = { deep: { deeper: ["plain", "mail ann.lee@example.com"] } };
    const value = { list: [untouched, nested] as JsonValue[], meta: { page: 1 } };
    const before = JSON.stringify(value);
    const out = tokenize(value, new Vault()) as typeof value;
    expect(out).not.toBe(value);
    expect(out.list).not.toBe(value.list);
    expect(out.list[0]).toBe(untouched);
    expect(out.meta).toBe(value.meta);
    expect(out.list[1]).not.toBe(nested);
    expect(out.list[1]).toEqual({ deep: { deeper: ["plain", "mail [EMAIL_1]"] } });
    expect(JSON.stringify(value)).toBe(before);
  });

  it("rebuilds an object whose key alone changed, keeping key order and a __proto__ key as data", () => {
    const value = JSON.parse('{"a":1,"ann.lee@example.com":2,"__proto__":{"x":1},"z":"plain"}') as JsonValue;
    const vault = new Vault();
    const out = tokenize(value, vault) as Record<string, JsonValue>;
    expect(Object.keys(out)).toEqual(["a", "[EMAIL_1]", "__proto__", "z"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(untokenize(out, vault).value).toEqual(value);
  });
});

describe("the per-call result cache", () => {
  it("depends on the property name: a version string stays, the same text under another name is an address", () => {
    const value: JsonValue = [{ version: "10.0.0.1" }, { ip: "10.0.0.1" }, { version: "10.0.0.1" }];
    const out = tokenize(value, new Vault()) as Record<string, string>[];
    // Once the address is in the vault, the whole string is its token wherever it appears, as uncached.
    expect(out).toEqual([{ version: "10.0.0.1" }, { ip: "[IPV4_1]" }, { version: "[IPV4_1]" }]);
  });

  it("replaces a value remembered from a field in strings before and after that field", () => {
    const value: JsonValue = [{ note: "ref 4155552671" }, { phone: 4155552671 }, { note: "ref 4155552671" }];
    const vault = new Vault();
    const out = tokenize(value, vault) as Record<string, JsonValue>[];
    // One value, one token, whether it sits as a JSON number or inside text; restored as each was.
    expect(out).toEqual([{ note: "ref [PHONE_1]" }, { phone: "[PHONE_1]" }, { note: "ref [PHONE_1]" }]);
    expect(untokenize(out, vault).value).toEqual(value);
  });

  it("a later call replaces a value the vault remembered after an earlier call had scanned it", () => {
    const vault = new Vault();
    const first = tokenize([{ note: "ref Zed Quill" }], vault);
    expect(first).toEqual([{ note: "ref Zed Quill" }]);
    vault.issue("NAME", "Zed Quill", { remember: true });
    expect(tokenize([{ note: "ref Zed Quill" }], vault)).toEqual([{ note: "ref [NAME_1]" }]);
  });

  it("gives the same output as scanning every string on its own, for repeated values in many objects", () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({
      state: i % 2 ? "open" : "closed",
      owner: i % 3 ? "mail ann.lee@example.com" : "call (415) 555-2671",
      id: `id-${i}`,
    }));
    const vault = new Vault();
    const out = tokenize(rows, vault);
    const single = new Vault();
    const each = rows.map((r) => tokenize(r, single));
    expect(out).toEqual(each);
    expect(untokenize(out, vault).value).toEqual(rows);
  });
});

const backend = (await presentBackends()).find((b) => !b.skip);

describe.skipIf(!backend)("schema-driven fields through the executor", () => {
  let connections: McpConnections;
  let executor: Executor;

  beforeAll(async () => {
    connections = await connectServers({
      mcpServers: {
        directory: {
          command: process.execPath,
          args: [fileURLToPath(new URL("./fixtures/privacy/directory-server.mjs", import.meta.url))],
        },
      },
    });
    executor = await createExecutor({
      catalogue: connections,
      sandbox: await backend!.create(),
      // Shape-based email detection off: only the output schema's `format: "email"` can mark `owner`.
      interceptor: createPrivacyGuard({ disable: ["EMAIL"] }),
    });
  });

  afterAll(async () => {
    await executor?.close();
    await executor?.sandbox.close();
    await connections?.close();
  });

  it("tokenizes a format: email output field the program reads, and only that one", async () => {
    const result = await executor.execute(
      `const t = await directory.teamOwner({ team: "payments" });\nconsole.log("owner", t.owner);\nreturn t;`,
    );
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual({
      team: "payments",
      owner: "[EMAIL_1]",
      deputy: "bob.stone@payments.example.com", // no format, and the shape detector is off
    });
    expect(result.logs[0]?.message).toBe("owner [EMAIL_1]");
    expect(JSON.stringify(result)).not.toContain("ann.lee@payments.example.com");
  });
});
