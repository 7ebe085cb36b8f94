#!/usr/bin/env node
import { main } from "./main.js";
import { needsNoSnapshot, reexecWithFlag } from "./reexec.js";

const args = process.argv.slice(2);
process.exitCode = needsNoSnapshot(args) ? await reexecWithFlag(args) : await main(args);
