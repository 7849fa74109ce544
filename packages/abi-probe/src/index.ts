export type { PythonIdentity } from "./identity.js";
export { discoverPythons } from "./discover.js";
