/** The README's example, run verbatim as a user would run it (tsx, the package resolved by its name). */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

it("the README's example prints the tool it promises", async () => {
  const readme = readFileSync(join(packageDir, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/<!-- run: embeddings-en -->\n```ts\n([\s\S]*?)\n```/g)];
  expect(blocks).toHaveLength(1);
  // Inside the package, so `@codecall/embeddings-en` resolves to this package by its own name.
  const dir = mkdtempSync(join(packageDir, ".readme-"));
  try {
    const file = join(dir, "example.ts");
    writeFileSync(file, blocks[0]![1]!);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--conditions=@codecall/source", "--import", "tsx", file],
      { cwd: packageDir, timeout: 120_000 },
    );
    expect(stdout.trim()).toBe("weather.get_forecast");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
