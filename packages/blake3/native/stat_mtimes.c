// statMtimes: the modification time of many files at once, on every free core.
//
// Before a file is hashed again, its stat says whether it can have changed since it was hashed.
// `roar dag` and `roar status` ask that of every file a pipeline tracks (100,000 in the bench):
// one fs.statSync costs ≈ 3.5 µs in Node here, the system call alone ≈ 1.6 µs (a VM's system call
// is dear), so the stats alone were 350 ms of a 650 ms command. Here they run without a JS object
// per file, split over threads: ≈ 80 ms for 95,000 files on 2 cores.
//
// statMtimes(paths: string, ends: Int32Array, root: string) => Float64Array
//   Path i is paths.slice(ends[i - 1] ?? 0, ends[i]) (UTF-16 offsets, as JS slices them), relative
//   to `root` unless absolute. Result i: the mtime in ms exactly as Node's Stats.mtimeMs (sec * 1e3
//   + nsec / 1e6) for a regular file, STAT_MISSING (ENOENT, ENOTDIR), STAT_NOT_A_FILE, or
//   STAT_UNREADABLE (any other error: EACCES, ELOOP, ENAMETOOLONG, a NUL in the path).
//
// statMtimesInGroups(paths, ends, root, groups: Int32Array[], onGroup: (g: number) => void) => Float64Array
//   The same, off the main thread, group after group (each on every core): groups[g] lists path
//   numbers; their results appear in the returned array (NaN until then) before onGroup(g) is
//   called. A caller can work on the first group's files while the next ones are stat-ed.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stat_mtimes.h"

#ifndef O_PATH  // macOS: a read-only directory descriptor does as well
#define O_PATH O_RDONLY
#endif
#ifdef __APPLE__
#define st_mtim st_mtimespec
#endif

#define STAT_MISSING (-1.0)
#define STAT_NOT_A_FILE (-2.0)
#define STAT_UNREADABLE (-3.0)

// Files per grab from the shared counter: small enough that a thread the scheduler pauses on a
// loaded machine leaves little behind, large enough that the counter is not contended.
#define BATCH 256
// Below this many files a second thread costs more to start than it saves.
#define THREAD_MIN_FILES 4096

typedef struct {
  const uint16_t *text;
  const int32_t *ends;
  // Path numbers to stat (files[0..count)); NULL: paths 0..count-1.
  const int32_t *files;
  size_t count;
  int dirfd;
  double *out;
  atomic_size_t next;
} stat_job;

// UTF-16 → UTF-8 as Node encodes a path (a lone surrogate becomes U+FFFD). Returns the length, or
// -1 when it does not fit or holds a NUL (which no path can).
static long utf8_path(const uint16_t *s, size_t n, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = s[i];
    if (c == 0) return -1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && s[i + 1] >= 0xdc00 && s[i + 1] <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (s[i + 1] - 0xdc00);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd;
    }
    if (o + 4 >= cap) return -1;
    if (c < 0x80) {
      out[o++] = (char)c;
    } else if (c < 0x800) {
      out[o++] = (char)(0xc0 | (c >> 6));
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out[o++] = (char)(0xe0 | (c >> 12));
      out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    } else {
      out[o++] = (char)(0xf0 | (c >> 18));
      out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
      out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
      out[o++] = (char)(0x80 | (c & 0x3f));
    }
  }
  out[o] = '\0';
  return (long)o;
}

static void *stat_worker(void *arg) {
  stat_job *job = arg;
  char path[PATH_MAX];
  for (;;) {
    size_t from = atomic_fetch_add(&job->next, BATCH);
    if (from >= job->count) break;
    size_t to = from + BATCH < job->count ? from + BATCH : job->count;
    for (size_t j = from; j < to; j++) {
      size_t i = job->files == NULL ? j : (size_t)job->files[j];
      size_t start = i == 0 ? 0 : (size_t)job->ends[i - 1];
      size_t end = (size_t)job->ends[i];
      struct stat st;
      if (utf8_path(job->text + start, end - start, path, sizeof path) < 0) {
        job->out[i] = STAT_UNREADABLE;
      } else if (fstatat(job->dirfd, path, &st, 0) != 0) {
        job->out[i] = errno == ENOENT || errno == ENOTDIR ? STAT_MISSING : STAT_UNREADABLE;
      } else {
        job->out[i] = S_ISREG(st.st_mode) ? (double)st.st_mtim.tv_sec * 1e3 + (double)st.st_mtim.tv_nsec / 1e6
                                           : STAT_NOT_A_FILE;
      }
    }
  }
  return NULL;
}

// Runs a job on up to `max_threads` threads, this one included, and returns when it is done.
static void run_stat_job(stat_job *job, long max_threads) {
  atomic_init(&job->next, 0);
  long threads = max_threads;
  if ((long)(job->count / THREAD_MIN_FILES) + 1 < threads) threads = (long)(job->count / THREAD_MIN_FILES) + 1;
  pthread_t helpers[64];
  if (threads > 65) threads = 65;
  long started = 0;
  for (long t = 1; t < threads; t++) {
    if (pthread_create(&helpers[started], NULL, stat_worker, job) == 0) started++;
  }
  stat_worker(job);  // this thread works too, and alone when no helper could start
  for (long t = 0; t < started; t++) pthread_join(helpers[t], NULL);
}

