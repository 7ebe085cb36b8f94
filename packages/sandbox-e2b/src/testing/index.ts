export {
  type E2BStandIn,
  ENVD_PORT,
  type StandInOptions,
  type StartRecord,
  startE2BStandIn,
} from "./stand-in.js";
