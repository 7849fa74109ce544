// BLAKE3 of a whole file, on several threads, for Node (N-API).
//
// Upstream's C implementation (vendor/blake3, unmodified) is single-threaded: its
// blake3_compress_subtree_wide() hashes the left and right subtrees one after the other ("if this
// implementation adds multi-threading support in the future, this is where it will go"). In
// BLAKE3's tree every aligned power-of-two run of chunks is a complete subtree whose chaining value
// is the parent of its two halves' values. So the file is cut into the whole subtrees that
// blake3_hasher_update() would cut it into, those into equal pieces, and several threads hash the
// pieces straight from the file: each pread()s a block into a buffer that stays in its core's cache
// and hashes it there. The pieces' values are folded as upstream folds them and each subtree is
// pushed onto upstream's hasher exactly as blake3_hasher_update() pushes it, so the digest is the
// same by construction (and by test, against @napi-rs/blake-hash).
//
// Measured against mmap (bench/hash.mjs, 1 GiB in page cache, 2-core VM): mapping the file costs
// about as much as copying it (page-table setup and teardown), so mmap was 0.46x of
// `cat > /dev/null` and per-thread pread 0.72x. Hence no mmap, and no SIGBUS on a shrinking file.
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>

#include "blake3.c"
#include "stat_mtimes.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

// A subtree smaller than this is hashed on one thread, and so is a file smaller than this. Measured
// per file (µs, one thread vs two): 2 MiB 504 vs 661, 4 MiB 1216 vs 1062, 16 MiB 4329 vs 3937.
#define SPLIT_MIN_BYTES ((size_t)4 << 20)
// Largest whole subtree the file is cut into (BLAKE3's tree is unbounded; this bounds the pieces'
// bookkeeping per subtree, not the memory: each thread holds one READ_BLOCK buffer).
#define SUBTREE_MAX_BYTES ((size_t)1 << 30)
// The unit of work a thread takes at a time. Pieces handed out one by one, rather than half the
// file per thread, keep both cores busy when the scheduler pauses one thread on a loaded machine
// (measured under load: 0.56x of cat against 0.47x with fixed halves).
#ifndef PIECE_BYTES
#define PIECE_BYTES ((size_t)4 << 20)
#endif
// Bytes per pread() in a thread: read, then hashed while still in L2. Measured 128 KiB: 6.0 GB/s,
// 256 KiB: 5.5, 512 KiB: 6.7, 1 MiB: 6.6.
#define READ_BLOCK ((size_t)512 << 10)
// Buffer of the single-threaded read() path (small files, the tail, pipes and other special files).
#define READ_BUFFER ((size_t)1 << 20)

enum { MODE_AUTO = 0, MODE_SINGLE = 1 };

static long g_cpus = 1;
// Hashing threads running now, over all calls: a helper thread starts only while this is below the
// number of CPUs, so several files hashed at once share the cores instead of oversubscribing them.
static atomic_int g_busy = 0;

static int reserve_thread(void) {
  if (atomic_fetch_add(&g_busy, 1) < g_cpus) return 1;
  atomic_fetch_sub(&g_busy, 1);
  return 0;
}

typedef struct {
  // in
  char *path;
  int mode;
  napi_threadsafe_function progress;
  // out
  int err;  // errno, 0 on success
  const char *syscall;
  uint8_t digest[BLAKE3_OUT_LEN];
  uint64_t size;
  int threads_used;
  // progress, coalesced: at most one call is queued, and it reads the latest count when it runs
  atomic_ullong bytes_done;
  atomic_int progress_pending;
  napi_async_work work;
  napi_deferred deferred;
} hash_job;

static void report(hash_job *job, uint64_t hashed) {
  atomic_fetch_add(&job->bytes_done, hashed);
  if (job->progress == NULL) return;
  if (atomic_exchange(&job->progress_pending, 1) == 0 &&
      napi_call_threadsafe_function(job->progress, job, napi_tsfn_nonblocking) != napi_ok)
    atomic_store(&job->progress_pending, 0);
}

// --- subtrees read by threads ------------------------------------------------------------------

