// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are ${VAR} references in MCP configs
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CodecallError,
  loadConfig,
  parseConfig,
  suggestNames,
  toolResultToValue,
} from "../src/internal.js";

const env = { HOME_DIR: "/home/ada", TOKEN: "s3cret", EMPTY: "" };

function configError(input: unknown): CodecallError {
  try {
    parseConfig(input, { env });
  } catch (error) {
    return error as CodecallError;
  }
  throw new Error("expected CONFIG_INVALID");
}

describe("parseConfig", () => {
  it("accepts the whole Claude Desktop file and just the map, with the same result", () => {
    const servers = {
      memory: { command: "npx", args: ["-y", "@modelcontextprotocol/server-memory"], env: { A: "1" } },
      remote: { url: "https://example.com/mcp", headers: { Authorization: "Bearer ${TOKEN}" } },
    };
    const whole = parseConfig({ mcpServers: servers }, { env });
    expect(parseConfig(servers, { env })).toEqual(whole);
    expect(whole.mcpServers).toEqual({
      memory: {
        type: "stdio",
        command: "npx",
        args: ["-y", "@modelcontextprotocol/server-memory"],
        env: { A: "1" },
      },
      remote: { type: "auto", url: "https://example.com/mcp", headers: { Authorization: "Bearer s3cret" } },
    });
  });

  it("expands ${VAR}, ${VAR:-default} and ${env:VAR} in every string field", () => {
    const config = parseConfig(
      {
        fs: {
          command: "${HOME_DIR}/bin/fs",
          args: ["${env:HOME_DIR}/data", "${UNSET:-/tmp}", "${EMPTY:-fallback}", "${EMPTY}"],
          env: { KEY: "${TOKEN}", PORT: 8080 },
          cwd: "${HOME_DIR}",
        },
      },
      { env },
    );
    expect(config.mcpServers["fs"]).toEqual({
      type: "stdio",
      command: "/home/ada/bin/fs",
      args: ["/home/ada/data", "/tmp", "fallback", ""],
      env: { KEY: "s3cret", PORT: "8080" },
      cwd: "/home/ada",
    });
  });

  it("takes type or transport as Claude Code, Cursor and VS Code write them", () => {
    const config = parseConfig(
      {
        a: { type: "http", url: "http://127.0.0.1:1/mcp" },
        b: { type: "sse", url: "http://127.0.0.1:1/sse" },
        c: { transport: "streamable-http", url: "http://127.0.0.1:1/mcp" },
        d: { type: "stdio", command: "server" },
        off: { command: "server", disabled: true },
      },
      { env },
    );
    expect(Object.fromEntries(Object.entries(config.mcpServers).map(([k, v]) => [k, v.type]))).toEqual({
      a: "http",
      b: "sse",
      c: "http",
      d: "stdio",
    });
  });

  it.each([
    [{ x: { command: "a", args: "b" } }, "mcpServers.x.args", "must be an array of strings"],
    [{ x: { command: "a", args: ["ok", 3] } }, "mcpServers.x.args[1]", "must be a string"],
    [{ x: { command: "a", env: { K: null } } }, "mcpServers.x.env.K", "must be a string"],
    [{ x: { command: "" } }, "mcpServers.x.command", "must not be empty"],
    [{ x: {} }, "mcpServers.x", 'needs "command"'],
    [{ x: { command: "a", url: "http://h" } }, "mcpServers.x", 'both "command" and "url"'],
    [{ x: { url: "not a url" } }, "mcpServers.x.url", "not a valid URL"],
    [{ x: { url: "ftp://h/mcp" } }, "mcpServers.x.url", "http(s) URL"],
    [{ x: { type: "websocket", url: "http://h" } }, "mcpServers.x.type", 'one of "stdio", "http", "sse"'],
    [
      { x: { url: "http://h", headers: { A: "${NOPE}" } } },
      "mcpServers.x.headers.A",
      "${NOPE}, which is not set",
    ],
    [{ x: "npx server" }, "mcpServers.x", "must be an object"],
    [{ mcpServers: [] }, "mcpServers", "must be an object of servers"],
  ])("rejects %j naming %s", (input, field, problem) => {
    const error = configError(input);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).toContain(field);
    expect(error.message).toContain(problem);
    expect(error.details).toEqual({ field });
  });
});

describe("loadConfig", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "codecall-config-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a file by path or URL", async () => {
    const path = join(dir, "claude_desktop_config.json");
    await writeFile(path, JSON.stringify({ mcpServers: { s: { command: "srv", args: ["${TOKEN}"] } } }));
    const expected = { mcpServers: { s: { type: "stdio", command: "srv", args: ["s3cret"], env: {} } } };
    expect(await loadConfig(path, { env })).toEqual(expected);
    expect(await loadConfig(pathToFileURL(path), { env })).toEqual(expected);
    expect(await loadConfig({ s: { command: "srv", args: ["${TOKEN}"] } }, { env })).toEqual(expected);
  });

  it("names the file when it is missing or not JSON", async () => {
    const missing = join(dir, "nope.json");
    await expect(loadConfig(missing)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining(missing),
    });
    const bad = join(dir, "bad.json");
    await writeFile(bad, "{ mcpServers: ");
    await expect(loadConfig(bad)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringMatching(/bad\.json is not valid JSON/),
    });
  });
});

describe("suggestNames", () => {
  it("finds other spellings, containing names and small typos, best first", () => {
    const names = ["read_graph", "search_nodes", "open_nodes", "create_entities"];
    expect(suggestNames("readGraph", names)).toEqual(["read_graph"]);
    expect(suggestNames("nodes", names)).toEqual(["open_nodes", "search_nodes"]);
    expect(suggestNames("create_entitys", names)).toEqual(["create_entities"]);
    expect(suggestNames("delete_everything", names)).toEqual([]);
  });
});

describe("toolResultToValue", () => {
  it("prefers structuredContent, else gives the content array", () => {
    const content = [{ type: "text" as const, text: "hi" }];
    expect(toolResultToValue({ content, structuredContent: { n: 1 } })).toEqual({ n: 1 });
    expect(toolResultToValue({ content })).toEqual(content);
  });

  it("throws TOOL_FAILED with the tool's text for isError", () => {
    const result = {
      isError: true,
      content: [
        { type: "text" as const, text: "quota exceeded" },
        { type: "text" as const, text: "retry in 5 s" },
      ],
    };
    expect(() => toolResultToValue(result, { server: "s", tool: "t" })).toThrow(
      expect.objectContaining({
        code: "TOOL_FAILED",
        message: "quota exceeded\nretry in 5 s",
        details: expect.objectContaining({ server: "s", tool: "t" }),
      }),
    );
  });
});
