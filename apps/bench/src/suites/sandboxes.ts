/**
 * Every sandbox backend in `src/backends/`, measured in one run so the figures compare: a fresh execution
 * of a trivial program, a warm one (same session), one async tool-call round trip, a CPU-bound loop as a
 * ratio to plain Node, 1 MB payloads both ways, and RSS for 100 live sessions (in a child process, so the
 * figure is clean). Executor overhead is reported as a ratio to the backend's raw engine doing the least
 * each figure needs (`raw` in `src/backends/`), timed in the same loop, run by run, so both see the same
 * machine: a shared machine's speed drifts by tens of percent between loops.
 * A backend whose `create()` (or first execution) fails is skipped with the reason.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Sandbox, ToolHandler } from "@codecall/core";
import type { BenchBackend } from "../backend.js";
import { figuresFromChild } from "../child.js";
import { median, medianMs, round } from "../stats.js";

export const name = "sandboxes";

const here = dirname(fileURLToPath(import.meta.url));
const backendsDir = join(here, "..", "backends");
const RUNS = 200;
const MiB = 1024 * 1024;
const SUM_LOOP = "let s = 0;\nfor (let i = 1; i <= 1e7; i++) s += i;\nreturn s;";
const ONE_MB = "x".repeat(MiB);
const tools: ToolHandler = ({ name: tool }) => (tool === "big" ? ONE_MB : 1);

async function loadBackend(file: string): Promise<BenchBackend> {
  return ((await import(join(backendsDir, file))) as { backend: BenchBackend }).backend;
}

export async function run(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  // Plain Node's figure once, well warmed, shared by every backend's ratio.
  const plain = new Function(SUM_LOOP) as () => number;
  const nodeLoopMs = await medianMs(plain, 21, 10);
  results.plainNodeSumTo1e7Ms = nodeLoopMs;
  const files = readdirSync(backendsDir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  for (const file of files) {
    let backend: BenchBackend;
    try {
      backend = await loadBackend(file);
    } catch (error) {
      results[file.replace(/\.ts$/, "")] = {
        skipped: `import failed: ${error instanceof Error ? error.message : String(error)}`,
      };
      continue;
    }
    let sandbox: Sandbox;
    try {
      sandbox = await backend.create();
      const smoke = await sandbox.execute({ code: "return 1" });
      if (!smoke.ok) throw new Error(`${smoke.error?.code}: ${smoke.error?.message}`);
    } catch (error) {
      results[backend.name] = { skipped: error instanceof Error ? error.message : String(error) };
      await backend.teardown?.().catch(() => undefined);
      continue;
    }
    try {
      results[backend.name] = {
        ...(await measure(backend, sandbox, nodeLoopMs)),
        rss100Sessions: await rssInChild(file),
      };
    } catch (error) {
      results[backend.name] = { error: error instanceof Error ? error.stack : String(error) };
    } finally {
      await sandbox.close();
      await backend.teardown?.();
    }
  }
  return results;
}

type Target = Pick<Sandbox, "execute">;

async function measure(
  backend: BenchBackend,
  sandbox: Sandbox,
  nodeLoopMs: number,
): Promise<Record<string, unknown>> {
  const ok = async (target: Target, code: string) => {
    const outcome = await target.execute({ code, tools });
    if (!outcome.ok) throw new Error(`${code}: ${outcome.error?.code} ${outcome.error?.message}`);
    return outcome;
  };
  const fresh = await freshFigures(backend, sandbox, ok);
  // Fresh executions back to back, no idle time between them: throughput rather than latency.
  const [backToBackMs, rawBackToBackMs] = await pairedMedians(
    () => ok(sandbox, "return 1"),
    backend.raw?.fresh,
    RUNS,
  );
  const session = await sandbox.createSession();
  const raw = await backend.raw?.open();
  try {
    // Each warm figure is timed interleaved with its raw counterpart, so both see the same machine.
    const [warmMs, rawWarmMs] = await pairedMedians(
      () => ok(session, "return 1"),
      raw && (() => raw.program()),
      RUNS,
    );
    const [oneToolCallMs, rawToolCallMs] = await pairedMedians(
      () => ok(session, "return await codecall.callTool('one', {})"),
      raw && (() => raw.toolCall()),
      RUNS,
    );
    const [sandboxLoopMs, rawLoopMs] = await pairedMedians(
      () => ok(session, SUM_LOOP),
      raw && (() => raw.loop(SUM_LOOP)),
      5,
      1,
    );

    const resultPayloadMs = await medianMs(
      () => ok(session, "return (await codecall.callTool('big')).length"),
      20,
      3,
    );
    const argsPayloadMs = await medianMs(
      () => ok(session, "const s = 'x'.repeat(1048576);\nreturn await codecall.callTool('sink', { s });"),
      20,
      3,
    );
    const toolCallRoundTripMs = round(oneToolCallMs - warmMs);
    return {
      freshExecutionMs: fresh.latencyMs,
      fresh: { ...fresh, backToBackMs },
      warmExecutionMs: warmMs,
      oneToolCallExecutionMs: oneToolCallMs,
      toolCallRoundTripMs,
      sumTo1e7: {
        nodeMs: nodeLoopMs,
        sandboxMs: sandboxLoopMs,
        ratioToNode: round(sandboxLoopMs / nodeLoopMs, 1),
        ...(raw ? { rawEngineMs: rawLoopMs, rawEngineRatioToNode: round(rawLoopMs / nodeLoopMs, 1) } : {}),
      },
      payload1MB: { toolResultIntoProgramMs: resultPayloadMs, programArgsToToolMs: argsPayloadMs },
      ...(raw
        ? {
            raw: {
              freshEvalDisposeMs: fresh.rawLatencyMs,
              freshEvalDisposeCpuMs: fresh.rawCpuMs,
              freshBackToBackMs: rawBackToBackMs,
              warmAsyncProgramMs: rawWarmMs,
              oneHostCallProgramMs: rawToolCallMs,
              hostCallRoundTripMs: round(rawToolCallMs - rawWarmMs),
              sumTo1e7Ms: rawLoopMs,
            },
            // codecall over the raw engine, each pair timed in the same loop. Goal: 1.5 or less.
            overheadRatio: {
              fresh: round(fresh.latencyMs / fresh.rawLatencyMs, 2),
              freshFullCpu: round(fresh.fullCostCpuMs / fresh.rawCpuMs, 2),
              freshNoSpare: round(fresh.noSpareLatencyMs / fresh.rawLatencyMs, 2),
              freshBackToBack: round(backToBackMs / rawBackToBackMs, 2),
              warm: round(warmMs / rawWarmMs, 2),
              oneToolCallExecution: round(oneToolCallMs / rawToolCallMs, 2),
              toolCallRoundTrip: round(toolCallRoundTripMs / (rawToolCallMs - rawWarmMs), 2),
              sumTo1e7: round(sandboxLoopMs / rawLoopMs, 2),
              goal: 1.5,
            },
          }
        : {}),
    };
  } finally {
    raw?.dispose();
    await session.dispose();
  }
}

/** Medians of `a` and `b` timed alternately, run by run (`b` absent: NaN). */
async function pairedMedians(
  a: () => unknown,
  b: (() => unknown) | undefined,
  runs: number,
  warmup = Math.min(20, runs),
): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    let t0 = performance.now();
    await a();
    if (i >= warmup) ta.push(performance.now() - t0);
    if (!b) continue;
    t0 = performance.now();
    await b();
    if (i >= warmup) tb.push(performance.now() - t0);
  }
  return [round(median(ta)), round(median(tb))];
}

