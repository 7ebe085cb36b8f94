import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startMessagesStandIn } from "@codecall/core/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { makeWorkspace, notesProgram, probeConfig, runCli, type Workspace } from "./cli.js";

let ws: Workspace;
beforeEach(async () => {
  ws = await makeWorkspace();
});
afterEach(async () => {
  await ws.cleanup();
});

const data = (file: string) => fileURLToPath(new URL(`../../../data/livemcpbench/${file}`, import.meta.url));

describe("codecall --help and usage errors", () => {
  /** The CLI's main function in-process (fast): output captured, exit code returned. */
  async function inProcess(argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: {},
      cwd: ws.dir,
    });
    return { code, stdout, stderr };
  }

  it("documents every command and the exit codes", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    for (const command of ["generate", "serve", "exec", "run", "replay", "bench"])
      expect(top.stdout).toContain(command);
    expect(top.stdout).toMatch(/Exit codes:[\s\S]*2 +usage/);
    for (const command of [["exec"], ["serve"], ["generate"], ["run"], ["replay"], ["bench", "discovery"]]) {
      const help = await inProcess([...command, "--help"]);
      expect(help.code, command.join(" ")).toBe(0);
      expect(help.stdout).toContain(`Usage: codecall ${command.join(" ")}`);
    }
  });

  it("exits 2 on usage errors, naming what is allowed", async () => {
    const unknown = await inProcess(["exec", "p.ts", "--sandbox", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/quickjs/);
    const command = await inProcess(["deploy"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'deploy'[\s\S]*--help/);
    const port = await inProcess(["serve", "--http", "http"]);
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(
      /CONFIG_INVALID: --http needs a port number[\s\S]*hint: Pass e.g. --http 3000/,
    );
  });

  it("exits 2 on a malformed policy in the config file, naming the field", async () => {
    await writeFile(join(ws.dir, "p.ts"), "return 1");
    await writeFile(
      join(ws.dir, "policy.json"),
      JSON.stringify({ mcpServers: {}, codecall: { policy: { ask: "memory.*" } } }),
    );
    const bad = await inProcess(["exec", "p.ts", "-c", "policy.json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/CONFIG_INVALID: .*policy\.json: codecall\.policy\.ask must be a list/);
  });

  it("exits 2 on a malformed per-tool limit in the config file, naming the field", async () => {
    await writeFile(join(ws.dir, "p.ts"), "return 1");
    await writeFile(
      join(ws.dir, "limits.json"),
      JSON.stringify({ mcpServers: {}, codecall: { tools: { "memory.*": { concurrency: 0 } } } }),
    );
    const bad = await inProcess(["exec", "p.ts", "-c", "limits.json"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /CONFIG_INVALID: .*limits\.json: codecall\.tools\["memory\.\*"\]\.concurrency must be a positive whole number/,
    );
  });
});

describe("codecall exec", () => {
  it("runs a TypeScript program across server-memory and server-filesystem and prints the envelope", async () => {
    await writeFile(join(ws.dir, "program.ts"), notesProgram(ws.dir));
    const run = await runCli(["exec", "program.ts"], { cwd: ws.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: true,
      value: ["alpha", "beta", "gamma"],
      logs: ["read 3 words"],
    });
    expect(run.stderr).toContain("calling memory.createEntities"); // progress goes to stderr
    expect(await readFile(ws.memoryFile, "utf8")).toContain('"alpha"'); // the real server stored them
  });

  it("exits 1 with the error code and hint when the program fails, and --json gives the full result", async () => {
    await writeFile(join(ws.dir, "bad.ts"), "const n: number = 1;\nthrow new Error('no ' + n);");
    const run = await runCli(["exec", "bad.ts", "--json", "-q", "--config", ws.config], { cwd: ws.dir });
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ code: "PROGRAM_ERROR", line: 2 });
    expect(run.stderr).toMatch(/PROGRAM_ERROR: .*no 1[\s\S]*hint:/);
  });

  it("a value too large to return is the output-limit error, and the engine prints nothing on stderr", {
    timeout: 120_000,
  }, async () => {
    // A string too long to serialize within the memory limit, and a large value holding a tool's result
    // (its engine is retired with values still referenced: QuickJS used to print an assertion then).
    const programs = [
      'return "x".repeat(50_000_000);',
      "const g = await memory.readGraph({});\nreturn Array.from({ length: 200_000 }, (_, i) => ({ i, g }));",
    ];
    for (const [i, program] of programs.entries()) {
      await writeFile(join(ws.dir, `large-${i}.ts`), program);
      const run = await runCli(["exec", `large-${i}.ts`, "--config", ws.config], { cwd: ws.dir });
      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout).error.code).toBe("SANDBOX_OUTPUT_LIMIT");
      expect(run.stderr).toMatch(/SANDBOX_OUTPUT_LIMIT[\s\S]*hint: .*return less/);
      // Every stderr line is codecall's own.
      for (const line of run.stderr.trim().split("\n")) expect(line).toMatch(/^(codecall: | {2}hint: )/);
    }
  });

  it("exits 2 and says what to do when the configuration is missing or invalid", async () => {
    const missing = await runCli(["exec", "x.ts", "--config", "nowhere.json"], { cwd: ws.dir });
    await writeFile(join(ws.dir, "x.ts"), "return 1");
    const noConfig = await runCli(["exec", "x.ts", "--config", "nowhere.json"], { cwd: ws.dir });
    expect(missing.code).toBe(2);
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toMatch(
      /CONFIG_INVALID: MCP config: cannot read .*nowhere\.json[\s\S]*hint: Check the path/,
    );
    await writeFile(join(ws.dir, "broken.json"), JSON.stringify({ mcpServers: { a: { args: [] } } }));
    const broken = await runCli(["exec", "x.ts", "-c", "broken.json"], { cwd: ws.dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/mcpServers\.a needs "command"/);
  });

  it("applies the policy from the file and flags: deny and ask fail with POLICY_DENIED, others run", async () => {
    const config = JSON.parse(await readFile(ws.config, "utf8"));
    await writeFile(
      ws.config,
      JSON.stringify({ ...config, codecall: { policy: { deny: ["filesystem.*"] } } }),
    );
    const program = `
      const tried = async (f: () => Promise<unknown>) => { try { await f(); return "ran"; } catch (e) { return (e as { code: string }).code + ": " + (e as Error).message; } };
      return {
        read: await tried(() => filesystem.listAllowedDirectories({})),
        create: await tried(() => memory.createEntities({ entities: [{ name: "x", entityType: "t", observations: [] }] })),
        graph: await tried(() => memory.readGraph({})),
      };`;
    await writeFile(join(ws.dir, "policy.ts"), program);
    const run = await runCli(["exec", "policy.ts", "-q", "--ask", "memory.create_*"], { cwd: ws.dir });
    expect(run.code, run.stderr).toBe(0);
    const { value } = JSON.parse(run.stdout) as { value: Record<string, string> };
    expect(value.read).toMatch(/^POLICY_DENIED: The policy denies filesystem\.listAllowedDirectories/);
    expect(value.create).toMatch(
      /^POLICY_DENIED: memory\.createEntities needs approval .*nobody can be asked/,
    );
    expect(value.graph).toBe("ran");
  });

  it("applies per-tool limits from the config file's codecall.tools", async () => {
    const config = JSON.parse(await readFile(ws.config, "utf8"));
    await writeFile(
      join(ws.dir, "rate.json"),
      JSON.stringify({ ...config, codecall: { tools: { "memory.*": { rate: { calls: 1, perMs: 400 } } } } }),
    );
    // Three calls at one per 400 ms cannot finish in less than 800 ms (a floor, not a timing).
    const program = `
      const started = Date.now();
      await Promise.all([1, 2, 3].map(() => memory.readGraph({})));
      return Date.now() - started >= 750;`;
    await writeFile(join(ws.dir, "rate.ts"), program);
    const run = await runCli(["exec", "rate.ts", "-q", "-c", "rate.json"], { cwd: ws.dir });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).value).toBe(true);
  });

  it("exits 3 on --sandbox e2b without E2B_API_KEY, before any server starts", async () => {
    await writeFile(join(ws.dir, "p.ts"), "return 1");
    // The one server writes a file when it starts: the missing key must be reported before that.
    const { config, marker } = await probeConfig(ws.dir, "probe");
    const run = await runCli(["exec", "p.ts", "-c", config, "--sandbox", "e2b"], {
      cwd: ws.dir,
      env: { E2B_API_KEY: undefined, E2B_DEBUG: undefined },
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/SANDBOX_UNAVAILABLE: E2B_API_KEY is not set[\s\S]*hint: .*--sandbox quickjs/);
    await expect(readFile(marker)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("serves the upstream tools or search with --sandbox e2b and no E2B_API_KEY: they run no program", async () => {
    const { config, marker } = await probeConfig(ws.dir, "probe-tools");
    for (const expose of ["tools", "search"]) {
      await rm(marker, { force: true });
      const run = await runCli(["serve", "-c", config, "--sandbox", "e2b", "--expose", expose], {
        cwd: ws.dir,
        input: "",
        env: { E2B_API_KEY: undefined, E2B_DEBUG: undefined },
      });
      // The probe is no MCP server, so serving ends there; what matters is that it was started.
      expect(run.stderr).not.toContain("E2B_API_KEY");
      expect(run.stderr).toContain("None of the configured MCP servers could be used");
      await expect(readFile(marker)).resolves.toBeDefined();
    }
  });

  it("exits 3 when no configured server can start", async () => {
    await writeFile(join(ws.dir, "x.ts"), "return 1");
    await writeFile(
      join(ws.dir, "dead.json"),
      JSON.stringify({ mcpServers: { dead: { command: "/nonexistent/mcp-server" } } }),
    );
    const run = await runCli(["exec", "x.ts", "-c", "dead.json", "--json"], { cwd: ws.dir });
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).error.code).toBe("MCP_CONNECT_FAILED");
    expect(run.stderr).toMatch(/server "dead" is unavailable/);
    // The server's own hint names the command to try, not only the generic advice.
    expect(run.stderr).toMatch(/hint: Check that "\/nonexistent\/mcp-server" runs in a terminal/);
  });
});

