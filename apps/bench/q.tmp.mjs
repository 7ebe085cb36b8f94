import { quickjs } from "@codecall/sandbox-quickjs";
const mode = process.argv[2];
const t0 = performance.now();
const sb = quickjs();
if (mode === "warm") { await sb.warmUp(); console.log("warm", performance.now() - t0); }
const t1 = performance.now();
const r = await sb.execute({ code: "return 1" });
console.log("exec1", performance.now() - t1, JSON.stringify(r).slice(0,100));
const t2 = performance.now();
await sb.execute({ code: "return 2" });
console.log("exec2", performance.now() - t2);
await sb.close();
