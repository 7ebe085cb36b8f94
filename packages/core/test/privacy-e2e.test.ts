/**
 * End to end against real MCP servers over stdio with the real SDK client. The executor and the QuickJS
 * backend were not ready when this was written, so a "program" here is a function that reaches tools only
 * through `bridge()`, which does what the executor's tool bridge does (beforeCall, callTool, the
 * structured-content-or-content value, afterCall). Everything the program receives, logs, returns or sees
 * as an error is model-visible and is scanned for every raw value.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CodecallError, hasErrorCode } from "../src/errors.js";
import { createPrivacyGuard, type PrivacyGuard, type PrivacyGuardOptions } from "../src/internal.js";
import type { JsonObject, JsonValue } from "../src/json.js";

const serverPath = (name: string) =>
  fileURLToPath(new URL(`../node_modules/@modelcontextprotocol/${name}/dist/index.js`, import.meta.url));

const CONTACTS = [
  {
    name: "Ann Lee",
    email: "ann.lee@example.com",
    phone: "+1 415-555-2671",
    iban: "DE89 3704 0044 0532 0130 00",
  },
  {
    name: "Bob Stone",
    email: "bob.stone@example.org",
    phone: "+44 20 7946 0958",
    iban: "GB82 WEST 1234 5698 7654 32",
  },
  {
    name: "Chloé Martin",
    email: "chloe.martin@example.fr",
    phone: "(212) 555-0147",
    iban: "FR14 2004 1010 0505 0001 3M02 606",
  },
];
const RAW = CONTACTS.flatMap((c) => [c.name, c.email, c.phone, c.iban]);
const CSV = `name,email,phone,iban,city\n${CONTACTS.map((c) => `${c.name},${c.email},${c.phone},${c.iban},Oslo`).join("\n")}\n`;

let dir: string;
let memoryFile: string;
const clients: Record<string, Client> = {};

async function connect(name: string, args: string[], env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: "codecall-privacy-e2e", version: "0.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [serverPath(name), ...args],
      env: { PATH: process.env.PATH ?? "", ...env },
      stderr: "ignore",
    }),
  );
  return client;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "codecall-privacy-"));
  memoryFile = join(dir, "memory.jsonl");
  writeFileSync(join(dir, "contacts.csv"), CSV);
  [clients.files, clients.memory, clients.everything] = await Promise.all([
    connect("server-filesystem", [dir]),
    connect("server-memory", [], { MEMORY_FILE_PATH: memoryFile }),
    connect("server-everything", ["stdio"]),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(clients).map((c) => c.close()));
  rmSync(dir, { recursive: true, force: true });
});

/** One program run: the bridge it calls tools through and everything the model could see. */
function session(options: PrivacyGuardOptions) {
  const guard: PrivacyGuard = createPrivacyGuard(options);
  const visible: string[] = []; // what the program received, logged, returned, or saw as an error
  const sinkReceived: { tool: string; args: JsonValue }[] = [];
  async function bridge(server: string, tool: string, args: JsonObject): Promise<unknown> {
    const call = { server, tool, id: `${server}.${tool}`, args };
    try {
      const sent = guard.beforeCall(call);
      sinkReceived.push({ tool: call.id, args: sent });
      const result = (await clients[server]!.callTool({ name: tool, arguments: sent })) as CallToolResult;
      if (result.isError) {
        const text = result.content.map((c) => (c.type === "text" ? c.text : "")).join("\n");
        throw new CodecallError("TOOL_FAILED", text);
      }
      const value = guard.afterCall(call, result.structuredContent ?? result.content);
      visible.push(JSON.stringify(value));
      return value;
    } catch (error) {
      // The executor passes error messages through redact before the program or the model sees them.
      const e = CodecallError.from(error, "TOOL_FAILED");
      const safe = new CodecallError(e.code, guard.redact(e.message), { details: { tool: call.id } });
      visible.push(JSON.stringify(safe.toJSON()));
      throw safe;
    }
  }
  const log = (...parts: unknown[]) =>
    visible.push(guard.redact(parts.map((p) => JSON.stringify(p)).join(" ")));
  const envelope = (value: unknown) => {
    const text = guard.redact(JSON.stringify({ ok: true, value }));
    visible.push(text);
    return text;
  };
  const leaks = () => RAW.filter((raw) => visible.some((v) => v.includes(raw)));
  return { guard, bridge, log, envelope, visible, sinkReceived, leaks };
}

const textOf = (value: unknown): string => {
  if (typeof value === "object" && value !== null && "content" in value)
    return String((value as { content: unknown }).content);
  if (Array.isArray(value)) return value.map((c) => (c as { text?: string }).text ?? "").join("");
  return String(value);
};

describe("contacts from server-filesystem copied into server-memory (an allowed sink)", () => {
  it("the sink gets the real values; nothing model-visible contains any of them", async () => {
    const s = session({ flows: { "memory.create_entities": ["NAME", "EMAIL", "PHONE", "IBAN"] } });
    // --- the program ---
    const file = await s.bridge("files", "read_text_file", { path: join(dir, "contacts.csv") });
    const [header, ...lines] = textOf(file).trim().split("\n");
    expect(header).toBe("name,email,phone,iban,city");
    const rows = lines.map((l) => l.split(","));
    s.log("rows", rows);
    await s.bridge("memory", "create_entities", {
      entities: rows.map(([name, email, phone, iban]) => ({
        name: name!,
        entityType: "person",
        observations: [`email: ${email}`, `phone: ${phone}`, `iban: ${iban}`],
      })),
    });
    const graph = (await s.bridge("memory", "read_graph", {})) as { entities: { name: string }[] };
    const out = s.envelope({ copied: rows.length, names: graph.entities.map((e) => e.name), first: rows[0] });
    // --- checks ---
    // The program saw tokens, stable across tools: the names it read back are the names it wrote.
    expect(rows[0]).toEqual(["[NAME_1]", "[EMAIL_1]", "[PHONE_1]", "[IBAN_1]", "Oslo"]);
    expect(graph.entities.map((e) => e.name)).toEqual(["[NAME_1]", "[NAME_2]", "[NAME_3]"]);
    expect(out).toContain("[NAME_1]");
    // The sink received and stored the real values.
    const stored = readFileSync(memoryFile, "utf8");
    for (const raw of RAW) expect(stored).toContain(raw);
    // Model-visible text holds none of them.
    expect(s.visible.length).toBeGreaterThanOrEqual(5);
    expect(s.leaks()).toEqual([]);
  });
});