interface FreshFigures {
  latencyMs: number;
  fullCostCpuMs: number;
  noSpareLatencyMs: number;
  noSpareCpuMs: number;
  rawLatencyMs: number;
  rawCpuMs: number;
}

/**
 * A fresh execution, timed as a host sees it: the loop idles 5 ms untimed between runs, as a host does
 * between model turns (and core builds its spare context then). `latencyMs`: what a caller waits, with
 * core's spare context ready. `fullCostCpuMs`: process CPU time per run, idle included, so the spare's
 * creation and the context's disposal are counted too. `noSpare*`: the same with `spareContext: false`.
 * `raw*`: the raw engine's fresh context in the same loop, interleaved run by run.
 */
async function freshFigures(
  backend: BenchBackend,
  sandbox: Sandbox,
  ok: (target: Target, code: string) => Promise<unknown>,
): Promise<FreshFigures> {
  const idle = () => new Promise((r) => setTimeout(r, 5));
  const timed = async (fn: () => unknown, times: number[], cpu: number[], keep: boolean) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    const elapsed = performance.now() - t0;
    await idle();
    const c = process.cpuUsage(c0);
    if (keep) {
      times.push(elapsed);
      cpu.push((c.user + c.system) / 1000);
    }
  };
  // Remote backends keep no spare by default: their default figures are already the no-spare ones.
  const plain = sandbox.capabilities.remote ? sandbox : await backend.create({ spareContext: false });
  const spare = { times: [] as number[], cpu: [] as number[] };
  const noSpare = plain === sandbox ? spare : { times: [] as number[], cpu: [] as number[] };
  const raw = { times: [] as number[], cpu: [] as number[] };
  const rawFresh = backend.raw?.fresh;
  try {
    for (let i = 0; i < RUNS + 10; i++) {
      const keep = i >= 10;
      await timed(() => ok(sandbox, "return 1"), spare.times, spare.cpu, keep);
      if (plain !== sandbox) await timed(() => ok(plain, "return 1"), noSpare.times, noSpare.cpu, keep);
      if (rawFresh) await timed(rawFresh, raw.times, raw.cpu, keep);
    }
  } finally {
    if (plain !== sandbox) await plain.close();
  }
  const m = (values: number[]) => round(median(values));
  return {
    latencyMs: m(spare.times),
    fullCostCpuMs: m(spare.cpu),
    noSpareLatencyMs: m(noSpare.times),
    noSpareCpuMs: m(noSpare.cpu),
    rawLatencyMs: m(raw.times),
    rawCpuMs: m(raw.cpu),
  };
}

