import { describe, expect, it } from "vitest";
import { CodecallError, hasErrorCode } from "../src/errors.js";
import type { ExecutionInterceptor } from "../src/executor/interceptor.js";
import { compileFlowPolicy, createPrivacyGuard, globToRegExp, Vault } from "../src/internal.js";

const call = (server: string, tool: string, args: Record<string, unknown> = {}) =>
  ({ server, tool, toolId: `${server}.${tool}`, args }) as Parameters<
    ReturnType<typeof createPrivacyGuard>["beforeCall"]
  >[0];

describe("flow policy", () => {
  it("globs over server.tool", () => {
    expect(globToRegExp("crm.*").test("crm.add_contact")).toBe(true);
    expect(globToRegExp("crm.*").test("crmx.add")).toBe(false);
    expect(globToRegExp("*.send_email").test("mail.send_email")).toBe(true);
    expect(globToRegExp("mail.send?").test("mail.sends")).toBe(true);
    expect(globToRegExp("a.b").test("aXb")).toBe(false); // the dot is literal
  });
  it("unions every matching entry; unmatched tools receive nothing", () => {
    const check = compileFlowPolicy({ "crm.*": ["EMAIL", "NAME"], "*.sms": ["PHONE"], "vault.*": ["*"] });
    expect([...check("crm", "sms")].sort()).toEqual(["EMAIL", "NAME", "PHONE"]);
    expect([...check("web", "fetch")]).toEqual([]);
    expect([...check("vault", "put")]).toEqual(["*"]);
  });
  it("rejects a malformed policy with CONFIG_INVALID", () => {
    expect(() => compileFlowPolicy({ "crm.*": "EMAIL" as unknown as string[] })).toThrow(CodecallError);
  });
});

describe("guard", () => {
  const setup = (onViolation?: "keep" | "error") => {
    const vault = new Vault();
    const guard = createPrivacyGuard({ vault, onViolation, flows: { "crm.*": ["EMAIL", "NAME"] } });
    const seen = guard.afterCall(call("db", "query"), {
      rows: [{ fullName: "Ann Lee", email: "ann@example.com", phone: "+1 415-555-2671" }],
    });
    return { vault, guard, seen };
  };

  it("is an ExecutionInterceptor for the executor", () => {
    const interceptor: ExecutionInterceptor = createPrivacyGuard();
    expect(typeof interceptor.beforeCall).toBe("function");
  });

  it("tokenizes results and restores only the types a sink may receive", () => {
    const { guard, seen } = setup();
    expect(seen).toEqual({ rows: [{ fullName: "[NAME_1]", email: "[EMAIL_1]", phone: "[PHONE_1]" }] });
    const args = { name: "[NAME_1]", to: "[EMAIL_1]", note: "call [PHONE_1]" };
    expect(guard.beforeCall(call("crm", "add_contact", args))).toEqual({
      name: "Ann Lee",
      to: "ann@example.com",
      note: "call [PHONE_1]",
    });
    // A tool outside the policy gets tokens only.
    expect(guard.beforeCall(call("web", "post", args))).toEqual(args);
  });

  it("fails the call with PRIVACY_VIOLATION when configured, naming tokens and never values", () => {
    const { guard } = setup("error");
    let error: unknown;
    try {
      guard.beforeCall(call("web", "post", { body: "[EMAIL_1] / [PHONE_1]" }));
    } catch (e) {
      error = e;
    }
    expect(hasErrorCode(error, "PRIVACY_VIOLATION")).toBe(true);
    const text = JSON.stringify((error as CodecallError).toJSON()) + (error as Error).message;
    expect(text).toContain("[EMAIL_1]");
    expect(text).not.toContain("ann@example.com");
    expect(text).not.toContain("555");
    // Allowed types still pass in strict mode.
    expect(guard.beforeCall(call("crm", "add", { to: "[EMAIL_1]" }))).toEqual({ to: "ann@example.com" });
  });

  it("leaves forged tokens as text, in both modes", () => {
    for (const mode of ["keep", "error"] as const) {
      const { guard } = setup(mode);
      expect(
        guard.beforeCall(call("crm", "add", { to: "[EMAIL_2] [EMAIL_01] [EMAIL_1 ] [email_1]" })),
      ).toEqual({
        to: "[EMAIL_2] [EMAIL_01] [EMAIL_1 ] [email_1]",
      });
    }
  });

  it("restores literal token look-alikes for every tool: they are text, not personal data", () => {
    const { guard } = setup();
    const seen = guard.afterCall(call("web", "get"), { page: "token [EMAIL_1] shown" });
    expect(seen).toEqual({ page: "token [LITERAL_1] shown" });
    expect(guard.beforeCall(call("web", "post", { body: "[LITERAL_1]" }))).toEqual({ body: "[EMAIL_1]" });
  });

  it("re-tokenizes a sink's echo of the real value", () => {
    const { guard } = setup();
    const sent = guard.beforeCall(call("crm", "echo", { to: "[EMAIL_1]" }));
    expect(guard.afterCall(call("crm", "echo"), { echoed: `Echo: ${(sent as { to: string }).to}` })).toEqual({
      echoed: "Echo: [EMAIL_1]",
    });
  });

  it("redacts raw values it holds and new ones it detects, leaving tokens alone", () => {
    const { guard } = setup();
    expect(
      guard.redact("TOOL_FAILED for Ann Lee <ann@example.com>; also zed@example.org; [EMAIL_1] ok"),
    ).toBe("TOOL_FAILED for [NAME_1] <[EMAIL_1]>; also [EMAIL_2]; [EMAIL_1] ok");
  });

  it("passes non-JSON values through afterCall", () => {
    const guard = createPrivacyGuard();
    expect(guard.afterCall(call("a", "b"), undefined)).toBeUndefined();
  });

  it("takes custom detectors and switches built-ins off", () => {
    const guard = createPrivacyGuard({
      disable: ["IPV4"],
      custom: [{ type: "TICKET", pattern: /\bTCK-\d{4}\b/, mustContain: "TCK-" }],
    });
    expect(guard.afterCall(call("a", "b"), "TCK-1234 from 10.0.0.1")).toBe("[TICKET_1] from 10.0.0.1");
  });
});