describe("codecall generate", () => {
  it("writes the typed API of the live servers, and of a saved tools/list file", async () => {
    const live = await runCli(["generate", "-o", "api", "--json", "-q"], { cwd: ws.dir });
    expect(live.code, live.stderr).toBe(0);
    const summary = JSON.parse(live.stdout);
    expect(summary.servers.map((s: { name: string }) => s.name)).toEqual(["memory", "filesystem"]);
    expect(await readdir(join(ws.dir, "api/servers/memory"))).toContain("createEntities.ts");
    expect(await readFile(join(ws.dir, "api/declarations/globals.d.ts"), "utf8")).toMatch(/memory/);

    // A saved tools/list result (here: the memory server's own tool definitions, as read from the generated API).
    const tools = [
      {
        name: "create_note",
        description: "Create a note.",
        inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
      },
    ];
    await writeFile(
      join(ws.dir, "notes-server.json"),
      JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools } }),
    );
    const saved = await runCli(["generate", "--tools", "notes-server.json", "-o", "saved"], { cwd: ws.dir });
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/for 1 tools of 1 servers/);
    expect(await readFile(join(ws.dir, "saved/servers/notesServer/createNote.ts"), "utf8")).toMatch(
      /title: string/,
    );

    await writeFile(join(ws.dir, "junk.json"), JSON.stringify({ hello: 1 }));
    const junk = await runCli(["generate", "--tools", "junk.json"], { cwd: ws.dir });
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/not a saved tool list[\s\S]*hint: Save a tools\/list result/);
  });
});

