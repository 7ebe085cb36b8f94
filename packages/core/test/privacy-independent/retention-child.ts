/**
 * Run by retention.test.ts as `node --expose-gc --import tsx retention-child.ts`: tokenizes a 10 MB tool
 * result with a vault that lives on (as a session's does), drops the result, collects garbage, and prints
 * how much of the heap stayed. A control keeps a 35-character slice of a text as large: that alone keeps
 * all of it, so the method sees what a cache keeping a slice would keep.
 */
import type { JsonValue } from "../../src/json.js";
import { tokenize, Vault } from "../../src/privacy/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --expose-gc");

/** About `size` characters of log lines and mail headers; `tag` makes the values differ between texts. */
function build(size: number, tag: string): string {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < size; i++) {
    const k = i % 40;
    const line =
      i % 10 === 0
        ? `From: Maximiliane ${tag}Oberhauser-Schmidt <max.${tag}${k}@mail${k}.${tag}example.com>`
        : `ts=${1_700_000_000 + i} user=u${i} mail=user${k}@host${k}.${tag}example.com phone=+44 20 79${tag.length}6 ${String(k).padStart(4, "0")} msg="ok"`;
    lines.push(line);
    n += line.length + 1;
  }
  return lines.join("\n");
}

const settle = () => {
  for (let i = 0; i < 4; i++) gc();
  return process.memoryUsage().heapUsed;
};
const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const vault = new Vault();
// Lazy loads (phone metadata, compiled code) happen before the baseline, with values of their own.
tokenize({ content: [{ type: "text", text: build(200_000, "warm") }] } as JsonValue, new Vault());

function run(tag: string): number {
  const text = build(10 * 2 ** 20, tag);
  const out = tokenize({ content: [{ type: "text", text }] } as JsonValue, vault);
  return JSON.stringify(out).length;
}

let before = settle();
const length = run("a");
const retained = settle() - before;

before = settle();
const keep = build(10 * 2 ** 20, "control").slice(5, 40);
const control = settle() - before;

console.log(JSON.stringify({ length, retainedMB: mb(retained), controlMB: mb(control), kept: keep.length }));
