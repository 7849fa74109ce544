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
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
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
    for (size_t i = from; i < to; i++) {
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

static napi_value usage(napi_env env) {
  napi_throw_type_error(env, NULL, "statMtimes(paths: string, ends: Int32Array, root: string)");
  return NULL;
}

napi_value roar_stat_mtimes(napi_env env, napi_callback_info info, long max_threads) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return usage(env);

  size_t len = 0;
  if (napi_get_value_string_utf16(env, argv[0], NULL, 0, &len) != napi_ok) return usage(env);
  bool is_typed = false;
  napi_typedarray_type ta;
  size_t count = 0;
  void *ends_data = NULL;
  napi_value ab;
  size_t offset;
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed) return usage(env);
  if (napi_get_typedarray_info(env, argv[1], &ta, &count, &ends_data, &ab, &offset) != napi_ok ||
      ta != napi_int32_array)
    return usage(env);
  const int32_t *ends = ends_data;
  for (size_t i = 0; i < count; i++) {
    if (ends[i] < (i == 0 ? 0 : ends[i - 1]) || (size_t)ends[i] > len) {
      napi_throw_range_error(env, NULL, "statMtimes: ends must ascend within the paths string");
      return NULL;
    }
  }
  size_t root_len = 0;
  if (napi_get_value_string_utf8(env, argv[2], NULL, 0, &root_len) != napi_ok) return usage(env);

  uint16_t *text = malloc((len + 1) * sizeof *text);
  char *root = malloc(root_len + 1);
  if (text == NULL || root == NULL) {
    free(text);
    free(root);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf16(env, argv[0], (char16_t *)text, len + 1, &len);
  napi_get_value_string_utf8(env, argv[2], root, root_len + 1, &root_len);
  int dirfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int open_errno = errno;
  free(root);
  if (dirfd < 0) {
    free(text);
    napi_throw_error(env, open_errno == ENOENT ? "ENOENT" : "EIO", "statMtimes: cannot open the root directory");
    return NULL;
  }

  napi_value buffer, result;
  void *out = NULL;
  if (napi_create_arraybuffer(env, count * sizeof(double), &out, &buffer) != napi_ok ||
      napi_create_typedarray(env, napi_float64_array, count, buffer, 0, &result) != napi_ok) {
    close(dirfd);
    free(text);
    return NULL;
  }

  stat_job job = {.text = text, .ends = ends, .count = count, .dirfd = dirfd, .out = out};
  atomic_init(&job.next, 0);
  long threads = max_threads;
  if ((long)(count / THREAD_MIN_FILES) + 1 < threads) threads = (long)(count / THREAD_MIN_FILES) + 1;
  pthread_t helpers[64];
  if (threads > 65) threads = 65;
  long started = 0;
  for (long t = 1; t < threads; t++) {
    if (pthread_create(&helpers[started], NULL, stat_worker, &job) == 0) started++;
  }
  stat_worker(&job);  // this thread works too, and alone when no helper could start
  for (long t = 0; t < started; t++) pthread_join(helpers[t], NULL);
  close(dirfd);
  free(text);
  return result;
}
