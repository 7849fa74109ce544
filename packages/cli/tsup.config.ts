import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { defineConfig } from "tsup";

// better-sqlite3's JavaScript goes into the bundle; src/store/sqlite-module.bundled.ts uses it only
// when the installed package (whose compiled addon it loads) is this very release.
const sqliteVersion: string = JSON.parse(
  fs.readFileSync(createRequire(import.meta.url).resolve("better-sqlite3/package.json"), "utf8"),
).version;

// `roar run` and the query fast path as a handful of ESM files (bundle/): every job and every
// `roar log` pays for Node resolving and compiling dozens of modules, and one file per lazily loaded
// phase or command cuts that to a few. The rest of the CLI (oclif's commands) stays plain tsc
// output (dist/). bundle/ sits directly under the package root, like dist/, so
// paths.ts finds python-shim/ and wheelhouse/ the same way from either.
export default defineConfig({
  entry: { main: "src/run/main.ts", query: "src/query/fast-path.ts" },
  outDir: "bundle",
  format: ["esm"],
  platform: "node",
  target: "node20",
  splitting: true,
  clean: true,
  dts: false,
  sourcemap: false,
  // Packages that find files next to their own dist (native addons, the preload library) stay
  // ordinary imports; everything else the run path loads is bundled. `bindings` is better-sqlite3's
  // addon lookup, never reached from the bundle (it names the addon outright).
  external: ["@roar/blake3", "@napi-rs/blake-hash", "@roar/tracer-preload", "bindings"],
  noExternal: [
    "@roar/abi-probe",
    "@roar/runtime-cache",
    "@roar/inject-log",
    "smol-toml",
    "proper-lockfile",
    "better-sqlite3",
  ],
  define: { ROAR_BUNDLED_BETTER_SQLITE3: JSON.stringify(sqliteVersion) },
  esbuildPlugins: [
    {
      // Third-party code shipped inside bundle/ carries its licence with it.
      name: "roar-third-party-notices",
      setup(build) {
        build.initialOptions.metafile = true;
        build.onEnd((result) => {
          if (!result.metafile) return;
          const roots = new Set<string>();
          for (const input of Object.keys(result.metafile.inputs)) {
            const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
            if (m && !m[1]!.includes("/@roar/")) roots.add(path.resolve(m[1]!));
          }
          const notices = [...roots].sort().map((root) => {
            const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
            const file = fs.readdirSync(root).find((f) => /^licen[cs]e/i.test(f));
            const text = file
              ? fs.readFileSync(path.join(root, file), "utf8").trim()
              : `License: ${pkg.license}`;
            return `${pkg.name}@${pkg.version}\n\n${text}\n`;
          });
          // tsup writes the bundle after this hook: on a fresh clone the directory is not there yet.
          const outdir = build.initialOptions.outdir ?? "bundle";
          fs.mkdirSync(outdir, { recursive: true });
          fs.writeFileSync(
            path.join(outdir, "THIRD-PARTY-NOTICES.txt"),
            `Third-party code bundled in this directory:\n\n${notices.join(`\n${"-".repeat(72)}\n\n`)}`,
          );
        });
      },
    },
    {
      name: "roar-bundled-sqlite",
      setup(build) {
        build.onResolve({ filter: /^\.\/sqlite-module\.js$/ }, (args) => ({
          path: path.join(args.resolveDir, "sqlite-module.bundled.ts"),
        }));
      },
    },
  ],
  // Bundled CommonJS (better-sqlite3, proper-lockfile and its dependencies) calls require() for
  // Node's own modules and the SQLite addon. Made on first call: createRequire costs ≈0.7 ms, and
  // nothing before the spawn needs it.
  banner: {
    js: [
      'import { createRequire as __roarCreateRequire } from "node:module";',
      "let __roarRequire;",
      "function require(id) {",
      "  __roarRequire ??= __roarCreateRequire(import.meta.url);",
      "  return __roarRequire(id);",
      "}",
    ].join("\n"),
  },
});
