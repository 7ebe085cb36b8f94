import { countTokens } from "@anthropic-ai/tokenizer";
import { describe, expect, it } from "vitest";
import {
  buildInitialPrompt,
  createDiscoveryHandler,
  createFileView,
  createToolIndex,
  DISCOVERY_TOOL_IDS,
  fromGeneratedApi,
  type GeneratedApiLike,
  generatedFileSource,
  type ServerSummary,
} from "../src/discovery/index.js";
import { CodecallError, hasErrorCode } from "../src/errors.js";
import { catalogue } from "./discovery-fixtures.js";

const signal = new AbortController().signal;

/** A GeneratedApi as codegen shapes it, for two small servers. */
const api: GeneratedApiLike = {
  servers: [
    { name: "weather", ident: "weather", description: "Forecasts and current conditions.", toolCount: 2 },
    { name: "github", ident: "github", toolCount: 1 },
  ],
  tools: [
    ["weather", "getForecast", "Get the weather forecast for a city. Days ahead up to 7."],
    ["weather", "getAlerts", "List severe weather alerts for a region."],
    ["github", "createIssue", "Create an issue in a repository."],
  ].map(([server, name, description]) => ({
    id: `${server}.${name}`,
    server: server!,
    name: name!,
    definition: {
      name: name!,
      description: description!,
      inputSchema: { type: "object", properties: { city: { type: "string" } } },
    },
    renderings: {
      name: `${server}.${name}`,
      summary: `${server}.${name}(args) — ${description}`,
      full: `/** ${description} */ full ${name}`,
    },
  })),
  files: {
    "servers/weather/getForecast.ts": "export function getForecast() {}",
    "servers/weather/getAlerts.ts": "export function getAlerts() {}",
    "servers/github/createIssue.ts": "export function createIssue() {}",
  },
};

