import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { createSandbox, HOST_GLOBAL, type SandboxAdapterV1 } from "../src/index.js";
import { PRELUDE_SOURCE, wrapProgram } from "../src/internal.js";

/** Evaluates the prelude and a program in a node:vm context (a test harness for the prelude's semantics, not a sandbox). */
async function runInVm(
  code: string,
  reply = '{"ok":true,"value":1}',
  prologue?: string,
  maxOutputBytes?: number,
) {
  const requests: string[] = [];
  const logs: string[] = [];
  const context = vm.createContext({});
  const host = vm.runInContext("({ call: null, log: null })", context) as Record<string, unknown>;
  host.call = (request: string) => {
    requests.push(request);
    return vm.runInContext(`Promise.resolve(${JSON.stringify(reply)})`, context);
  };
  host.log = (_level: string, text: string) => logs.push(text);
  context[HOST_GLOBAL] = host;
  vm.runInContext(PRELUDE_SOURCE, context);
  // Read the result through the intrinsic then: a program may have replaced the prototype's.
  const then = vm.runInContext("Promise.prototype.then", context) as (
    this: unknown,
    f: (v: string) => void,
  ) => void;
  const promise = vm.runInContext(wrapProgram(code, prologue, undefined, maxOutputBytes).source, context);
  const report = await new Promise<string>((resolve) => Reflect.apply(then, promise, [resolve]));
  return { report: JSON.parse(report), requests, logs };
}

describe("prelude", () => {
  it("refuses tool arguments holding functions or symbols instead of dropping them", async () => {
    const { report, requests } = await runInVm(
      "const out = []; for (const a of [{ f() {} }, () => 1, [Symbol('s')]]) { try { await codecall.callTool('t', a); out.push('sent'); } catch (e) { out.push(e.name); } } return out;",
    );
    expect(report.value).toEqual(["TypeError", "TypeError", "TypeError"]);
    expect(requests).toEqual([]);
  });

  it('takes a long reply not starting {"ok": as the string result, and reads every other reply as JSON, failing closed', async () => {
    const long = `{"o${"k".repeat(70_000)}`;
    const read =
      "try { const v = await codecall.callTool('t'); return [typeof v, v.length]; } catch (e) { return e.name; }";
    expect((await runInVm(read, long)).report.value).toEqual(["string", long.length]);
    // Short non-JSON replies are no result, even with the program's own characters on the prototypes.
    const spoof =
      "for (const [i, c] of [...'{\"ok\":'].entries()) { Object.prototype[i] = c; String.prototype[i] = c; }";
    for (const reply of ["oops", "", "not json at all"]) {
      expect((await runInVm(read, reply)).report.value).toBe("SyntaxError");
      expect((await runInVm(`${spoof}\n${read}`, reply)).report.value).toBe("SyntaxError");
    }
  });

  it("reports a thrown plain object by its content", async () => {
    const { report } = await runInVm("throw { reason: 42 };");
    expect(report.error.message).toContain('"reason":42');
  });

  it("keeps codecall.callTool when a program tries to replace it", async () => {
    const { report } = await runInVm(
      "try { codecall.callTool = () => 'forged'; } catch (e) {} return await codecall.callTool('t');",
    );
    expect(report.value).toBe(1);
  });

  it("settles the report when the program replaced Promise.prototype.then", async () => {
    const { report } = await runInVm("Promise.prototype.then = function () { return this; }; return 'done';");
    expect(report).toEqual({ ok: true, value: "done" });
  });
});

describe("the output limit in the runner", () => {
  it("hands the host no more of a log line than shows it is over the run's output budget", async () => {
    const { logs } = await runInVm(
      "String.prototype.slice = () => 'forged';\nconsole.log('x'.repeat(5000));\nconsole.log('short');\nreturn 1;",
      undefined,
      undefined,
      1000,
    );
    expect(logs.map((l) => l.length)).toEqual([1001, 5]);
  });

  it("reports a return value whose JSON alone is over maxOutputBytes as too large, sync or async", async () => {
    const tooLarge = { ok: false, tooLarge: true };
    const run = async (code: string, max?: number) => (await runInVm(code, undefined, undefined, max)).report;
    // A string by its length, before any copy; other values by their JSON, before the report around it.
    expect(await run("return 'x'.repeat(11);", 10)).toEqual(tooLarge);
    expect(await run("return ['x'.repeat(20)];", 10)).toEqual(tooLarge);
    expect(await run("await 0; return 'x'.repeat(11);", 10)).toEqual(tooLarge);
    // Within it (the quotes count: 8 units make 10 of JSON), and with no limit given.
    expect(await run("return 'x'.repeat(8);", 10)).toEqual({ ok: true, value: "xxxxxxxx" });
    expect(await run("return 'x'.repeat(20);")).toEqual({ ok: true, value: "x".repeat(20) });
  });
});

