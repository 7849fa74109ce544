/**
 * The identity of one Python interpreter, as the interpreter itself reports it.
 *
 * Everything the rest of roar needs to decide "would a compiled extension built for A load in B?"
 * lives here; `runtimeKey` is the answer folded into one file-system-safe string.
 */
export interface PythonIdentity {
  /** Absolute path of the interpreter as invoked (symlinks not resolved: a venv's `bin/python`). */
  executable: string;
  /** The real file behind `executable` (every symlink resolved). */
  realpath: string;
  /** `sys.implementation.name`: `cpython`, `pypy`, `graalpy`, … */
  implementation: string;
  /** `platform.python_version()`, e.g. `3.12.1`. */
  version: string;
  /** `[major, minor, micro]`. */
  versionInfo: [number, number, number];
  /** Wheel-style ABI tag: `cp312`, `cp313t` (free-threaded), `cp312d` (debug), `pypy310_pp73`. */
  abiTag: string;
  /** Wheel-style interpreter tag: `cp312`, `pp310`. */
  pythonTag: string;
  /** `sysconfig.get_config_var("EXT_SUFFIX")`, e.g. `.cpython-312-x86_64-linux-gnu.so`. */
  extSuffix: string;
  /** `importlib.machinery.EXTENSION_SUFFIXES`, in the interpreter's order. */
  extensionSuffixes: string[];
  /** `sysconfig.get_config_var("SOABI")`, or `null` where the build has none. */
  soabi: string | null;
  /** `sys.implementation.cache_tag`, e.g. `cpython-312` (shared by 3.13 and 3.13t!). */
  cacheTag: string | null;
  /** Free-threaded build (`Py_GIL_DISABLED`). */
  gilDisabled: boolean;
  /** Debug build (`Py_DEBUG`). */
  debug: boolean;
  /** `sys.platform`, e.g. `linux`, `darwin`. */
  platform: string;
  /** `platform.machine()`, e.g. `x86_64`, `aarch64`, `arm64`. */
  machine: string;
  /** C library the interpreter links: `glibc`, `musl`, or `none` (macOS, Windows, unknown). */
  libc: { family: "glibc" | "musl" | "none"; version: string | null };
  /** `sys.prefix`. */
  prefix: string;
  /** `sys.base_prefix`. */
  basePrefix: string;
  /** `sys.prefix != sys.base_prefix`. */
  isVirtualEnv: boolean;
  /**
   * Directories whose files are the interpreter's own, not the workload's: stdlib, platstdlib,
   * purelib, platlib (of the venv and of its base). The CLI drops file events under them as noise.
   */
  libraryPaths: string[];
  /**
   * File-system-safe key that differs whenever an extension built for one interpreter would not
   * load in the other, and is equal otherwise: `cp312-cp312-linux_x86_64-glibc`,
   * `cp313-cp313t-linux_aarch64-musl`, `pp310-pypy310_pp73-linux_x86_64-glibc`.
   */
  runtimeKey: string;

  // Added by the probe (optional so identities recorded elsewhere, e.g. by the shim, still type-check).

  /** `sys.executable` as the interpreter reports it: differs from `executable` behind a wrapper script. */
  sysExecutable?: string;
  /** `sys.abiflags` (`""`, `"t"`, `"d"`, `"m"` before 3.8); absent where the build has none (Windows). */
  abiflags?: string;
  /** `sys.implementation.version` as `[major, minor, micro]` (PyPy's own version, e.g. `[7, 3, 17]`). */
  implementationVersion?: [number, number, number];
  /** Pointer width of the interpreter build: a 32-bit Python on a 64-bit kernel still says `x86_64`. */
  pointerBits?: 32 | 64;
  /** `sys.implementation._multiarch`, e.g. `x86_64-linux-gnu`, where the build has one. */
  multiarch?: string | null;
}
