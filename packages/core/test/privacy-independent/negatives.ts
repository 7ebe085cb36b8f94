/**
 * Hard negatives: ordinary data of tool results that looks like a personal value but is not one
 * (versions, user agents, asset names, git remotes, URL credentials' user and host, order numbers, ids,
 * hashes, timestamps, checksum-failing cards and IBANs). Each one must come back unchanged.
 */
import { card, iban, type Rng } from "./values.js";

/** One negative: `text` must survive intact; no vault value of a type outside `allow` may overlap `core`. */
export interface Negative {
  kind: string;
  text: string;
  /** The part no token may cover (default `text`); `null` checks only that `text` survives. */
  core?: string | null;
  /** Types that may legitimately be found inside (a URL's password is a `SECRET`). */
  allow?: string[];
  /** Only a vault value equal to `core` counts (a short placeholder such as `-` or `n/a`). */
  exact?: boolean;
}

const ver = (r: Rng) => `${r.int(0, 30)}.${r.int(0, 40)}.${r.int(0, 200)}`;

/** A negative that fits in a free field value (the field's key is chosen by the caller). */
export function fieldNegative(r: Rng): { key: string; value: string | number; neg: Negative } {
  const roll = r.int(0, 21);
  const n = (kind: string, key: string, value: string | number, extra: Partial<Negative> = {}) => ({
    key,
    value,
    neg: { kind, text: String(value), ...extra },
  });
  switch (roll) {
    case 0:
      return n("version", "version", `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 999)}`);
    case 1:
      return n(
        "asset",
        r.pick(["icon", "image", "thumbnail", "asset"]),
        `${r.pick(["icon", "logo", "avatar-default", "hero", "btn-close"])}@${r.int(2, 4)}x.${r.pick(["png", "webp", "jpg", "svg"])}`,
      );
    case 2: {
      const host = r.pick(["github.com", "gitlab.com", "bitbucket.org", "git.example.com"]);
      return n(
        "git-remote",
        r.pick(["remote", "repository", "origin", "git_url"]),
        `git@${host}:${r.pick(["acme", "platform", "data-eng"])}/${r.pick(["api", "web-app", "infra", "billing-svc"])}.git`,
      );
    }
    case 3: {
      const user = r.pick(["deploy", "admin", "svc_ci", "app", "readonly", "root"]);
      const pass = `${r.alnum(6)}${r.pick(["!", "", "_", ""])}${r.alnum(4)}`.toLowerCase();
      const host = r.pick(["db.internal", "registry.example.com", "cache-01.prod.local", "mq.example.net"]);
      const scheme = r.pick(["postgres", "mysql", "https", "redis", "amqp", "mongodb"]);
      const rest = `@${host}:${r.int(1000, 9999)}/${r.pick(["app", "main", "v2", "0"])}`;
      return n(
        "url-credentials",
        r.pick(["database_url", "dsn", "registry", "broker_url"]),
        `${scheme}://${user}:${pass}${rest}`,
        {
          text: rest,
          core: rest,
          allow: ["SECRET"],
        },
      );
    }
    case 4:
      return n(
        "order-number",
        r.pick(["order_id", "orderNumber", "reference"]),
        `${r.pick(["ORD", "SO", "PO", "INV"])}-${r.int(2019, 2026)}-${r.digits(6)}`,
      );
    case 5:
      return n(
        "numeric-id",
        r.pick(["id", "account_id", "customerId", "invoice_number", "ticket_id"]),
        Number(`${r.int(1, 9)}${r.digits(r.pick([8, 9, 10, 11, 12]))}`),
      );
    case 6:
      return n("hash", r.pick(["sha", "commit", "checksum", "etag"]), r.hex(r.pick([32, 40, 64])));
    case 7:
      return n(
        "timestamp",
        r.pick(["created_at", "updatedAt", "timestamp"]),
        `20${r.int(19, 26)}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}T${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}.${r.digits(3)}Z`,
      );
    case 8:
      return n(
        "epoch",
        r.pick(["created", "ts", "modified_ms", "expires"]),
        r.chance(0.5) ? r.int(1_500_000_000, 1_800_000_000) : Number(`1${r.int(5, 7)}${r.digits(11)}`),
      );
    case 9:
      return n("card-checksum-fail", r.pick(["reference", "tracking_number", "serial"]), card(r, true).text);
    case 10:
      return n("iban-checksum-fail", r.pick(["reference", "mandate_ref", "note"]), iban(r, true).text);
    case 11:
      return n(
        "user-agent",
        "user_agent",
        `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${r.int(90, 130)}.0.${r.int(4000, 6999)}.${r.int(10, 250)} Safari/537.36`,
      );
    case 12:
      return n(
        "package-spec",
        r.pick(["package", "dependency"]),
        `@${r.pick(["acme", "types", "babel"])}/${r.pick(["core", "node", "utils"])}@${ver(r)}`,
      );
    case 13:
      return n(
        "artifact",
        r.pick(["artifact", "file", "download"]),
        `${r.pick(["app", "agent", "sdk"])}-${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}.${r.pick(["zip", "tar.gz", "msi", "jar"])}`,
      );
    case 14:
      return n(
        "uuid",
        r.pick(["uuid", "request_id", "trace_id"]),
        `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(["8", "9", "a", "b"])}${r.hex(3)}-${r.hex(12)}`,
      );
    case 15:
      return n("isbn", "isbn", `978-${r.int(0, 9)}-${r.digits(2)}-${r.digits(6)}-${r.int(0, 9)}`);
    case 16:
      return n("oid", "oid", `1.3.6.1.4.1.${r.int(1000, 60000)}.${r.int(1, 20)}.${r.int(1, 9)}`);
    case 17:
      return n("sku", r.pick(["sku", "part_no", "model"]), `${r.alnum(3)}-${r.digits(4)}-${r.digits(3)}`);
    case 18:
      return n("amount", r.pick(["amount", "total", "balance"]), Number(`${r.int(1, 99999)}.${r.digits(2)}`));
    case 19:
      return n(
        "build",
        r.pick(["build", "buildNumber"]),
        `${r.int(2019, 2026)}${String(r.int(1, 12)).padStart(2, "0")}${String(r.int(1, 28)).padStart(2, "0")}.${r.int(1, 20)}`,
      );
    case 20:
      return n(
        "scoped-cpp",
        "symbol",
        `${r.pick(["std", "boost", "app"])}::${r.pick(["vector", "detail", "net"])}::${r.pick(["push_back", "io_context", "resolve"])}`,
      );
    default:
      return n(
        "duration",
        r.pick(["elapsed", "duration"]),
        `${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}`,
      );
  }
}

