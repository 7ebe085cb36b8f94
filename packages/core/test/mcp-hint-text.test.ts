import { describe, expect, it } from "vitest";
import { connectServers } from "../src/index.js";

describe("the hint of a server that does not start", () => {
  it("names the command and address to check, with the secrets in them masked", async () => {
    const mcp = await connectServers(
      {
        mcpServers: {
          db: {
            command: "codecall-no-such-command-4712",
            args: ["postgresql://app:s3cr3t-pw@db.internal/prod", "--api-key", "sk-live-1", "--port", "5432"],
          },
          // Nothing listens on port 9 of loopback: refused at once.
          remote: { url: "http://127.0.0.1:9/mcp?token=tok-123&region=eu" },
        },
      },
      { connectTimeoutMs: 10_000 },
    );
    try {
      const hints = Object.fromEntries([...mcp.failures()].map(([name, error]) => [name, error.hint]));
      expect(hints["db"]).toContain(
        '"codecall-no-such-command-4712 postgresql://app:***@db.internal/prod --api-key *** --port 5432"',
      );
      expect(hints["remote"]).toContain("http://127.0.0.1:9/mcp?token=***&region=eu");
      expect(JSON.stringify(hints)).not.toMatch(/s3cr3t-pw|sk-live-1|tok-123/);
    } finally {
      await mcp.close();
    }
  });
});
