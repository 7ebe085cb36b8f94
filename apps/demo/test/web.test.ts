/**
 * The web page, used as a person would: the server runs in-process over the real MCP servers with replayed
 * model turns. Over HTTP: the page loads, one run at a time, and the event stream carries what each mode did
 * and a report that agrees with `runDemo` and with the stream's own usage events. In headless Chromium (when
 * installed): press Run, watch both columns fill, read the table, and keep a screenshot.
 */
import { existsSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoReport, type ModeReport, runDemo } from "../src/demo.js";
import { contacts } from "../src/scenario.js";
import { type DemoServer, type DemoStreamEvent, parsePort, startDemoServer } from "../src/web.js";

const demo = { live: false, model: "claude-test" };

/** Splits a finished `text/event-stream` body into its events. */
function parseStream(body: string): DemoStreamEvent[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const name = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      return { name, data: JSON.parse(data ?? "null") } as DemoStreamEvent;
    });
}

type AgentData = Extract<DemoStreamEvent, { name: "agent" }>["data"];
type Ev = { type: string; [key: string]: unknown };
const agentEvents = (events: DemoStreamEvent[], mode: "code" | "classic") =>
  events
    .filter((e): e is Extract<DemoStreamEvent, { name: "agent" }> => e.name === "agent")
    .map((e) => e.data as AgentData)
    .filter((d) => d.mode === mode)
    .map((d) => d.event as Ev);

