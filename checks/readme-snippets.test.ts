/**
 * README snippets run verbatim, as a user would run them: the workspace packages are packed with
 * `pnpm pack`, installed with npm into a fresh `npm init -y` project set to ESM, and each snippet marked
 * `<!-- run: <scenario> -->` is type-checked and run with tsx against a local stand-in of the model API
 * (the SDKs read ANTHROPIC_BASE_URL, so the snippets need no change). Every ts/sh block of a checked
 * README must say whether it runs (`run`) or why not (`no-run: <reason>`); `<!-- file: <name> -->`
 * writes a block to the project (the `.mcp.json` the snippets read).
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ScriptedTurn, startMessagesStandIn } from "../packages/core/src/testing/index.js";
import { pack, repoRoot, workspacePackages } from "./packages.js";

interface Block {
  lang: string;
  code: string;
  marker: string | undefined;
}

/** The fenced blocks of a Markdown file, each with the HTML comment on the line before it. */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const fence = /(?:<!--\s*(.*?)\s*-->\n)?```(\w*)\n([\s\S]*?)\n```/g;
  for (const match of markdown.matchAll(fence))
    out.push({ marker: match[1], lang: match[2] ?? "", code: `${match[3]}\n` });
  return out;
}

const READMES = ["packages/ai-sdk/README.md", "README.md", "packages/core/README.md"];

describe("every runnable README block says whether it runs", () => {
  it.each(["packages/ai-sdk/README.md", "packages/langchain/README.md", "packages/embeddings-en/README.md"])(
    "%s",
    (file) => {
      const unmarked = blocks(readFileSync(join(repoRoot, file), "utf8")).filter(
        (b) =>
          ["ts", "sh", "js"].includes(b.lang) &&
          !/^(run: \S+|no-run: .+)$/.test(b.marker ?? "") &&
          !/^npm install /.test(b.code.trim()),
      );
      expect(unmarked.map((b) => b.code.split("\n")[0])).toEqual([]);
    },
  );
});

describe("a block said to run elsewhere is that block, verbatim", () => {
  // `no-run: the same snippet is run from <file>` is only true while the two copies stay identical.
  const all = [
    ...new Set([
      "packages/ai-sdk/README.md",
      "packages/langchain/README.md",
      "packages/embeddings-en/README.md",
      ...READMES,
    ]),
  ];
  const marked = all.flatMap((file) =>
    blocks(readFileSync(join(repoRoot, file), "utf8"))
      .filter((b) => b.marker?.includes("same snippet"))
      .map((b) => ({
        file,
        marker: b.marker!,
        code: b.code,
        from: /^no-run: the same snippet is run from (\S+)$/.exec(b.marker!)?.[1],
      })),
  );
  const copies = marked.filter((b) => b.from !== undefined);
  it("every 'same snippet' marker names its file in the form this check reads", () => {
    expect(marked.filter((b) => b.from === undefined).map((b) => `${b.file}: ${b.marker}`)).toEqual([]);
    expect(copies.length).toBeGreaterThan(0);
  });
  it.each(copies.map((c) => [`${c.file} (from ${c.from})`, c] as const))("%s", (_name, copy) => {
    const run = blocks(readFileSync(join(repoRoot, copy.from!), "utf8"))
      .filter((b) => b.marker?.startsWith("run: "))
      .map((b) => b.code);
    expect(run).toContain(copy.code);
  });
});

/** What the model "does" in every scenario: store a fact with one program, then answer. */
const script = (): ScriptedTurn[] => [
  {
    content: [
      {
        type: "tool_use",
        name: "execute_code",
        input: {
          code: 'await memory.createEntities({ entities: [{ name: "Ada", entityType: "person", observations: ["wrote the first program"] }] });\nreturn (await memory.readGraph({})).entities.length;',
        },
      },
    ],
  },
  { content: [{ type: "text", text: "The graph has the entities you asked for." }] },
];

/** Where each scenario's SDK expects the Anthropic API (the AI SDK's provider includes `/v1`). */
const BASE_PATH: Record<string, string> = { "anthropic-sdk": "", "ai-sdk": "/v1", langchain: "" };