/** A negative phrase for free text (a log line, a ticket body). */
export function textNegative(r: Rng): Negative & { phrase: string } {
  const roll = r.int(0, 11);
  const mk = (kind: string, phrase: string, text = phrase, extra: Partial<Negative> = {}) => ({
    kind,
    phrase,
    text,
    ...extra,
  });
  switch (roll) {
    case 0: {
      const v = `${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 99)}`;
      return mk("version", `upgraded to ${v} last week`, v);
    }
    case 1: {
      const ua = `Chrome/${r.int(90, 130)}.0.${r.int(4000, 6999)}.${r.int(10, 250)}`;
      return mk("user-agent", `ua="Mozilla/5.0 (X11; Linux x86_64) ${ua} Safari/537.36"`, ua);
    }
    case 2: {
      const a = `${r.pick(["icon", "logo", "splash"])}@${r.int(2, 3)}x.png`;
      return mk("asset", `missing asset ${a} in bundle`, a);
    }
    case 3: {
      const g = `git@${r.pick(["github.com", "gitlab.example.com"])}:${r.pick(["acme", "ops"])}/${r.pick(["deploy", "site"])}.git`;
      return mk("git-remote", `cloned ${g} into /srv/app`, g);
    }
    case 4: {
      const o = `#${r.digits(r.pick([6, 7, 8]))}`;
      return mk("order-number", `order ${o} shipped`, o);
    }
    case 5: {
      const c = card(r, true).text;
      return mk("card-checksum-fail", `ref ${c} not found`, c);
    }
    case 6: {
      const i = iban(r, true).text;
      return mk("iban-checksum-fail", `rejected IBAN ${i} (invalid check digits)`, i);
    }
    case 7: {
      const h = r.hex(40);
      return mk("hash", `commit ${h} reverted`, h);
    }
    case 8: {
      const d = `${String(r.int(1, 28)).padStart(2, "0")}/${String(r.int(1, 12)).padStart(2, "0")}/20${r.int(19, 26)} ${String(r.int(0, 23)).padStart(2, "0")}:${String(r.int(0, 59)).padStart(2, "0")}`;
      return mk("timestamp", `scheduled for ${d}`, d);
    }
    case 9: {
      const f = `app-${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.zip`;
      return mk("artifact", `uploaded ${f}`, f);
    }
    case 10: {
      const p = `https://${r.pick(["ci", "bot", "mirror"])}:${r.alnum(8).toLowerCase()}@${r.pick(["nexus.example.com", "proxy.local"])}/repo`;
      const rest = p.slice(p.indexOf("@"));
      return mk("url-credentials", `fetching ${p}`, rest, { allow: ["SECRET"] });
    }
    default: {
      const n = `${r.int(100, 199)} ${r.digits(3)} ${r.digits(3)}`;
      return mk("amount", `total ${n} units processed`, n);
    }
  }
}