static napi_value usage(napi_env env, const char *signature) {
  napi_throw_type_error(env, NULL, signature);
  return NULL;
}

#define SYNC_USAGE "statMtimes(paths: string, ends: Int32Array, root: string)"
#define GROUPS_USAGE \
  "statMtimesInGroups(paths: string, ends: Int32Array, root: string, groups: Int32Array[], onGroup: function)"

// An Int32Array argument's elements (an empty one's may be any pointer), or NULL after throwing a TypeError.
static const int32_t *int32_elements(napi_env env, napi_value value, size_t *count, const char *signature) {
  static const int32_t none[1] = {0};
  bool is_typed = false;
  napi_typedarray_type ta;
  void *data = NULL;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, value, &ta, count, &data, &ab, &offset) != napi_ok || ta != napi_int32_array ||
      (data == NULL && *count > 0)) {
    usage(env, signature);
    return NULL;
  }
  // An empty array may have no memory behind it: NULL here would read as the error above.
  return *count == 0 ? none : data;
}

// The arguments both calls share: the paths (copied), their ends (checked, not copied) and the root
// (opened). False after throwing.
typedef struct {
  uint16_t *text;
  const int32_t *ends;
  size_t count;
  int dirfd;
} stat_inputs;

static bool read_inputs(napi_env env, napi_value *argv, stat_inputs *in, const char *signature) {
  size_t len = 0;
  if (napi_get_value_string_utf16(env, argv[0], NULL, 0, &len) != napi_ok) {
    usage(env, signature);
    return false;
  }
  in->ends = int32_elements(env, argv[1], &in->count, signature);
  if (in->ends == NULL) return false;
  for (size_t i = 0; i < in->count; i++) {
    if (in->ends[i] < (i == 0 ? 0 : in->ends[i - 1]) || (size_t)in->ends[i] > len) {
      napi_throw_range_error(env, NULL, "statMtimes: ends must ascend within the paths string");
      return false;
    }
  }
  size_t root_len = 0;
  if (napi_get_value_string_utf8(env, argv[2], NULL, 0, &root_len) != napi_ok) {
    usage(env, signature);
    return false;
  }
  in->text = malloc((len + 1) * sizeof *in->text);
  char *root = malloc(root_len + 1);
  if (in->text == NULL || root == NULL) {
    free(in->text);
    free(root);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return false;
  }
  napi_get_value_string_utf16(env, argv[0], (char16_t *)in->text, len + 1, &len);
  napi_get_value_string_utf8(env, argv[2], root, root_len + 1, &root_len);
  in->dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int open_errno = errno;
  free(root);
  if (in->dirfd < 0) {
    free(in->text);
    napi_throw_error(env, open_errno == ENOENT ? "ENOENT" : "EIO", "statMtimes: cannot open the root directory");
    return false;
  }
  return true;
}

// A Float64Array of `count` elements, with its (off-heap, unmoving) data.
static napi_value new_float64_array(napi_env env, size_t count, double **data) {
  napi_value buffer, result;
  if (napi_create_arraybuffer(env, count * sizeof(double), (void **)data, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, count, buffer, 0, &result) != napi_ok)
    return NULL;
  return result;
}

napi_value roar_stat_mtimes(napi_env env, napi_callback_info info, long max_threads) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return usage(env, SYNC_USAGE);
  stat_inputs in;
  if (!read_inputs(env, argv, &in, SYNC_USAGE)) return NULL;
  double *out = NULL;
  napi_value result = new_float64_array(env, in.count, &out);
  if (result != NULL) {
    stat_job job = {.text = in.text, .ends = in.ends, .files = NULL, .count = in.count, .dirfd = in.dirfd, .out = out};
    run_stat_job(&job, max_threads);
  }
  close(in.dirfd);
  free(in.text);
  return result;
}

typedef struct {
  napi_async_work work;
  napi_threadsafe_function on_group;
  napi_ref result_ref;  // keeps the result's memory alive while threads write it
  uint16_t *text;
  int32_t *ends;  // a copy: the caller's array may change while the groups run
  int dirfd;
  double *out;
  size_t groups;
  int32_t **files;
  size_t *counts;
  long max_threads;
} groups_job;

static void free_groups_job(groups_job *gj) {
  if (gj->dirfd >= 0) close(gj->dirfd);
  for (size_t g = 0; g < gj->groups; g++) free(gj->files[g]);
  free(gj->files);
  free(gj->counts);
  free(gj->ends);
  free(gj->text);
  free(gj);
}

