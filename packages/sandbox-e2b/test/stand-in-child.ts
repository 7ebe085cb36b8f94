// The envd stand-in in a process of its own, for tests that measure the host: in production envd runs in
// the VM, so its memory must not count as the host's. Prints its URL to the parent over IPC and closes when
// the parent disconnects.
import { startE2BStandIn } from "../src/testing/index.js";

const standIn = await startE2BStandIn({ port: 0 });
process.send?.({ url: standIn.url });
process.on("disconnect", () => {
  void standIn.close().then(() => process.exit(0));
});