describe("README snippets run verbatim in a fresh ESM project", () => {
  const runnable = READMES.flatMap((file) =>
    blocks(readFileSync(join(repoRoot, file), "utf8"))
      .filter((b) => b.marker?.startsWith("run: "))
      .map((b, i) => ({ file, index: i, scenario: b.marker!.slice(5), code: b.code })),
  );
  const files = READMES.flatMap((file) =>
    blocks(readFileSync(join(repoRoot, file), "utf8"))
      .filter((b) => b.marker?.startsWith("file: "))
      .map((b) => ({ name: b.marker!.slice(6), code: b.code })),
  );
  let project: string | undefined;

  /** Packs the workspace packages once and installs them, with the frameworks, into a new project. */
  function setUp(): string {
    if (project) return project;
    const dir = mkdtempSync(join(tmpdir(), "codecall-readme-"));
    const packDir = mkdtempSync(join(tmpdir(), "codecall-readme-pack-"));
    const names = [
      "@codecall/sandbox",
      "@codecall/core",
      "@codecall/codegen",
      "@codecall/sandbox-quickjs",
      "@codecall/ai-sdk",
      "@codecall/langchain",
    ];
    const local = Object.fromEntries(
      names.map((name) => {
        const pkg = workspacePackages().find((p) => p.name === name);
        if (!pkg) throw new Error(`no package ${name}`);
        return [name, `file:${pack(pkg, packDir)}`];
      }),
    );
    execFileSync("npm", ["init", "-y"], { cwd: dir, stdio: "pipe" });
    execFileSync("npm", ["pkg", "set", "type=module"], { cwd: dir, stdio: "pipe" });
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({ ...manifest, dependencies: local, overrides: local }, null, 2),
    );
    execFileSync(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        "@anthropic-ai/sdk@^1.12.0",
        "ai@^6.0.0",
        "@ai-sdk/anthropic@^3.0.0",
        "@langchain/core@^1.4.0",
        "@langchain/anthropic@~1.5.11",
        "@modelcontextprotocol/server-memory@2026.8.31",
        "tsx@^4",
        "typescript@~5.9.3",
        "@types/node@^20",
      ],
      { cwd: dir, stdio: "pipe" },
    );
    for (const file of files) writeFileSync(join(dir, file.name), file.code);
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
      }),
    );
    project = dir;
    return dir;
  }

  it("finds the three ten-line paths and the .mcp.json they read", () => {
    // The root README may repeat them; each of the three must be there at least once.
    expect([...new Set(runnable.map((r) => r.scenario))].sort()).toEqual([
      "ai-sdk",
      "anthropic-sdk",
      "langchain",
    ]);
    expect(files.map((f) => f.name)).toContain(".mcp.json");
  });

  it.each(runnable.map((r) => [`${r.file} #${r.index + 1} (${r.scenario})`, r] as const))(
    "%s type-checks and runs",
    { timeout: 600_000 },
    async (_name, snippet) => {
      const dir = setUp();
      const file = `snippet-${snippet.file.replace(/\W+/g, "-")}-${snippet.index}.ts`;
      writeFileSync(join(dir, file), snippet.code);
      execFileSync(join(dir, "node_modules", ".bin", "tsc"), ["-p", ".", "--noEmit"], {
        cwd: dir,
        stdio: "pipe",
      });
      const standIn = await startMessagesStandIn({ script: script() });
      try {
        const { code, stdout, stderr } = await run(join(dir, "node_modules", ".bin", "tsx"), [file], dir, {
          ANTHROPIC_API_KEY: "test-key",
          ANTHROPIC_BASE_URL: `${standIn.url}${BASE_PATH[snippet.scenario] ?? ""}`,
        });
        expect(code, stderr).toBe(0);
        expect(stdout).toContain("The graph has the entities you asked for.");
        // The program ran against the real server-memory, and its result went back to the model.
        expect(standIn.requests).toHaveLength(2);
        expect(JSON.stringify(standIn.requests[1]?.body.messages)).toMatch(/\\"ok\\":true,\\"value\\":\d+/);
      } finally {
        await standIn.close();
      }
    },
  );
});

function run(command: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => {
      stdout += c;
    });
    child.stderr.on("data", (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
