# generated from packages/inject-log/schema/inject-log.schema.json by packages/inject-log/scripts/generate.mjs — do not edit.
# Change the schema, then run `pnpm --filter @roar/inject-log generate`.
"""Field lists of one inject-log shard, for the shim's writer.

Each shape (the shard, and every object nested in it) has <NAME>_REQUIRED (fields a record
must carry), <NAME>_FIELDS (every field the schema names, in schema order) and <NAME>_DEFAULTS
(what the reader fills in when an optional field is missing). SHAPES maps a dotted path
("" is the shard, "files[]" an item of the files list) to (required, fields, defaults).
"""

SCHEMA_VERSION = 1
SCHEMA_ID = "https://roar.dev/schema/inject-log/v1.json"

# the shard (InjectLog)
TOP_LEVEL_REQUIRED = (
    "schema_version",
    "pid",
    "ppid",
    "argv",
    "executable",
    "python_version",
    "python_implementation",
    "abi",
    "prefix",
    "base_prefix",
    "virtual_env",
    "started_at",
    "ended_at",
    "files",
    "packages",
    "capture",
)
TOP_LEVEL_FIELDS = (
    "schema_version",
    "job_id",
    "pid",
    "ppid",
    "argv",
    "cwd",
    "executable",
    "python_version",
    "python_implementation",
    "abi",
    "prefix",
    "base_prefix",
    "virtual_env",
    "started_at",
    "ended_at",
    "exit",
    "files",
    "spawned",
    "packages",
    "capture",
)
TOP_LEVEL_DEFAULTS = {"job_id": None, "cwd": None, "exit": None, "spawned": ()}

# abi (Abi)
ABI_REQUIRED = ("abi_tag", "ext_suffix", "gil_disabled")
ABI_FIELDS = (
    "abi_tag",
    "ext_suffix",
    "extension_suffixes",
    "soabi",
    "cache_tag",
    "gil_disabled",
    "debug",
    "platform",
    "machine",
)
ABI_DEFAULTS = {
    "extension_suffixes": (),
    "soabi": None,
    "cache_tag": None,
    "debug": False,
    "platform": None,
    "machine": None,
}

# exit (ExitStatus)
EXIT_REQUIRED = ("how",)
EXIT_FIELDS = ("how", "code")
EXIT_DEFAULTS = {"code": None}

# files[] (FileEvent)
FILE_REQUIRED = ("op", "path")
FILE_FIELDS = ("op", "path", "dest", "count")
FILE_DEFAULTS = {"dest": None, "count": 1}

# spawned[] (SpawnedProcess)
SPAWNED_REQUIRED = ("event",)
SPAWNED_FIELDS = ("event", "executable", "argv")
SPAWNED_DEFAULTS = {"executable": None, "argv": None}

# packages[] (PackageRef)
PACKAGE_REQUIRED = ("name", "version")
PACKAGE_FIELDS = ("name", "version")
PACKAGE_DEFAULTS = {}

# capture (Capture)
CAPTURE_REQUIRED = ("audit_backend", "gate")
CAPTURE_FIELDS = (
    "audit_backend",
    "gate",
    "runtime_expected",
    "runtime_path",
    "sys_path_skipped",
    "events_dropped",
    "errors",
)
CAPTURE_DEFAULTS = {
    "runtime_expected": False,
    "runtime_path": None,
    "sys_path_skipped": (),
    "events_dropped": 0,
    "errors": (),
}

# capture.gate (Gate)
GATE_REQUIRED = ("outcome",)
GATE_FIELDS = ("outcome", "reason")
GATE_DEFAULTS = {"reason": None}

# capture.errors[] (CaptureError)
CAPTURE_ERROR_REQUIRED = ("where", "message")
CAPTURE_ERROR_FIELDS = ("where", "message")
CAPTURE_ERROR_DEFAULTS = {}

# exit.how
EXIT_HOW = ("exit", "exception", "os_exit", "signal", "exec", "unknown")
# files[].op
FILE_OPS = ("read", "write", "readwrite", "rename", "delete", "mkdir", "rmdir")
# capture.audit_backend
AUDIT_BACKENDS = ("native", "python", "none")
# capture.gate.outcome
GATE_OUTCOMES = ("native", "no-runtime", "abi-mismatch", "import-error", "shadowed", "disabled")

SHAPES = {
    "": (TOP_LEVEL_REQUIRED, TOP_LEVEL_FIELDS, TOP_LEVEL_DEFAULTS),
    "abi": (ABI_REQUIRED, ABI_FIELDS, ABI_DEFAULTS),
    "exit": (EXIT_REQUIRED, EXIT_FIELDS, EXIT_DEFAULTS),
    "files[]": (FILE_REQUIRED, FILE_FIELDS, FILE_DEFAULTS),
    "spawned[]": (SPAWNED_REQUIRED, SPAWNED_FIELDS, SPAWNED_DEFAULTS),
    "packages[]": (PACKAGE_REQUIRED, PACKAGE_FIELDS, PACKAGE_DEFAULTS),
    "capture": (CAPTURE_REQUIRED, CAPTURE_FIELDS, CAPTURE_DEFAULTS),
    "capture.gate": (GATE_REQUIRED, GATE_FIELDS, GATE_DEFAULTS),
    "capture.errors[]": (CAPTURE_ERROR_REQUIRED, CAPTURE_ERROR_FIELDS, CAPTURE_ERROR_DEFAULTS),
}
