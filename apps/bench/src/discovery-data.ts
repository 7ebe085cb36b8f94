/** What the discovery suite and the discovery experiments share: the vendored LiveMCPBench data and a bigger catalogue made from it. */
import { readFileSync } from "node:fs";
import type { DiscoveryFigures, ToolDocument } from "@codecall/core/discovery";

/** A file of the vendored LiveMCPBench data (`data/livemcpbench/`), parsed. */
export function liveMcpBenchData(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../data/livemcpbench/${file}`, import.meta.url), "utf8"));
}

/** `count` tools made from the real ones: copies under renamed servers, with words of other tools mixed in. */
export function varied(tools: ToolDocument[], count: number): ToolDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const tool = tools[i % tools.length]!;
    const other = tools[(i * 7 + 3) % tools.length]!;
    const copy = Math.floor(i / tools.length);
    return {
      ...tool,
      id: `${tool.server}_${copy}.${tool.name}`,
      server: `${tool.server}_${copy}`,
      description: `${tool.description ?? ""} ${copy ? (other.description ?? "").slice(0, 80) : ""}`,
    };
  });
}

/** One line of an experiment's table: the name padded to `width`, then R@5, R@10 and MRR. */
export function figuresRow(
  name: string,
  f: Pick<DiscoveryFigures, "recallAt5" | "recallAt10" | "mrr">,
  width: number,
): string {
  const f3 = (v: number) => v.toFixed(3);
  return `${name.padEnd(width)} ${f3(f.recallAt5)}  ${f3(f.recallAt10)}  ${f3(f.mrr)}`;
}
