import os from "node:os";
import path from "node:path";

/**
 * Files a job touches that are not its data: the interpreter's own library, the OS, the loader,
 * roar's own files, byte-code caches. Dropped before classification so they are never hashed.
 */
export interface NoiseRules {
  projectRoot: string;
  /** Directories whose files are never the workload's (interpreter libraries, shim, caches, logs). */
  dirs: string[];
  /** `filters.ignore_paths`: globs relative to the project root, or absolute. */
  ignoreGlobs: string[];
}

// What libc, the loader and the shell read on their own, whatever the workload does.
const SYSTEM_DIRS = [
  "/proc",
  "/sys",
  "/dev",
  "/run",
  "/etc/ld.so.cache",
  "/etc/ld.so.preload",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/nsswitch.conf",
  "/etc/localtime",
  "/etc/locale.alias",
  "/etc/passwd",
  "/etc/group",
  "/etc/inputrc",
  "/etc/bash.bashrc",
  "/etc/profile",
  "/etc/ssl/certs",
  "/usr/share/ca-certificates",
  "/usr/share/locale",
  "/usr/lib/locale",
  "/usr/share/zoneinfo",
  "/usr/share/terminfo",
  "/usr/share/X11/locale",
  "/lib/terminfo",
];

// Shell start-up files: a shell reads them whatever the command is (bash even for `bash -c` when
// its stdin is a socket), so they say nothing about the job's data.
const HOME_STARTUP_FILES = [
  ".bashrc",
  ".bash_profile",
  ".bash_login",
  ".bash_logout",
  ".profile",
  ".inputrc",
  ".zshenv",
  ".zprofile",
  ".zshrc",
  ".zlogin",
];

const SHARED_LIBRARY = /\.so(\.\d+)*$/;
const GCONV = /\/gconv\//;

export function compileNoise(rules: NoiseRules): (absPath: string) => boolean {
  const root = path.resolve(rules.projectRoot);
  const dirs = [
    ...SYSTEM_DIRS,
    ...HOME_STARTUP_FILES.map((f) => path.join(os.homedir(), f)),
    ...rules.dirs.filter((d) => d !== "" && d !== "/"),
    path.join(root, ".roar"),
    path.join(root, ".git"),
  ].map((d) => path.resolve(d));
  // Called once per distinct path of the job (20,000 for a dataset loop): precompute the prefixes.
  const exact = new Set(dirs);
  const prefixes = [...new Set(dirs.map((d) => `${d}/`))];
  const rootPrefix = `${root}/`;
  const globs = rules.ignoreGlobs.map((g) => globToRegExp(g));

  return (absPath: string): boolean => {
    const p =
      absPath.includes("/.") || absPath.includes("//") || !absPath.startsWith("/")
        ? path.resolve(absPath)
        : absPath;
    if (SHARED_LIBRARY.test(p) || GCONV.test(p)) return true;
    if (p.endsWith(".pyc") || p.includes("/__pycache__/") || p.endsWith("/__pycache__")) return true;
    if (exact.has(p)) return true;
    for (const prefix of prefixes) if (p.startsWith(prefix)) return true;
    if (globs.length > 0) {
      const rel = p.startsWith(rootPrefix) ? p.slice(rootPrefix.length) : null;
      for (const g of globs) {
        if (g.absolute ? matchesOrParent(g.re, p) : rel !== null && matchesOrParent(g.re, rel)) return true;
      }
    }
    return false;
  };
}

/** A pattern naming a directory ignores everything under it too. */
function matchesOrParent(re: RegExp, p: string): boolean {
  let q = p;
  for (;;) {
    if (re.test(q)) return true;
    const parent = path.dirname(q);
    if (parent === q || parent === ".") return false;
    q = parent;
  }
}

/**
 * gitignore-flavoured globs: `*` within one path segment, `**` across segments, `?` one character;
 * a pattern without a slash matches a file or directory name at any depth.
 */
export function globToRegExp(glob: string): { re: RegExp; absolute: boolean } {
  const absolute = glob.startsWith("/");
  let g = glob.replace(/\/+$/, "");
  if (g.startsWith("./")) g = g.slice(2);
  const anyDepth = !absolute && !g.includes("/");
  let out = "";
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === "*") {
      if (g[i + 1] === "*") {
        i++;
        if (g[i + 1] === "/") {
          i++;
          out += "(?:.*/)?";
        } else out += ".*";
      } else out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return { re: new RegExp(anyDepth ? `(?:^|/)${out}$` : `^${out}$`), absolute };
}