/** Infrastructure and commerce identifiers that look like personal values (ARNs, routing numbers, digests). */
export function infraNegative(r: Rng): { key: string; value: string | number; neg: Negative } {
  const roll = r.int(0, 11);
  const n = (kind: string, key: string, value: string | number, text = String(value)) => ({
    key,
    value,
    neg: { kind, text },
  });
  switch (roll) {
    case 0:
      return n(
        "aws-arn",
        "role_arn",
        `arn:aws:iam::${r.digits(12)}:role/${r.pick(["deploy", "reader", "lambda-exec"])}`,
      );
    case 1:
      return n("routing-number", "routing_number", `0${r.int(1, 9)}${r.digits(7)}`);
    case 2:
      return n("ein", "employer_ein", `${r.int(10, 99)}-${r.digits(7)}`);
    case 3:
      return n("ean", r.pick(["ean", "gtin", "barcode"]), `${r.int(4, 9)}${r.digits(12)}`);
    case 4:
      return n(
        "mac-address",
        r.pick(["mac", "hw_addr"]),
        Array.from({ length: 6 }, () => r.hex(2))
          .join(":")
          .toUpperCase(),
      );
    case 5:
      return n(
        "image-digest",
        "image",
        `${r.pick(["nginx", "redis", "ghcr.io/acme/api"])}@sha256:${r.hex(64)}`,
      );
    case 6:
      return n(
        "package-spec",
        "dependency",
        `${r.pick(["lodash", "express", "react"])}@${r.int(1, 19)}.${r.int(0, 30)}.${r.int(0, 40)}`,
      );
    case 7:
      return n(
        "date-de",
        "datum",
        `${String(r.int(1, 28)).padStart(2, "0")}.${String(r.int(1, 12)).padStart(2, "0")}.20${r.int(19, 26)}`,
      );
    case 8:
      return n(
        "coordinates",
        "location",
        `${r.int(-80, 80)}.${r.digits(6)},${r.int(-170, 170)}.${r.digits(6)}`,
      );
    case 9:
      return n(
        "time-range",
        "opening_hours",
        `${String(r.int(6, 11)).padStart(2, "0")}:00-${r.int(16, 22)}:30`,
      );
    case 10:
      return n("tracking-number", "tracking_number", r.digits(12));
    default:
      return n(
        "semver-pre",
        "version",
        `${r.int(0, 20)}.${r.int(0, 20)}.${r.int(0, 20)}-${r.pick(["beta", "rc", "alpha"])}.${r.int(1, 9)}`,
      );
  }
}

/** Placeholder values people put in personal fields. */
export const PLACEHOLDERS = [
  "n/a",
  "N/A",
  "none",
  "None",
  "-",
  "Support",
  "unknown",
  "TBD",
  "null",
  "Unassigned",
];