static void groups_execute(napi_env env, void *data) {
  (void)env;
  groups_job *gj = data;
  for (size_t g = 0; g < gj->groups; g++) {
    stat_job job = {.text = gj->text,
                    .ends = gj->ends,
                    .files = gj->files[g],
                    .count = gj->counts[g],
                    .dirfd = gj->dirfd,
                    .out = gj->out};
    run_stat_job(&job, gj->max_threads);
    // The queue is unbounded: this never waits. The call hands over to the main thread after the
    // results above are written.
    napi_call_threadsafe_function(gj->on_group, (void *)(uintptr_t)g, napi_tsfn_blocking);
  }
}

static void call_on_group(napi_env env, napi_value on_group, void *context, void *data) {
  (void)context;
  if (env == NULL || on_group == NULL) return;  // the environment is going away
  napi_value group, undefined;
  napi_create_uint32(env, (uint32_t)(uintptr_t)data, &group);
  napi_get_undefined(env, &undefined);
  napi_call_function(env, undefined, on_group, 1, &group, NULL);
}

static void groups_complete(napi_env env, napi_status status, void *data) {
  (void)status;
  groups_job *gj = data;
  napi_release_threadsafe_function(gj->on_group, napi_tsfn_release);
  napi_delete_reference(env, gj->result_ref);
  napi_delete_async_work(env, gj->work);
  free_groups_job(gj);
}

// Throws (unless a call that failed already did) and returns NULL: the caller falls back to its own loop.
static napi_value start_failed(napi_env env) {
  bool pending = false;
  if (napi_is_exception_pending(env, &pending) == napi_ok && !pending)
    napi_throw_error(env, NULL, "statMtimesInGroups: cannot start the work");
  return NULL;
}

napi_value roar_stat_mtimes_in_groups(napi_env env, napi_callback_info info, long max_threads) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return usage(env, GROUPS_USAGE);
  bool is_array = false;
  uint32_t groups = 0;
  napi_valuetype callback_type;
  if (napi_is_array(env, argv[3], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[3], &groups) != napi_ok || napi_typeof(env, argv[4], &callback_type) != napi_ok ||
      callback_type != napi_function)
    return usage(env, GROUPS_USAGE);

  stat_inputs in;
  if (!read_inputs(env, argv, &in, GROUPS_USAGE)) return NULL;
  groups_job *gj = calloc(1, sizeof *gj);
  if (gj == NULL) {
    close(in.dirfd);
    free(in.text);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  gj->text = in.text;
  gj->dirfd = in.dirfd;
  gj->max_threads = max_threads;
  gj->ends = malloc((in.count + 1) * sizeof *gj->ends);
  gj->files = calloc(groups + 1, sizeof *gj->files);
  gj->counts = calloc(groups + 1, sizeof *gj->counts);
  if (gj->ends == NULL || gj->files == NULL || gj->counts == NULL) {
    free_groups_job(gj);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  if (in.count > 0) memcpy(gj->ends, in.ends, in.count * sizeof *gj->ends);
  for (uint32_t g = 0; g < groups; g++) {
    napi_value element;
    size_t n = 0;
    const int32_t *files = NULL;
    if (napi_get_element(env, argv[3], g, &element) == napi_ok)
      files = int32_elements(env, element, &n, GROUPS_USAGE);
    if (files == NULL) {
      gj->groups = g;
      free_groups_job(gj);
      return NULL;
    }
    gj->groups = g + 1;
    gj->files[g] = malloc((n + 1) * sizeof *gj->files[g]);
    if (gj->files[g] == NULL) {
      free_groups_job(gj);
      napi_throw_error(env, "ENOMEM", "out of memory");
      return NULL;
    }
    for (size_t j = 0; j < n; j++) {
      if (files[j] < 0 || (size_t)files[j] >= in.count) {
        free_groups_job(gj);
        napi_throw_range_error(env, NULL, "statMtimesInGroups: a group names a path number out of range");
        return NULL;
      }
      gj->files[g][j] = files[j];
    }
    gj->counts[g] = n;
  }

  napi_value result = new_float64_array(env, in.count, &gj->out);
  napi_value name;
  if (result == NULL || napi_create_string_utf8(env, "roar statMtimesInGroups", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_reference(env, result, 1, &gj->result_ref) != napi_ok) {
    free_groups_job(gj);
    return start_failed(env);
  }
  for (size_t i = 0; i < in.count; i++) gj->out[i] = NAN;
  if (napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, NULL, NULL, NULL, call_on_group,
                                      &gj->on_group) != napi_ok) {
    napi_delete_reference(env, gj->result_ref);
    free_groups_job(gj);
    return start_failed(env);
  }
  if (napi_create_async_work(env, NULL, name, groups_execute, groups_complete, gj, &gj->work) != napi_ok ||
      napi_queue_async_work(env, gj->work) != napi_ok) {
    napi_release_threadsafe_function(gj->on_group, napi_tsfn_abort);
    napi_delete_reference(env, gj->result_ref);
    free_groups_job(gj);
    return start_failed(env);
  }
  return result;
}