describe("the runner, called again by the program", () => {
  const reenter = "try { __codecallRun(function () {}, 1, 1e15); r = 'entered'; } catch (e) { r = e.name; }";

  it("is refused while a run is in flight, and the run keeps its limits", async () => {
    const run = (code: string) => runInVm(code, undefined, undefined, 1000);
    for (const wait of ["", "await 0;\n"]) {
      const logged = await run(`${wait}let r;\n${reenter}\nconsole.log('x'.repeat(5000));\nreturn r;`);
      expect(logged.report).toEqual({ ok: true, value: "TypeError" });
      expect(logged.logs.map((l) => l.length)).toEqual([1001]);
      expect((await run(`${wait}let r;\n${reenter}\nreturn 'x'.repeat(2000);`)).report).toEqual({
        ok: false,
        tooLarge: true,
      });
      expect((await run(`${wait}let r;\n${reenter}\nthrow new Error('m'.repeat(2000));`)).report).toEqual({
        ok: false,
        tooLarge: "error",
      });
    }
    // A getter read while the report is made cannot raise it either.
    const getter = await run(`let r;\nreturn { get a() { ${reenter} return 'x'.repeat(2000); } };`);
    expect(getter.report).toEqual({ ok: false, tooLarge: true });
  });
});

describe("an uncaught error's size", () => {
  it("counts UTF-8 bytes in the runner: 600 CJK characters in message and stack are over 3,000", async () => {
    // The stack also holds host frames here: some hundreds of units.
    const { report } = await runInVm("throw new Error('漢'.repeat(600));", undefined, undefined, 3000);
    expect(report).toEqual({ ok: false, tooLarge: "error" });
    // The same in ASCII fits.
    const ascii = await runInVm("throw new Error('m'.repeat(600));", undefined, undefined, 3000);
    expect(ascii.report).toMatchObject({ ok: false, error: { message: "m".repeat(600) } });
  });

  it("counts UTF-8 bytes in the host: an error report over maxOutputBytes in bytes is SANDBOX_OUTPUT_LIMIT", async () => {
    const reporting = (message: string): SandboxAdapterV1 => ({
      specificationVersion: "v1",
      name: "reporting",
      capabilities: {
        isolation: "none",
        memoryLimit: false,
        cpuTimeLimit: false,
        persistentState: false,
        remote: false,
      },
      async createContext() {
        return {
          async run() {
            return {
              kind: "completed",
              report: JSON.stringify({ ok: false, error: { name: "Error", message } }),
            };
          },
          async dispose() {},
        };
      },
    });
    const limits = { maxOutputBytes: 1000 };
    // 400 units, 1,200 bytes.
    const over = await createSandbox(reporting("漢".repeat(400))).execute({ code: "", limits });
    expect(over.error?.code).toBe("SANDBOX_OUTPUT_LIMIT");
    expect(over.error?.message).toContain("uncaught error");
    const within = await createSandbox(reporting("漢".repeat(300))).execute({ code: "", limits });
    expect(within.error?.code).toBe("PROGRAM_ERROR");
  });
});

describe("wrapProgram", () => {
  it("runs a program as a plain function only when the word await appears nowhere", () => {
    const plain = (code: string, prologue?: string) =>
      wrapProgram(code, prologue).source.startsWith("__codecallRun(function () {");
    expect(plain("const awaitable = 1; return awaitable;")).toBe(true);
    expect(plain("return codecall.callTool('t');")).toBe(true);
    expect(plain("return await codecall.callTool('t');")).toBe(false);
    expect(plain("for await (const x of xs) {}")).toBe(false);
    expect(plain("// await later\nreturn 1;")).toBe(false);
  });

  it("runs a prologue in an enclosing scope whose bindings the program may shadow", async () => {
    const prologue = "const memory = { name: 'bound' }; const seen = memory.name;";
    for (const body of ["return [memory.name, seen];", "await null; return [memory.name, seen];"]) {
      expect((await runInVm(body, undefined, prologue)).report).toEqual({
        ok: true,
        value: ["bound", "bound"],
      });
    }
    const shadowed = await runInVm(
      "var memory = { name: 'mine' }; return [memory.name, seen];",
      undefined,
      prologue,
    );
    expect(shadowed.report).toEqual({ ok: true, value: ["mine", "bound"] });
    const thrown = await runInVm("await null; throw new TypeError('x');", undefined, prologue);
    expect(thrown.report).toMatchObject({ ok: false, error: { name: "TypeError", message: "x" } });
    // The program's line 1 is where lineOffset says, with or without a prologue.
    for (const p of ["", "const a = 1;\nconst b = 2;"]) {
      const { source, lineOffset } = wrapProgram("return 1;", p);
      expect(source.split("\n")[lineOffset]).toMatch(/return 1;$/);
    }
  });

  it("gives the same value either way in a context", async () => {
    for (const code of ["return [1, { a: 2 }];", "await null; return [1, { a: 2 }];"]) {
      const { report } = await runInVm(code);
      expect(report).toEqual({ ok: true, value: [1, { a: 2 }] });
    }
  });
});