describe("attempts to leak", () => {
  const read = async (s: ReturnType<typeof session>) => {
    const file = await s.bridge("files", "read_text_file", { path: join(dir, "contacts.csv") });
    return textOf(file).trim().split("\n")[1]!.split(",");
  };

  it("tokens sent to a tool that is not a sink, split and re-joined, or re-encoded, come back as tokens", async () => {
    const s = session({ flows: { "memory.*": ["*"] } });
    const [, email] = await read(s);
    const split = `${email!.slice(0, 4)}${email!.slice(4)}`;
    const encoded = Buffer.from(email!).toString("base64");
    for (const message of [email!, split, encoded, [...email!].reverse().join(""), `${email} ${encoded}`]) {
      const echoed = textOf(await s.bridge("everything", "echo", { message }));
      expect(echoed.startsWith("Echo: ")).toBe(true);
    }
    // Echoed token text is token-shaped text in a result, so it comes back escaped, as a LITERAL token
    // whose value is the token's text: sending it on to a sink delivers "[EMAIL_1]", never the address.
    const echoed = textOf(await s.bridge("everything", "echo", { message: email! }));
    expect(echoed).toBe("Echo: [LITERAL_1]");
    await s.bridge("memory", "create_entities", {
      entities: [{ name: "probe", entityType: "note", observations: [echoed.slice(6)] }],
    });
    expect(JSON.stringify(s.sinkReceived.at(-1)!.args)).toContain('"[EMAIL_1]"');
    // The echo server itself received tokens only.
    for (const r of s.sinkReceived.filter((x) => x.tool === "everything.echo")) {
      for (const raw of RAW) expect(JSON.stringify(r.args)).not.toContain(raw);
    }
    expect(s.leaks()).toEqual([]);
  });

  it("forged tokens resolve to nothing, even at a sink", async () => {
    const s = session({ flows: { "memory.*": ["*"], "everything.echo": ["*"] } });
    await read(s);
    const forged = [
      "[EMAIL_4]",
      "[EMAIL_0]",
      "[EMAIL_01]",
      "[email_1]",
      "[ EMAIL_1]",
      "[NAME_99]",
      "[LITERAL_7]",
    ];
    const echoed = textOf(await s.bridge("everything", "echo", { message: forged.join(" ") }));
    expect(echoed).not.toContain("@");
    expect(s.sinkReceived.at(-1)!.args).toEqual({ message: forged.join(" ") });
    expect(s.leaks()).toEqual([]);
  });

  it("an echo-like sink that returns the real value gives the program its token again", async () => {
    const s = session({ flows: { "everything.echo": ["EMAIL", "PHONE"] } });
    const [, email, phone] = await read(s);
    const echoed = textOf(await s.bridge("everything", "echo", { message: `${email} / ${phone}` }));
    expect(s.sinkReceived.at(-1)!.args).toEqual({ message: `${CONTACTS[0]!.email} / ${CONTACTS[0]!.phone}` });
    // The real values came back from the tool and were tokenized again: the same tokens.
    expect(echoed).toBe(`Echo: ${email} / ${phone}`);
    expect(email).toBe("[EMAIL_1]");
    expect(s.leaks()).toEqual([]);
  });

  it("a file written by a non-sink holds tokens; a sink's error naming the real value is redacted", async () => {
    const s = session({ flows: { "files.read_text_file": ["EMAIL"] } });
    const [name, email] = await read(s);
    await s.bridge("files", "write_file", { path: join(dir, "out.txt"), content: `${name} <${email}>` });
    expect(readFileSync(join(dir, "out.txt"), "utf8")).toBe(`${name} <${email}>`);
    // read_text_file may receive emails: the path becomes the real address, and the server's error names it.
    const error = await s
      .bridge("files", "read_text_file", { path: join(dir, `${email}.txt`) })
      .catch((e: unknown) => e);
    expect(hasErrorCode(error, "TOOL_FAILED")).toBe(true);
    expect(JSON.stringify(s.sinkReceived.at(-1)!.args)).toContain(CONTACTS[0]!.email);
    expect((error as Error).message).toContain(email!);
    expect(s.leaks()).toEqual([]);
  });

  it("strict mode fails the call with PRIVACY_VIOLATION and sends nothing", async () => {
    const s = session({ flows: { "memory.*": ["*"] }, onViolation: "error" });
    const [, email] = await read(s);
    const sent = s.sinkReceived.length;
    const error = await s.bridge("everything", "echo", { message: email! }).catch((e: unknown) => e);
    expect(hasErrorCode(error, "PRIVACY_VIOLATION")).toBe(true);
    expect(s.sinkReceived.length).toBe(sent);
    expect(s.leaks()).toEqual([]);
  });
});
