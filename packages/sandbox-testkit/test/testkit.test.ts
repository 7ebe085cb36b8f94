import vm from "node:vm";
import { createSandbox, HOST_GLOBAL, type SandboxAdapterV1 } from "@codecall/sandbox";
import { describe, expect, it } from "vitest";
import { CASES, CONFORMANCE_CASE_IDS, runSandboxConformance } from "../src/index.js";

describe("runSandboxConformance", () => {
  it("rejects a skip or known-failure entry naming no case, so typos cannot hide", () => {
    const create = () => {
      throw new Error("not called");
    };
    expect(() =>
      runSandboxConformance({ name: "x", create, skip: { "no-such-case": "typo" } as never }),
    ).toThrow(/no-such-case/);
    expect(() =>
      runSandboxConformance({ name: "x", create, knownFailures: { nope: "typo" } as never }),
    ).toThrow(/nope/);
  });

  it("exports every case id once, each with a title", () => {
    expect(new Set(CONFORMANCE_CASE_IDS).size).toBe(CONFORMANCE_CASE_IDS.length);
    expect(CONFORMANCE_CASE_IDS.length).toBeGreaterThanOrEqual(30);
    for (const id of CONFORMANCE_CASE_IDS) expect(CASES[id].title.length).toBeGreaterThan(10);
  });
});

/**
 * node:vm is not a security boundary: host functions handed to a context return host promises, whose
 * constructor chain reaches the host's Function. A conformance kit that passed it would be worthless.
 */
function nodeVmAdapter(): SandboxAdapterV1 {
  return {
    specificationVersion: "v1",
    name: "node-vm",
    capabilities: {
      isolation: "none",
      memoryLimit: false,
      cpuTimeLimit: false,
      persistentState: true,
      remote: false,
    },
    async createContext() {
      const context = vm.createContext({});
      return {
        async run(prelude, script, bridge) {
          context[HOST_GLOBAL] = { call: (request: string) => bridge.call(request), log: bridge.log };
          if (prelude.source) vm.runInContext(prelude.source, context);
          const report = await (vm.runInContext(script.source, context) as Promise<string>);
          return { kind: "completed", report };
        },
        async dispose() {},
      };
    },
  };
}

describe("the cases catch a leaky backend", () => {
  const sandbox = createSandbox(nodeVmAdapter());
  const context = { sandbox, create: async () => sandbox, ms: (v: number) => v };

  it("runs ordinary programs on it", async () => {
    await CASES["tool-sequential"].run(context);
  });

  it("finds the host's Function behind a host promise", async () => {
    await expect(CASES["no-host-via-constructors"].run(context)).rejects.toThrow(/tool promise: object/);
  });
});