// The file is cut as blake3_hasher_update() would cut it into whole subtrees ("windows"), each
// window into equal pieces, and the threads take pieces from a shared counter until none are left:
// a thread that the scheduler pauses on a busy machine holds up one piece, not half the file.
typedef struct {
  uint64_t offset;
  size_t len;
} piece;

typedef struct {
  hash_job *job;
  int fd;
  const uint32_t *key;
  uint8_t flags;
  piece *pieces;
  uint8_t *cvs;  // one chaining value per piece
  size_t count;
  atomic_size_t next;
  atomic_int err;     // errno of a failed pread
  atomic_int shrunk;  // the file ended inside a piece
} file_source;

static void parent_cv(const uint8_t *left, const uint8_t *right, const uint32_t key[8],
                      uint8_t flags, uint8_t out[BLAKE3_OUT_LEN]) {
  uint8_t block[BLAKE3_BLOCK_LEN];
  memcpy(block, left, BLAKE3_OUT_LEN);
  memcpy(block + BLAKE3_OUT_LEN, right, BLAKE3_OUT_LEN);
  output_t output = parent_output(block, key, flags);
  output_chaining_value(&output, out);
}

static int read_fully(file_source *src, uint8_t *buf, size_t len, uint64_t offset) {
  size_t filled = 0;
  while (filled < len) {
    ssize_t got = pread(src->fd, buf + filled, len - filled, (off_t)(offset + filled));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      atomic_store(&src->err, errno);
      return 0;
    }
    if (got == 0) {
      atomic_store(&src->shrunk, 1);
      return 0;
    }
    filled += (size_t)got;
  }
  return 1;
}

// Chaining value of the piece [offset, offset + len) (a whole subtree), read block by block into
// `buf` (READ_BLOCK bytes) and hashed while the block is still in this core's cache.
static int piece_cv(file_source *src, uint8_t *buf, uint64_t offset, size_t len,
                    uint8_t out[BLAKE3_OUT_LEN]) {
  size_t block = len < READ_BLOCK ? len : READ_BLOCK;
  uint8_t stack[64 * BLAKE3_OUT_LEN];
  size_t depth = 0;
  size_t blocks = len / block;
  for (size_t i = 0; i < blocks; i++) {
    uint64_t at = offset + (uint64_t)i * block;
    // Another thread failed: the whole hash is void, stop reading.
    if (atomic_load(&src->err) != 0 || atomic_load(&src->shrunk) || !read_fully(src, buf, block, at))
      return 0;
    uint8_t pair[2 * BLAKE3_OUT_LEN];
    compress_subtree_to_parent_node(buf, block, src->key, at / BLAKE3_CHUNK_LEN, src->flags, pair);
    parent_cv(pair, pair + BLAKE3_OUT_LEN, src->key, src->flags, &stack[depth * BLAKE3_OUT_LEN]);
    depth++;
    // Blocks done so far, as a binary counter: each trailing zero completes one more level.
    for (size_t done = i + 1; (done & 1) == 0; done >>= 1) {
      depth--;
      parent_cv(&stack[(depth - 1) * BLAKE3_OUT_LEN], &stack[depth * BLAKE3_OUT_LEN], src->key,
                src->flags, &stack[(depth - 1) * BLAKE3_OUT_LEN]);
    }
    report(src->job, block);
  }
  memcpy(out, stack, BLAKE3_OUT_LEN);
  return 1;
}

static void take_pieces(file_source *src) {
  uint8_t *buf = malloc(READ_BLOCK);
  if (buf == NULL) {
    atomic_store(&src->err, ENOMEM);
    return;
  }
  for (;;) {
    size_t i = atomic_fetch_add(&src->next, 1);
    if (i >= src->count) break;
    if (!piece_cv(src, buf, src->pieces[i].offset, src->pieces[i].len,
                  &src->cvs[i * BLAKE3_OUT_LEN]))
      break;
  }
  free(buf);
}

static void *helper_thread(void *arg) {
  take_pieces(arg);
  atomic_fetch_sub(&g_busy, 1);
  return NULL;
}