describe("codecall bench discovery", () => {
  it("scores search on LiveMCPBench as a table and as JSON", async () => {
    const table = await runCli([
      "bench",
      "discovery",
      "--tools",
      data("tools.json"),
      "--tasks",
      data("tasks.dev.json"),
      "--baseline",
    ]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/retriever +tasks +Recall@5 +Recall@10 +MRR +nDCG@10/);
    expect(table.stdout).toMatch(/\n\S+ +48 /);
    expect(table.stdout).toMatch(/\nbm25 +48 /);
    const json = await runCli([
      "bench",
      "discovery",
      "--tools",
      data("tools.json"),
      "--tasks",
      data("tasks.dev.json"),
      "--json",
    ]);
    const [scores] = JSON.parse(json.stdout);
    expect(scores.tasks).toBe(48);
    expect(scores.recallAt10).toBeGreaterThan(0.34); // the plain BM25 floor of data/README.md
    const wrong = await runCli([
      "bench",
      "discovery",
      "--tools",
      data("tasks.dev.json"),
      "--tasks",
      data("tasks.dev.json"),
    ]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/LiveMCPBench format/);
  }, 180_000);

  it("scores per fold, tunes on the other folds and ablates with --folds", async () => {
    const args = ["bench", "discovery", "--tools", data("tools.json"), "--tasks", data("tasks.dev.json")];
    const table = await runCli([...args, "--folds", "4", "--settings", "3"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/\nlexical fold 3 +12 /);
    expect(table.stdout).toMatch(/held-out \(tuned lexical\) +48 /);
    expect(table.stdout).toMatch(/- character trigrams +48 /);
    expect(table.stdout).toMatch(/question \+ steps, fused +48 /);
    const json = JSON.parse((await runCli([...args, "--folds", "4", "--settings", "0", "--json"])).stdout);
    expect(json.perFold.lexical).toHaveLength(4);
    expect(json.whole.lexical.mrr).toBeGreaterThan(json.whole.bm25.mrr);
    expect(json.tuned).toBeUndefined();
    const bad = await runCli([...args, "--folds", "one"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--folds needs a whole number/);
  }, 240_000);

  it("scores the lexical ranker fused with the local embedding model with --local-model", async () => {
    // A slice of the catalogue keeps the model's indexing short: the servers three tasks need.
    const tasks = JSON.parse(await readFile(data("tasks.dev.json"), "utf8")).slice(0, 3);
    const needed = new Set<string>(
      tasks.flatMap((task: { "Annotator Metadata": { Tools: string } }) =>
        task["Annotator Metadata"].Tools.split("\n").map((line) => line.replace(/^\d+\.\s*/, "").trim()),
      ),
    );
    type Server = { tools: Record<string, { tools: Array<{ name: string }> }> };
    const servers = (JSON.parse(await readFile(data("tools.json"), "utf8")) as Server[]).filter((server) =>
      Object.values(server.tools).some((entry) => entry.tools.some((tool) => needed.has(tool.name))),
    );
    expect(servers.length).toBeGreaterThan(0);
    const ws = await makeWorkspace();
    await writeFile(join(ws.dir, "tools.json"), JSON.stringify(servers));
    await writeFile(join(ws.dir, "tasks.json"), JSON.stringify(tasks));
    try {
      const table = await runCli(
        ["bench", "discovery", "--tools", "tools.json", "--tasks", "tasks.json", "--local-model"],
        { cwd: ws.dir },
      );
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).toMatch(/\nlexical +3 /);
      expect(table.stdout).toMatch(/\nhybrid\(lexical\+use-lite\) +3 /);
    } finally {
      await ws.cleanup();
    }
  }, 240_000);
});

describe("codecall run and replay", () => {
  const task = "Store the words of notes.txt in memory and list them.";
  const turns = (dir: string) => [
    { content: [{ type: "tool_use" as const, name: "search_tools", input: { query: "create entities" } }] },
    { content: [{ type: "tool_use" as const, name: "execute_code", input: { code: notesProgram(dir) } }] },
    { content: [{ type: "text" as const, text: "Stored alpha, beta and gamma." }] },
  ];

  it("says how to proceed when no API key is set (exit 3: the model API is unavailable)", async () => {
    const run = await runCli(["run", task], { cwd: ws.dir });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/ANTHROPIC_API_KEY is not set[\s\S]*codecall replay/);
  });

  it("runs a task against a Messages API, records it, and replays the record without a key", async () => {
    const standIn = await startMessagesStandIn({ script: turns(ws.dir) });
    let run: Awaited<ReturnType<typeof runCli>>;
    try {
      run = await runCli(["run", task, "--record", "record.json", "--json"], {
        cwd: ws.dir,
        env: { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: standIn.url },
      });
    } finally {
      await standIn.close();
    }
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      text: "Stored alpha, beta and gamma.",
      stopReason: "end_turn",
      usage: { roundTrips: 3, toolUses: 2 },
    });
    const headers = standIn.requests[0]?.headers ?? {};
    expect(`${headers["x-api-key"] ?? ""} ${headers.authorization ?? ""}`).toContain("test-key");
    // The program's tool result went back to the model: the real servers answered.
    expect(JSON.stringify(standIn.requests[2]?.body.messages)).toContain(
      '\\"value\\":[\\"alpha\\",\\"beta\\",\\"gamma\\"]',
    );

    const record = JSON.parse(await readFile(join(ws.dir, "record.json"), "utf8"));
    expect(record).toMatchObject({ recordVersion: 1, kind: "agent", task, mode: "code" });
    expect(record.turns).toHaveLength(3);
    // The one program the model ran, with its three tool calls.
    expect(record.executions).toHaveLength(1);
    expect(record.executions[0].toolCalls.map((c: { name: string }) => c.name)).toEqual([
      "filesystem.readTextFile",
      "memory.createEntities",
      "memory.readGraph",
    ]);
    // Offline: the programs replay from the record, no key and no server needed.
    const offline = await runCli(["replay", "record.json"], { cwd: ws.dir });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toBe("replay matches the record: 1 execution, 3 tool calls\n");

    await writeFile(ws.memoryFile, ""); // a fresh graph: the live replay must store the words again
    const replay = await runCli(["replay", "--live", "record.json"], { cwd: ws.dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toBe("Stored alpha, beta and gamma.\n");
    expect(replay.stderr).toContain("program calls memory.createEntities");
    expect(await readFile(ws.memoryFile, "utf8")).toContain('"gamma"');
  });

  it("plays an older model-turns script with --live, exits 3 when its model fails and 2 for a file that is not a record", async () => {
    const failing = {
      codecall: "run-record",
      version: 1,
      task,
      mode: "code",
      model: "default",
      turns: [turns(ws.dir)[0]],
    };
    await writeFile(join(ws.dir, "short.json"), JSON.stringify(failing));
    const offline = await runCli(["replay", "short.json"], { cwd: ws.dir });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/RECORD_INVALID: .*older `codecall run --record`/);
    const short = await runCli(["replay", "--live", "short.json", "--json", "-q"], { cwd: ws.dir });
    expect(short.code).toBe(3); // the stand-in has no second turn: the model API fails
    expect(JSON.parse(short.stdout).error.code).toBe("MODEL_ERROR");
    await writeFile(join(ws.dir, "other.json"), "{}");
    const other = await runCli(["replay", "other.json"], { cwd: ws.dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /RECORD_INVALID: other\.json has no recordVersion[\s\S]*Record the run again/,
    );
  });
});
