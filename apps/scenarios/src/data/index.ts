/** The data behind the data server, generated from a fixed seed, with the functions that give ground truth. */
export * from "./crm.js";
export * from "./ops.js";
export * from "./random.js";
export * from "./sales.js";
export * from "./tracker.js";
export * from "./transcript.js";