// The whole subtrees blake3_hasher_update() would hash for a file of `size` bytes fed at once, as
// long as at least SPLIT_MIN_BYTES remain, capped at SUBTREE_MAX_BYTES. Returns their count and
// where they end; fills `windows` when it is not NULL.
static size_t plan_windows(uint64_t size, piece *windows, uint64_t *end) {
  size_t n = 0;
  uint64_t offset = 0;
  while (size - offset >= SPLIT_MIN_BYTES) {
    size_t sub = SUBTREE_MAX_BYTES;
    while (sub > size - offset || (offset & (sub - 1)) != 0) sub /= 2;
    if (windows) windows[n] = (piece){offset, sub};
    n++;
    offset += sub;
  }
  *end = offset;
  return n;
}

// Pieces per window: a power of two, each piece at most PIECE_BYTES and at least two pieces.
static size_t pieces_in(size_t window) {
  size_t n = window / PIECE_BYTES;
  return n < 2 ? 2 : n;
}

// Hashes the file from 0 in whole subtrees while at least SPLIT_MIN_BYTES remain, on this thread
// and helpers, and pushes each subtree onto the hasher as blake3_hasher_update() would.
// *end: where the read() of the tail starts. Returns 1, or 0 when the file shrank meanwhile (start
// over), or -1 on an error (job->err set).
static int hash_subtrees(hash_job *job, int fd, blake3_hasher *hasher, uint64_t size,
                         uint64_t *end) {
  size_t nwin = plan_windows(size, NULL, end);
  if (nwin == 0) return 1;
  piece *windows = malloc(nwin * sizeof *windows);
  size_t count = 0;
  if (windows != NULL) {
    plan_windows(size, windows, end);
    for (size_t w = 0; w < nwin; w++) count += pieces_in(windows[w].len);
  }
  piece *pieces = windows ? malloc(count * sizeof *pieces) : NULL;
  uint8_t *cvs = pieces ? malloc(count * BLAKE3_OUT_LEN) : NULL;
  if (cvs == NULL) {
    free(windows);
    free(pieces);
    job->err = ENOMEM;
    return -1;
  }
  size_t k = 0;
  for (size_t w = 0; w < nwin; w++) {
    size_t n = pieces_in(windows[w].len);
    for (size_t i = 0; i < n; i++)
      pieces[k++] = (piece){windows[w].offset + (uint64_t)i * (windows[w].len / n), windows[w].len / n};
  }

  file_source src = {job, fd, hasher->key, hasher->chunk.flags, pieces, cvs, count, 0, 0, 0};
  pthread_t helpers[64];
  size_t nhelpers = 0;
  while (nhelpers < 64 && nhelpers + 1 < count && reserve_thread()) {
    if (pthread_create(&helpers[nhelpers], NULL, helper_thread, &src) != 0) {
      atomic_fetch_sub(&g_busy, 1);
      break;
    }
    nhelpers++;
  }
  job->threads_used = nhelpers > 0;
  take_pieces(&src);
  for (size_t i = 0; i < nhelpers; i++) pthread_join(helpers[i], NULL);

  int result = 1;
  if (atomic_load(&src.err) != 0) {
    job->err = atomic_load(&src.err);
    job->syscall = "read";
    result = -1;
  } else if (atomic_load(&src.shrunk)) {
    result = 0;
  } else {
    // Each window's pieces are the leaves of a complete binary tree: fold them level by level
    // down to the window's two halves, and push those as blake3_hasher_update() pushes a subtree.
    uint8_t *cv = cvs;
    for (size_t w = 0; w < nwin; w++) {
      size_t n = pieces_in(windows[w].len);
      for (size_t level = n; level > 2; level /= 2)
        for (size_t i = 0; i < level / 2; i++)
          parent_cv(&cv[2 * i * BLAKE3_OUT_LEN], &cv[(2 * i + 1) * BLAKE3_OUT_LEN], hasher->key,
                    hasher->chunk.flags, &cv[i * BLAKE3_OUT_LEN]);
      uint64_t counter = windows[w].offset / BLAKE3_CHUNK_LEN;
      hasher_push_cv(hasher, cv, counter);
      hasher_push_cv(hasher, cv + BLAKE3_OUT_LEN, counter + windows[w].len / BLAKE3_CHUNK_LEN / 2);
      hasher->chunk.chunk_counter = counter + windows[w].len / BLAKE3_CHUNK_LEN;
      cv += n * BLAKE3_OUT_LEN;
    }
  }
  free(windows);
  free(pieces);
  free(cvs);
  return result;
}