describe("demo web server over HTTP", () => {
  let server: DemoServer;
  beforeAll(async () => {
    server = await startDemoServer({ demo });
  });
  afterAll(() => server.close());

  it("serves the self-contained page, only to its own host", async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toMatch(/default-src 'none'.*script-src 'sha256-/);
    const html = await res.text();
    expect(html).toContain('<button id="run"');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/);
    expect((await fetch(`${server.url}events`)).status).toBe(404);
    const status = await new Promise<number | undefined>((resolve, reject) =>
      request(server.url, { headers: { host: "attacker.example" } }, (r) => {
        r.resume();
        resolve(r.statusCode);
      })
        .on("error", reject)
        .end(),
    );
    expect(status).toBe(403);
  });

  it("streams one run of both modes, then a report that matches runDemo's", async () => {
    const [first, second] = await Promise.all([
      fetch(`${server.url}run`, { method: "POST" }),
      fetch(`${server.url}run`, { method: "POST" }),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);
    const events = parseStream(await (await fetch(`${server.url}events`)).text());

    expect(events[0]?.name).toBe("start");
    const last = events.at(-1)!;
    expect(last.name).toBe("report");
    const report = last.data as DemoReport;

    const code = agentEvents(events, "code");
    const classic = agentEvents(events, "classic");
    const names = (list: Ev[], type: string) => list.filter((e) => e.type === type).map((e) => e.name);
    expect(names(code, "tool-use")).toEqual(["search_tools", "execute_code"]);
    expect(names(code, "tool-call")).toEqual([
      "filesystem.readTextFile",
      "memory.createEntities",
      "memory.readGraph",
    ]);
    expect(code.find((e) => e.type === "program-start")?.code).toContain("memory.createEntities");
    expect(names(classic, "tool-use")).toEqual(["filesystem__read_text_file", "memory__create_entities"]);
    expect(names(classic, "program-start")).toEqual([]);

    // The model's streamed text ends in its answer; what reached its context is in the tool-use results.
    const said = (list: Ev[]) =>
      list
        .filter((e) => e.type === "text-delta")
        .map((e) => e.text)
        .join("");
    expect(said(code)).toContain(report.code.answer);
    expect(said(classic)).toContain(report.classic.answer);
    const email = contacts().find((c) => c.company === "Acme")!.email;
    const results = (list: Ev[]) =>
      list.filter((e) => e.type === "tool-use-result").map((e) => String(e.content));
    expect(results(code).some((text) => text.includes("@acme.example"))).toBe(false);
    expect(results(classic).some((text) => text.includes(email))).toBe(true);

    // The report adds up the usage events the page showed, turn by turn.
    for (const [list, mode] of [
      [code, report.code],
      [classic, report.classic],
    ] as const) {
      const usage = list.filter((e) => e.type === "usage").map((e) => e.usage as Record<string, number>);
      expect(usage.length).toBe(mode.roundTrips);
      expect(usage.reduce((n, u) => n + u.inputTokens! + u.cacheReadTokens! + u.cacheWriteTokens!, 0)).toBe(
        mode.contextTokens,
      );
    }

    // The same run from the CLI's entry point. Token counts differ by a token or two: the temporary
    // workspace path in the transcript has random characters.
    const direct = await runDemo(demo);
    const stable = (r: ModeReport) => ({
      answer: r.answer,
      roundTrips: r.roundTrips,
      raw: r.rawValuesSeenByModel,
    });
    expect(stable(report.code)).toEqual(stable(direct.code));
    expect(stable(report.classic)).toEqual(stable(direct.classic));
    expect(report.memoryCheck).toEqual(direct.memoryCheck);
    expect(report.memoryCheck).toEqual({ contacts: 20, withRealEmail: 20 });
    for (const mode of ["code", "classic"] as const) {
      expect(Math.abs(report[mode].contextTokens - direct[mode].contextTokens)).toBeLessThan(20);
      expect(Math.abs(report[mode].outputTokens - direct[mode].outputTokens)).toBeLessThan(20);
    }
    expect(report.code.contextTokens * 3).toBeLessThan(report.classic.contextTokens);
  }, 120_000);

  it("lists the scenarios and backends, and refuses unknown ones", async () => {
    const list = (await (await fetch(`${server.url}scenarios`)).json()) as {
      scenarios: Array<{ id: string; task: string }>;
      backends: string[];
      live: boolean;
    };
    expect(list.scenarios.length).toBeGreaterThanOrEqual(11);
    expect(list.scenarios[0]!.id).toBe("acme-contacts");
    expect(list.scenarios.map((s) => s.id)).toContain("sales-q3");
    expect(list.backends).toContain("quickjs");
    expect(list.live).toBe(false);
    const post = (body: unknown) =>
      fetch(`${server.url}run`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const unknown = await post({ scenario: "no-such-task" });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/No scenario "no-such-task"/);
    expect((await post({ scenario: "sales-q3", backend: "v8-in-a-box" })).status).toBe(400);
  });

  it("rejects a bad --port with a typed error", () => {
    expect(parsePort(["--web"])).toBe(0);
    expect(parsePort(["--port", "8080"])).toBe(8080);
    expect(parsePort(["--port=9"])).toBe(9);
    expect(() => parsePort(["--port", "http"])).toThrow(/--port must be a number from 1 to 65535/);
    expect(() => parsePort(["--port=70000"])).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});

describe("closing the server mid-run", () => {
  it("cancels the run, ends the stream with ABORTED and stops listening", async () => {
    const server = await startDemoServer({ demo });
    expect((await fetch(`${server.url}run`, { method: "POST" })).status).toBe(202);
    const stream = (await fetch(`${server.url}events`)).text();
    await server.close();
    const events = parseStream(await stream);
    expect(events.at(-1)).toMatchObject({ name: "failed", data: { code: "ABORTED" } });
    await expect(fetch(server.url)).rejects.toThrow();
  }, 60_000);
});

// Chromium is a Debian package (apt-get install chromium; `.ci/run` installs it). Where it is missing these
// tests are skipped and the HTTP tests above cover the server.
const chromium = "/usr/bin/chromium";
const browserArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
describe.skipIf(!existsSync(chromium))("demo page in headless Chromium", () => {
  it("runs both modes on a click and shows the comparison", async () => {
    const { chromium: launcher } = await import("playwright-core");
    const server = await startDemoServer({ demo });
    const browser = await launcher.launch({ executablePath: chromium, args: browserArgs });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(server.url);
      await page.click("#run");
      await page.waitForSelector("#results:not([hidden])", { timeout: 60_000 });

      const row = async (label: string) =>
        page.locator("#results tbody tr", { hasText: label }).locator("td").allTextContents();
      expect(await row("raw emails/phones")).toEqual(["raw emails/phones seen by the model", "0", "120"]);
      expect((await row("model round trips")).slice(1)).toEqual(["3", "3"]);
      expect(await page.textContent("#ratio")).toMatch(/^Code mode used \d+\.\d× fewer context tokens\.$/);
      expect(await page.textContent("#memory")).toContain("20 contacts, 20 with their real email");
      expect(await page.locator("#code .log li.call b").allTextContents()).toEqual([
        "filesystem.readTextFile",
        "memory.createEntities",
        "memory.readGraph",
      ]);
      expect(await page.locator("#code .program pre").textContent()).toContain("memory.createEntities");
      expect(await page.locator("#classic .pii").count()).toBeGreaterThan(0);
      expect(await page.locator("#code .pii").count()).toBe(0);
      expect(await page.isEnabled("#run")).toBe(true);
      expect(problems).toEqual([]);

      const path = process.env.DEMO_SCREENSHOT ?? join(tmpdir(), "codecall-demo-web.png");
      await page.screenshot({ path, fullPage: true });
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});

/**
 * Three scenarios of the suite, picked in the page as a person would: the program and the calls it makes,
 * tokens in place of personal data (and none raw) in code mode, the chart of input tokens per turn with one
 * bar per round trip in each mode, the token ratio, and the ground-truth check. One screenshot each.
 */
describe.skipIf(!existsSync(chromium))("scenarios in headless Chromium", () => {
  const cases = [
    {
      id: "vip-to-memory",
      calls: ["data.crmSearchContacts", "memory.createEntities"],
      program: "memory.createEntities",
      privacy: true,
    },
    {
      id: "open-bugs-paginated",
      calls: Array(6).fill("data.trackerListIssues"),
      program: "nextCursor",
      privacy: false,
    },
    {
      id: "one-call-weather",
      calls: ["everything.getStructuredContent"],
      program: "getStructuredContent",
      privacy: false,
    },
  ];
  it("runs three scenarios from the picker and shows each comparison", async () => {
    const { chromium: launcher } = await import("playwright-core");
    const server = await startDemoServer({ demo });
    const browser = await launcher.launch({ executablePath: chromium, args: browserArgs });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      await page.goto(server.url);
      await page.waitForSelector("#scenario option[value='sales-q3']", { state: "attached" });
      expect(await page.textContent("#mode-label")).toBe("replayed model turns");
      for (const c of cases) {
        await page.selectOption("#scenario", c.id);
        await page.selectOption("#backend", "quickjs");
        expect(await page.textContent("#task")).toMatch(/^Task: /);
        await page.click("#run");
        await page.waitForSelector("#results:not([hidden])", { timeout: 180_000 });
        await page.waitForSelector("#run:not([disabled])");

        expect(await page.locator("#code .program pre").first().textContent()).toContain(c.program);
        expect(await page.locator("#code .log li.call b").allTextContents()).toEqual(c.calls);
        expect(await page.locator("#classic .log li.use b").count()).toBeGreaterThanOrEqual(
          c.calls.length > 1 ? 2 : 1,
        );
        const trips = async (mode: string) =>
          Number(
            (
              await page
                .locator("#results tbody tr", { hasText: "model round trips" })
                .locator("td")
                .allTextContents()
            )[mode === "code" ? 1 : 2],
          );
        expect(await page.locator("#chart rect.bar.code").count()).toBe(await trips("code"));
        expect(await page.locator("#chart rect.bar.classic").count()).toBe(await trips("classic"));
        expect(await page.textContent("#ratio")).toMatch(/^Code mode used \d+\.\d× fewer input tokens\.$/);
        expect(await page.textContent("#check")).toMatch(
          /Code mode got it right; classic mode got it right\./,
        );
        expect(await page.textContent("#source")).toMatch(/^Replayed model turns/);
        expect(await page.locator("#code .pii").count()).toBe(0);
        if (c.privacy) {
          expect(await page.locator("#code .tok").count()).toBeGreaterThan(0);
          expect(await page.locator("#classic .pii").count()).toBeGreaterThan(0);
        }
        const dir = process.env.DEMO_SCREENSHOT_DIR ?? tmpdir();
        await page.screenshot({ path: join(dir, `codecall-demo-${c.id}.png`), fullPage: true });
      }
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 600_000);
});
