export { E2B_CAPABILITIES, type E2BOptions, e2b, e2bAdapter } from "./adapter.js";