// --- the single-threaded path and the job ------------------------------------------------------

// Hashes from `offset` to end of file with read() on this thread; the hasher holds what came before.
static int hash_rest(hash_job *job, int fd, blake3_hasher *hasher, uint64_t offset,
                     uint64_t size_hint) {
  size_t cap = READ_BUFFER;
  // One read more than the expected rest tells EOF without a second buffer-sized round trip.
  if (size_hint >= offset && size_hint - offset + 1 < cap) cap = (size_t)(size_hint - offset + 1);
  if (cap < 65536) cap = 65536;
  uint8_t *buf = malloc(cap);
  if (buf == NULL) return ENOMEM;
  for (;;) {
    ssize_t got = pread(fd, buf, cap, (off_t)offset);
    if (got < 0 && errno == ESPIPE) got = read(fd, buf, cap);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      int e = errno;
      free(buf);
      job->syscall = "read";
      return e;
    }
    if (got == 0) break;
    blake3_hasher_update(hasher, buf, (size_t)got);
    offset += (uint64_t)got;
    report(job, (uint64_t)got);
  }
  free(buf);
  job->size = offset;
  return 0;
}

static void hash_execute(napi_env env, void *data) {
  (void)env;
  hash_job *job = data;
  atomic_fetch_add(&g_busy, 1);
  int fd = open(job->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    job->err = errno;
    job->syscall = "open";
    atomic_fetch_sub(&g_busy, 1);
    return;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    job->err = S_ISDIR(st.st_mode) ? EISDIR : errno;
    job->syscall = S_ISDIR(st.st_mode) ? "read" : "fstat";
    close(fd);
    atomic_fetch_sub(&g_busy, 1);
    return;
  }
  blake3_hasher hasher;
  blake3_hasher_init(&hasher);
  uint64_t size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
  uint64_t offset = 0;
  if (S_ISREG(st.st_mode) && job->mode == MODE_AUTO) {
    int r = hash_subtrees(job, fd, &hasher, size, &offset);
    if (r < 0) {
      close(fd);
      atomic_fetch_sub(&g_busy, 1);
      return;
    }
    if (r == 0) {
      // The file shrank under us: hash whatever it holds now, as a streaming read would.
      blake3_hasher_reset(&hasher);
      offset = 0;
      job->threads_used = 0;
      atomic_store(&job->bytes_done, 0);
    }
  }
  // The tail, and whatever was appended meanwhile, as streaming would.
  job->err = hash_rest(job, fd, &hasher, offset, size);
  close(fd);
  if (job->err == 0) blake3_hasher_finalize(&hasher, job->digest, BLAKE3_OUT_LEN);
  atomic_fetch_sub(&g_busy, 1);
}

// --- N-API --------------------------------------------------------------------------------------

static const char *errno_code(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EISDIR: return "EISDIR";
    case ENOTDIR: return "ENOTDIR";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    case ELOOP: return "ELOOP";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENXIO: return "ENXIO";
    case EINVAL: return "EINVAL";
    case ECANCELED: return "ECANCELED";
    default: return "EUNKNOWN";
  }
}

// Shaped like Node's own fs errors (code, errno, syscall, path), so callers treat both alike.
static napi_value make_error(napi_env env, hash_job *job) {
  const char *code_name = errno_code(job->err);
  const char *syscall_name = job->syscall ? job->syscall : "open";
  char message[4200];
  snprintf(message, sizeof message, "%s: %s, %s '%s'", code_name, strerror(job->err),
           syscall_name, job->path);
  napi_value msg, code, err, errno_v, syscall, path;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, code_name, NAPI_AUTO_LENGTH, &code);
  napi_create_error(env, code, msg, &err);
  napi_create_int32(env, -job->err, &errno_v);
  napi_set_named_property(env, err, "errno", errno_v);
  napi_create_string_utf8(env, syscall_name, NAPI_AUTO_LENGTH, &syscall);
  napi_set_named_property(env, err, "syscall", syscall);
  napi_create_string_utf8(env, job->path, NAPI_AUTO_LENGTH, &path);
  napi_set_named_property(env, err, "path", path);
  return err;
}