describe("searchTools over the index", () => {
  it("renders results with codegen's renderings at each detail level", async () => {
    const index = await createToolIndex(fromGeneratedApi(api));
    const [first] = await index.search("weather forecast for Paris", { detail: "name", limit: 1 });
    expect(first).toMatchObject({
      id: "weather.getForecast",
      server: "weather",
      name: "getForecast",
      text: "weather.getForecast",
    });
    const summary = await index.search("weather forecast", { detail: "summary", limit: 1 });
    expect(summary[0]!.text).toBe(api.tools[0]!.renderings.summary);
    expect(index.describe("weather.getForecast")).toBe(api.tools[0]!.renderings.full);
    expect(index.servers).toEqual([
      { name: "github", toolCount: 1 },
      { name: "weather", description: "Forecasts and current conditions.", toolCount: 2 },
    ]);
  });

  it("filters by server and limits the results", async () => {
    const index = await createToolIndex(catalogue);
    const hits = await index.search("read a file", { server: "filesystem", limit: 3 });
    expect(hits).toHaveLength(3);
    for (const hit of hits) expect(hit.server).toBe("filesystem");
    expect(hits[0]!.text).toMatch(/^filesystem\.\w+\(args: \{/);
  });

  it("builds full renderings from the schema when a document has none", async () => {
    const index = await createToolIndex(catalogue);
    const full = index.describe("filesystem.read_file");
    expect(full).toContain("filesystem.read_file(args: { path: string");
    expect(full).toContain("/**");
  });

  it("rejects bad input with typed errors and keeps working", async () => {
    const index = await createToolIndex(fromGeneratedApi(api));
    await expect(index.search("")).rejects.toSatisfy((e) => hasErrorCode(e, "TOOL_ARGS_INVALID"));
    await expect(index.search("x", { limit: 0 })).rejects.toSatisfy((e) =>
      hasErrorCode(e, "TOOL_ARGS_INVALID"),
    );
    await expect(index.search("x", { detail: "all" as never })).rejects.toSatisfy((e) =>
      hasErrorCode(e, "TOOL_ARGS_INVALID"),
    );
    await expect(index.search("x", { server: "nope" })).rejects.toSatisfy((e) =>
      hasErrorCode(e, "TOOL_ARGS_INVALID"),
    );
    expect(() => index.describe("weather.nope")).toThrow(CodecallError);
    await expect(createToolIndex([...fromGeneratedApi(api), fromGeneratedApi(api)[0]!])).rejects.toSatisfy(
      (e) => hasErrorCode(e, "CONFIG_INVALID"),
    );
    expect(await index.search("github issue", { limit: 1 })).toHaveLength(1);
  });
});

describe("the file view", () => {
  const view = createFileView([generatedFileSource(api), { files: { "skills/summarize.ts": "export {}" } }]);

  it("lists roots, servers and tools, and reads a tool's file", () => {
    expect(view.list("/").map((e) => e.path)).toEqual(["servers", "skills"]);
    expect(view.list("servers/")).toEqual([
      { name: "github", path: "servers/github", kind: "directory" },
      { name: "weather", path: "servers/weather", kind: "directory" },
    ]);
    expect(view.list("servers/weather").map((e) => e.name)).toEqual(["getAlerts.ts", "getForecast.ts"]);
    expect(view.read("./servers/weather/getForecast.ts")).toBe("export function getForecast() {}");
  });

  it("refuses paths that escape or do not exist", () => {
    expect(() => view.read("servers/../../etc/passwd")).toThrow(/outside/);
    for (const bad of [
      () => view.read("servers/weather"),
      () => view.read("servers/nope.ts"),
      () => view.list("servers/nope"),
      () => view.list("servers/weather/getAlerts.ts"),
    ]) {
      expect(bad).toThrow(CodecallError);
    }
  });
});

describe("discovery from inside a program", () => {
  it("answers codecall.searchTools and codecall.describeTool and passes other calls on", async () => {
    const index = await createToolIndex(fromGeneratedApi(api));
    const calls: string[] = [];
    const handler = createDiscoveryHandler({
      index,
      view: createFileView([generatedFileSource(api)]),
      next: (call) => {
        calls.push(call.name);
        return { ok: call.name };
      },
    });
    const hits = (await handler(
      { name: DISCOVERY_TOOL_IDS.searchTools, args: { query: "open an issue", limit: 1 } },
      { signal },
    )) as {
      id: string;
    }[];
    expect(hits[0]!.id).toBe("github.createIssue");
    expect(
      await handler(
        { name: DISCOVERY_TOOL_IDS.describeTool, args: { id: hits[0]!.id, detail: "summary" } },
        { signal },
      ),
    ).toBe(api.tools[2]!.renderings.summary);
    expect(
      await handler(
        { name: DISCOVERY_TOOL_IDS.readFile, args: { path: "servers/github/createIssue.ts" } },
        { signal },
      ),
    ).toContain("createIssue");
    expect(await handler({ name: hits[0]!.id, args: {} }, { signal })).toEqual({ ok: "github.createIssue" });
    expect(calls).toEqual(["github.createIssue"]);
    await expect(
      Promise.resolve().then(() => createDiscoveryHandler({ index })({ name: "x.y", args: {} }, { signal })),
    ).rejects.toSatisfy((e) => hasErrorCode(e, "TOOL_NOT_FOUND"));
  });
});

describe("the initial prompt", () => {
  /** `count` tools over servers named like the real ones, with long descriptions. */
  function servers(toolCount: number): ServerSummary[] {
    const perServer = 20;
    return Array.from({ length: Math.ceil(toolCount / perServer) }, (_, i) => ({
      name: `${catalogue[(i * 7) % catalogue.length]!.server}-${i}`,
      description: `${catalogue[(i * 7) % catalogue.length]!.serverDescription ?? ""} `.repeat(5),
      toolCount: Math.min(perServer, toolCount - i * perServer),
    }));
  }
  const tokens = (prompt: ReturnType<typeof buildInitialPrompt>) =>
    countTokens(prompt.system + JSON.stringify(prompt.tools));

  it("stays under 1,000 tokens (900 with this tokenizer, which undercounts) at 10 and at 10,000 tools and names servers, not tool schemas", () => {
    const small = buildInitialPrompt({ servers: servers(10) });
    const large = buildInitialPrompt({ servers: servers(10_000) });
    console.log("initial prompt tokens", tokens(small), tokens(large));
    expect(tokens(small)).toBeLessThan(900);
    expect(tokens(large)).toBeLessThan(900);
    expect(small.system).toContain(servers(10)[0]!.name);
    expect(large.system).toContain("10000 tools from 500 MCP servers");
    expect(large.system).toMatch(/and 4\d\d more servers: search_tools/);
    expect(large.tools.map((t) => t.name)).toEqual([
      "search_tools",
      "execute_code",
      "list_files",
      "read_file",
    ]);
    expect(large.system).not.toContain("inputSchema");
  });
});
