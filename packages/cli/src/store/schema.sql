-- roar.db schema v1 (migration 1). The store applies forward migrations in order; never edit a
-- released migration, add a new one.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);

CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,          -- insertion order
  uid TEXT NOT NULL UNIQUE,
  step INTEGER NOT NULL,           -- @N; a re-run of the same step keeps it
  step_key TEXT NOT NULL,          -- normalised identity of the step (see lineage)
  name TEXT,
  argv_json TEXT NOT NULL,
  command TEXT NOT NULL,
  cwd TEXT NOT NULL,
  started_at INTEGER NOT NULL,     -- unix ms
  duration_ms INTEGER NOT NULL,
  exit_code INTEGER,
  signal TEXT,
  git_commit TEXT, git_branch TEXT, git_dirty INTEGER,
  tracer TEXT NOT NULL,            -- backend that ran
  tracer_json TEXT NOT NULL,       -- { blindSpots, notes }
  python_json TEXT NOT NULL,       -- PythonProcess[]
  packages_json TEXT NOT NULL,     -- { name, version }[]
  os_json TEXT NOT NULL,
  superseded_by INTEGER REFERENCES jobs(id),  -- NULL while this is the current run of its step
  status TEXT NOT NULL             -- success | failed | killed
);
CREATE INDEX jobs_step ON jobs(step);
CREATE INDEX jobs_step_key ON jobs(step_key);

CREATE TABLE artifacts (
  hash TEXT PRIMARY KEY,           -- BLAKE3 hex
  size INTEGER NOT NULL,
  first_seen INTEGER NOT NULL      -- unix ms
);

CREATE TABLE job_inputs (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
  path TEXT NOT NULL,
  PRIMARY KEY (job_id, path)
);
CREATE INDEX job_inputs_path ON job_inputs(path);
CREATE INDEX job_inputs_hash ON job_inputs(artifact_hash);

CREATE TABLE job_outputs (
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  artifact_hash TEXT NOT NULL REFERENCES artifacts(hash),
  path TEXT NOT NULL,
  PRIMARY KEY (job_id, path)
);
CREATE INDEX job_outputs_path ON job_outputs(path);
CREATE INDEX job_outputs_hash ON job_outputs(artifact_hash);

CREATE TABLE hash_cache (
  dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns TEXT NOT NULL,
  hash TEXT NOT NULL,
  PRIMARY KEY (dev, ino)
);

-- migration 2: "which current run writes this path" (dag, status, lineage) reads only this index.
CREATE INDEX IF NOT EXISTS job_outputs_path_job ON job_outputs(path, job_id, artifact_hash);