static void settle(napi_env env, hash_job *job) {
  if (job->err != 0) {
    napi_reject_deferred(env, job->deferred, make_error(env, job));
    return;
  }
  static const char hexdigits[] = "0123456789abcdef";
  char hex[2 * BLAKE3_OUT_LEN];
  for (int i = 0; i < BLAKE3_OUT_LEN; i++) {
    hex[2 * i] = hexdigits[job->digest[i] >> 4];
    hex[2 * i + 1] = hexdigits[job->digest[i] & 15];
  }
  napi_value result, hash, size, threaded;
  napi_create_object(env, &result);
  napi_create_string_latin1(env, hex, sizeof hex, &hash);
  napi_create_double(env, (double)job->size, &size);
  napi_get_boolean(env, job->threads_used, &threaded);
  napi_set_named_property(env, result, "hash", hash);
  napi_set_named_property(env, result, "size", size);
  napi_set_named_property(env, result, "threaded", threaded);
  napi_resolve_deferred(env, job->deferred, result);
}

static void free_job(hash_job *job) {
  free(job->path);
  free(job);
}

// The progress function's finalizer: runs once its queue has drained, so the promise settles after
// the last progress call, never before it.
static void settle_after_progress(napi_env env, void *data, void *hint) {
  (void)hint;
  hash_job *job = data;
  if (job->deferred != NULL) settle(env, job);
  free_job(job);
}

static void hash_complete(napi_env env, napi_status status, void *data) {
  hash_job *job = data;
  napi_delete_async_work(env, job->work);
  if (status != napi_ok && job->err == 0) job->err = ECANCELED;
  if (job->progress != NULL) {
    napi_release_threadsafe_function(job->progress, napi_tsfn_release);
  } else {
    settle(env, job);
    free_job(job);
  }
}

static void progress_call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)context;
  hash_job *job = data;
  // Cleared before reading, so a report racing with this call queues another one.
  atomic_store(&job->progress_pending, 0);
  if (env == NULL || js_cb == NULL) return;
  napi_value undefined, arg;
  napi_get_undefined(env, &undefined);
  napi_create_double(env, (double)atomic_load(&job->bytes_done), &arg);
  napi_call_function(env, undefined, js_cb, 1, &arg, NULL);
}

// hashFile(path: string, mode: 0 (threads) | 1 (single thread), onProgress?: (bytes) => void)
//   => Promise<{ hash: string; size: number; threaded: boolean }>
static napi_value js_hash_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  size_t path_len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_string_utf8(env, argv[0], NULL, 0, &path_len) != napi_ok) {
    napi_throw_type_error(env, NULL, "hashFile(path: string, mode: number, onProgress?)");
    return NULL;
  }
  hash_job *job = calloc(1, sizeof *job);
  char *path = malloc(path_len + 1);
  if (job == NULL || path == NULL) {
    free(job);
    free(path);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  job->path = path;
  napi_get_value_string_utf8(env, argv[0], job->path, path_len + 1, &path_len);
  int32_t mode = MODE_AUTO;
  napi_get_value_int32(env, argv[1], &mode);
  job->mode = mode;
  napi_valuetype cb_type = napi_undefined;
  if (argc >= 3) napi_typeof(env, argv[2], &cb_type);
  napi_value name, promise;
  napi_create_string_utf8(env, "roar-blake3-hash-file", NAPI_AUTO_LENGTH, &name);
  if (cb_type == napi_function &&
      napi_create_threadsafe_function(env, argv[2], NULL, name, 0, 1, job, settle_after_progress, NULL,
                                      progress_call_js, &job->progress) != napi_ok) {
    free_job(job);
    napi_throw_error(env, NULL, "roar_blake3: cannot create the progress function");
    return NULL;
  }
  if (napi_create_promise(env, &job->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, hash_execute, hash_complete, job, &job->work) !=
          napi_ok ||
      napi_queue_async_work(env, job->work) != napi_ok) {
    napi_throw_error(env, NULL, "roar_blake3: cannot queue the hashing work");
    return NULL;  // the job leaks: only reachable when N-API itself is failing
  }
  return promise;
}

