const ivm = require("isolated-vm");
(async () => {
  const iso = new ivm.Isolate({ memoryLimit: 32 });
  const ctx = await iso.createContext();
  const t0 = performance.now();
  for (let i = 0; i < 10000; i++) iso.cpuTime;
  console.log("cpuTime read us", (performance.now() - t0) / 10);
  const p = ctx.eval("let x=0; for(let i=0;i<3e8;i++) x+=i; x", { timeout: 5000 });
  const iv = setInterval(
    () => console.log("cpu ms", Number(iso.cpuTime) / 1e6, "wall", Number(iso.wallTime) / 1e6),
    100,
  );
  console.log(await p);
  clearInterval(iv);
  try {
    await ctx.eval("let y=0; while(true){y++}", { timeout: 200 });
  } catch (e) {
    console.log("timeout err:", e.name, e.message, e.constructor === Error);
  }
  try {
    await ctx.eval("let = = 1;\n foo(", { filename: "program.js" });
  } catch (e) {
    console.log("syntax:", e.name, e instanceof SyntaxError, JSON.stringify(e.message), e.stack);
  }
  const p2 = ctx.eval("while(true){}");
  setTimeout(() => iso.dispose(), 100);
  try {
    await p2;
  } catch (e) {
    console.log("disposed:", e.name, e.message);
  }
  const iso2 = new ivm.Isolate({ memoryLimit: 16 });
  const c2 = await iso2.createContext();
  try {
    await c2.eval("const a=[]; while(true) a.push({x: Math.random(), s: 'abc'+Math.random()})");
  } catch (e) {
    console.log("oom:", e.name, e.message, iso2.isDisposed);
  }
  const iso3 = new ivm.Isolate({ memoryLimit: 16 });
  const c3 = await iso3.createContext();
  try {
    console.log(
      await c3.eval(
        "try { const b = new ArrayBuffer(200*1024*1024); 'alloc ' + b.byteLength } catch (e) { 'caught ' + e.message }",
      ),
    );
  } catch (e) {
    console.log("ab:", e.name, e.message, iso3.isDisposed);
  }
  try {
    console.log(
      await c3.eval(
        "typeof WebAssembly + typeof SharedArrayBuffer + typeof Atomics + typeof console + typeof setTimeout + Object.getOwnPropertyNames(globalThis).join()",
      ),
    );
  } catch (e) {
    console.log(e.message);
  }
})();