/** Runs this file again in a child process in RSS mode and reads its figures. */
function rssInChild(file: string): Promise<unknown> {
  return figuresFromChild(import.meta.url, { CODECALL_BENCH_RSS_BACKEND: file }, 120_000);
}

/** Child mode: up to 100 live sessions, one warm execution each; prints the RSS they added. */
async function rssChild(file: string): Promise<void> {
  const backend = await loadBackend(file);
  const sandbox = await backend.create();
  await sandbox.execute({ code: "return 1" });
  const before = process.memoryUsage().rss;
  const sessions = [];
  let stoppedBy: string | undefined;
  for (let i = 0; i < 100 && !stoppedBy; i++) {
    const session = await sandbox.createSession();
    sessions.push(session);
    const outcome = await session.execute({
      code: `globalThis.state = { id: ${i}, list: [1, 2, 3] };\nreturn state.id;`,
    });
    // A backend may cap live sessions (a remote stand-in does): report how far it got.
    if (!outcome.ok) stoppedBy = `session ${i + 1}: ${outcome.error?.code} ${outcome.error?.message}`;
  }
  const live = stoppedBy ? sessions.length - 1 : sessions.length;
  const after = process.memoryUsage().rss;
  await Promise.all(sessions.map((s) => s.dispose()));
  // Engines whose memory never shrinks must give it back when a session ends: ten runs that each fill a
  // 64 MB limit, then a GC.
  for (let i = 0; i < 10; i++) {
    await sandbox.execute({
      code: "const a = [];\nfor (;;) a.push('x'.repeat(1 << 20) + a.length);",
      limits: { memoryBytes: 64 * MiB, cpuTimeMs: 5_000, wallTimeMs: 5_000 },
    });
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 50));
  }
  const afterMemoryRuns = process.memoryUsage().rss;
  process.stdout.write(
    `${JSON.stringify({
      sessions: live,
      ...(stoppedBy ? { stoppedBy } : {}),
      rssBeforeMiB: round(before / MiB, 1),
      rssAfterMiB: round(after / MiB, 1),
      perSessionMiB: round((after - before) / MiB / Math.max(1, live), 2),
      rssAfterTenMemoryLimitRunsMiB: round(afterMemoryRuns / MiB, 1),
    })}\n`,
  );
  await sandbox.close();
  await backend.teardown?.();
}

const childBackend = process.env.CODECALL_BENCH_RSS_BACKEND;
if (childBackend && process.argv[1] === fileURLToPath(import.meta.url)) {
  await rssChild(childBackend);
  process.exit(0);
}