// hashBytes(data: Buffer | Uint8Array | string) => string (hex): one call, on this thread, for the
// small inputs where a thread hop costs more than the hash (small files read whole, step keys).
static napi_value js_hash_bytes(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  size_t len = 0;
  char *owned = NULL;
  bool is_typed = false;
  napi_valuetype type = napi_undefined;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) goto bad;
  napi_typeof(env, argv[0], &type);
  if (type == napi_string) {
    if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) goto bad;
    owned = malloc(len + 1);
    if (owned == NULL) {
      napi_throw_error(env, "ENOMEM", "out of memory");
      return NULL;
    }
    napi_get_value_string_utf8(env, argv[0], owned, len + 1, &len);
    data = owned;
  } else if (napi_is_typedarray(env, argv[0], &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type ta;
    size_t count;
    napi_value ab;
    size_t offset;
    if (napi_get_typedarray_info(env, argv[0], &ta, &count, &data, &ab, &offset) != napi_ok) goto bad;
    if (ta != napi_uint8_array && ta != napi_uint8_clamped_array && ta != napi_int8_array) goto bad;
    len = count;
  } else {
    goto bad;
  }
  blake3_hasher hasher;
  blake3_hasher_init(&hasher);
  blake3_hasher_update(&hasher, data, len);
  uint8_t out[BLAKE3_OUT_LEN];
  blake3_hasher_finalize(&hasher, out, BLAKE3_OUT_LEN);
  free(owned);
  static const char hexdigits[] = "0123456789abcdef";
  char hex[BLAKE3_OUT_LEN * 2];
  for (size_t i = 0; i < BLAKE3_OUT_LEN; i++) {
    hex[2 * i] = hexdigits[out[i] >> 4];
    hex[2 * i + 1] = hexdigits[out[i] & 15];
  }
  napi_value result;
  napi_create_string_latin1(env, hex, sizeof hex, &result);
  return result;
bad:
  napi_throw_type_error(env, NULL, "hashBytes(data: Uint8Array | string)");
  return NULL;
}

// info() => { blake3: "1.3.1", simdDegree: number, threads: number }
static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, version, simd, threads;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, blake3_version(), NAPI_AUTO_LENGTH, &version);
  napi_create_uint32(env, (uint32_t)blake3_simd_degree(), &simd);
  napi_create_uint32(env, (uint32_t)g_cpus, &threads);
  napi_set_named_property(env, result, "blake3", version);
  napi_set_named_property(env, result, "simdDegree", simd);
  napi_set_named_property(env, result, "threads", threads);
  return result;
}

// statMtimes(paths, ends, root) => Float64Array: see stat_mtimes.c; on as many threads as hashing.
static napi_value js_stat_mtimes(napi_env env, napi_callback_info info) {
  return roar_stat_mtimes(env, info, g_cpus);
}

NAPI_MODULE_INIT() {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  g_cpus = cpus > 0 ? cpus : 1;
  // A cap for machines shared with other work (and for measuring the threads' worth).
  const char *cap = getenv("ROAR_BLAKE3_THREADS");
  if (cap != NULL && atoi(cap) > 0 && atoi(cap) < g_cpus) g_cpus = atoi(cap);
  // Detect the CPU's SIMD support once here, not racily in the first threads that hash.
  (void)blake3_simd_degree();
  napi_value fn;
  napi_create_function(env, "hashFile", NAPI_AUTO_LENGTH, js_hash_file, NULL, &fn);
  napi_set_named_property(env, exports, "hashFile", fn);
  napi_create_function(env, "hashBytes", NAPI_AUTO_LENGTH, js_hash_bytes, NULL, &fn);
  napi_set_named_property(env, exports, "hashBytes", fn);
  napi_create_function(env, "info", NAPI_AUTO_LENGTH, js_info, NULL, &fn);
  napi_set_named_property(env, exports, "info", fn);
  napi_create_function(env, "statMtimes", NAPI_AUTO_LENGTH, js_stat_mtimes, NULL, &fn);
  napi_set_named_property(env, exports, "statMtimes", fn);
  return exports;
}
