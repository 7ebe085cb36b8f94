/** Shared by the discovery tests: the LiveMCPBench data vendored in data/. */
import { readFileSync } from "node:fs";
import { liveMcpBenchTasks, liveMcpBenchTools } from "../src/discovery/index.js";

const data = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../data/livemcpbench/${file}`, import.meta.url), "utf8"));

export const catalogue = liveMcpBenchTools(data("tools.json"));
export const devTasks = liveMcpBenchTasks(data("tasks.dev.json"));
