const ivm = require("isolated-vm");
(async () => {
  for (let i = 0; i < 50; i++) {
    const iso = new ivm.Isolate({ memoryLimit: 32 });
    const ctx = await iso.createContext();
    const ref = new ivm.Reference(async (s) => {
      await new Promise((r) => setTimeout(r, 1));
      return "got " + s;
    });
    await ctx.global.set("hostCall", ref);
    const r = await ctx.eval(
      `(async () => { const out = []; for (let i=0;i<5;i++) out.push(await hostCall.apply(undefined, ["x"+i], {arguments:{copy:true}, result:{promise:true, copy:true}})); return JSON.stringify(out); })()`,
      { promise: true, copy: true },
    );
    if (i === 0) console.log(r);
    iso.dispose();
  }
  if (global.gc) global.gc();
  console.log("ok");
})();
