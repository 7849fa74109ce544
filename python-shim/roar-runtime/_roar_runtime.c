/*
 * _roar_runtime: roar's compiled audit hook (the fast path of the shim's recorder).
 *
 * Same interface as _roar_shim/recorder.py's PythonRecorder:
 *   install(limit=1000000)  add the hook (once per process; audit hooks cannot be removed)
 *   drain() -> (files, spawned, dropped, errors), clearing the buffers
 *       files:   [(op, path, dest, count)]   absolute (cwd / dir_fd joined), not normalised
 *       spawned: [(event, executable, argv)]  the event's own objects
 *   drain_columns()         drain() with files as four lists (ops, paths, dests, counts)
 *   render_files(ops, paths, dests, counts, prefixes) -> bytes | None
 *                           the shard's `files` JSON array from drain_columns() output, written here
 *                           in one pass (None: a path needs normalising; the shim's Python does it)
 *   render_table(prefixes, fd=-1) -> bytes | None
 *                           the same array for what drain_columns() would return, rendered from the
 *                           table itself, which stays as it is (what the shim does at exit); with an
 *                           fd, written to it as it is made (RENDER_TO_FD: 1), returning its length
 *   drain_events() -> (spawned, dropped, errors)   drain() without the file events
 *   reset()                 clear everything (called in a forked child)
 * and, where the C library can report it (glibc's on_exit):
 *   arm_exit_fix(path, temp, head, tail, code)  put the true exit status into the shard at exit
 *                           (tail: bytes, or their offset in the shard file: EXIT_FIX_OFFSET)
 *   EXIT_FIX                1 when arm_exit_fix works here, else 0
 *
 * Why C: an audit hook is called for EVERY audited event, and sys._getframe,
 * object.__setattr__, compile, exec and marshal.loads fire constantly in ordinary library code.
 * A Python hook costs a frame per event; this one rejects uninteresting events by their first
 * characters before any strcmp and returns 0 without touching a Python object.
 *
 * Builds on CPython 3.8-3.13 with the full (not limited) API: one wheel per interpreter ABI.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* on_exit(3) hands its callbacks the status given to exit(): the only place the real status of a
 * `raise SystemExit(3)` (or a failed stdout flush turning 0 into 120) can be read, since CPython
 * keeps it in a C local from the moment it unwinds the SystemExit until the process ends. */
#if defined(__GLIBC__)
#define ROAR_HAVE_ON_EXIT 1
#else
#define ROAR_HAVE_ON_EXIT 0
#endif

#ifndef ROAR_RUNTIME_VERSION
#define ROAR_RUNTIME_VERSION "0.0.0"
#endif

/* Free-threaded builds (3.13t): the buffers are shared by every thread, so updates take a lock.
 * Only around buffer updates, never around code that can run Python (__fspath__), which could
 * raise another audit event and re-enter the hook. */
#ifdef Py_GIL_DISABLED
static PyMutex buffer_lock = {0};
#define BUFFER_LOCK() PyMutex_Lock(&buffer_lock)
#define BUFFER_UNLOCK() PyMutex_Unlock(&buffer_lock)
#else
#define BUFFER_LOCK()
#define BUFFER_UNLOCK()
#endif

/* For the small helpers of the per-event and per-entry paths: a call costs as much as they do. */
#if defined(__GNUC__) || defined(__clang__)
#define HOT static inline __attribute__((always_inline))
#else
#define HOT static inline
#endif

#define SPAWN_LIMIT 10000
#define ERROR_LIMIT 20

enum event_kind {
    EV_NONE = 0,
    EV_OPEN,
    EV_RENAME,
    EV_REMOVE,
    EV_COPYFILE,
    EV_MKDIR,
    EV_RMDIR,
    EV_POPEN,
    EV_SYSTEM,
    EV_POSIX_SPAWN,
    EV_EXEC,
    EV_CHDIR, /* os.chdir (os.fchdir raises it too), ctypes.call_function: the cached cwd may be stale */
};

/* File events are counted in a hash table of plain C structs keyed by (op, path, dest): per event
 * one hash of the path's characters, one probe and, for a new entry, a store. (Python dicts cost
 * twice that here: a lookup, then an insert, a new int per count, and str hashing with SipHash.)
 * `entries` keeps insertion order. A slot holds 1 + an index into it in its low 32 bits and the high
 * 32 bits of that entry's hash in its high ones; 0 is a free slot. A probe compares those bits
 * before it reads an entry: with 20,000 entries the table is larger than the L2 cache, and reading
 * an entry that is not the match cost a cache miss (a third of the hook's time, sampled). */
enum op { OP_READ, OP_WRITE, OP_READWRITE, OP_RENAME, OP_DELETE, OP_MKDIR, OP_RMDIR, N_OPS };
struct entry {
    PyObject *head; /* owned "<cwd>/" that path is relative to (a joined entry), or NULL: see add_joined */
    PyObject *path; /* owned */
    PyObject *dest; /* owned, or NULL */
    Py_ssize_t count;
    uint64_t hash;
    int op; /* enum op */
};
static struct entry *entries = NULL;
static Py_ssize_t n_entries = 0, entries_cap = 0;
static uint64_t *slots = NULL;
#define SLOT(h, index) (((h) & 0xffffffff00000000ULL) | ((uint64_t)(index) + 1))
#define SLOT_MAY_BE(s, h) ((((s) ^ (h)) >> 32) == 0) /* the entry's hash may be h */
#define SLOT_ENTRY(s) (&entries[(uint32_t)(s) - 1])
static size_t slots_mask = 0;     /* number of slots - 1 (a power of two), 0 before the first entry */
static int ready = 0;             /* install() or drain() set up the buffers: the hook may record */
static PyObject *spawned = NULL;  /* list of (event, executable, argv) */
static PyObject *errors = NULL;   /* list of (where, message) */
static Py_ssize_t dropped = 0;
static Py_ssize_t limit = 1000000;
static int installed = 0;

/* op names, indexed by enum op: as C strings, and interned (created once) */
static const char *const op_text[N_OPS] = {"read", "write", "readwrite", "rename", "delete", "mkdir", "rmdir"};
static PyObject *op_names[N_OPS];

/* Classify by the name's shape first: almost every hot event fails the first or second test. */
static enum event_kind
classify(const char *e)
{
    switch (e[0]) {
    case 'o':
        if (e[1] == 'p') { /* "open": nearly every event worth recording; no strcmp call for it */
            return e[2] == 'e' && e[3] == 'n' && e[4] == '\0' ? EV_OPEN : EV_NONE;
        }
        if (e[1] != 's' || e[2] != '.') {
            return EV_NONE; /* object.__setattr__, object.__getattr__, ... */
        }
        switch (e[3]) {
        case 'r':
            if (strcmp(e + 3, "rename") == 0) return EV_RENAME;
            if (strcmp(e + 3, "remove") == 0) return EV_REMOVE;
            if (strcmp(e + 3, "rmdir") == 0) return EV_RMDIR;
            return EV_NONE;
        case 'm':
            return strcmp(e + 3, "mkdir") == 0 ? EV_MKDIR : EV_NONE;
        case 's':
            return strcmp(e + 3, "system") == 0 ? EV_SYSTEM : EV_NONE;
        case 'p':
            return strcmp(e + 3, "posix_spawn") == 0 ? EV_POSIX_SPAWN : EV_NONE;
        case 'e':
            return strcmp(e + 3, "exec") == 0 ? EV_EXEC : EV_NONE;
        case 'c':
            return strcmp(e + 3, "chdir") == 0 ? EV_CHDIR : EV_NONE;
        default:
            return EV_NONE;
        }
    case 's':
        if (e[1] == 'h') return strcmp(e, "shutil.copyfile") == 0 ? EV_COPYFILE : EV_NONE;
        if (e[1] == 'u') return strcmp(e, "subprocess.Popen") == 0 ? EV_POPEN : EV_NONE;
        return EV_NONE; /* sys._getframe, sys.settrace, socket.*, ... */
    case 'c':
        /* a foreign function may be libc's chdir; rare enough to just forget the cached cwd */
        return e[1] == 't' && strcmp(e, "ctypes.call_function") == 0 ? EV_CHDIR : EV_NONE;
    default:
        return EV_NONE;
    }
}

static PyObject *
dir_of_fd(long fd)
{
    char link[64], target[PATH_MAX];
    ssize_t n;
    snprintf(link, sizeof link, "/proc/self/fd/%ld", fd);
    n = readlink(link, target, sizeof target - 1);
    if (n <= 0) {
        return NULL;
    }
    return PyUnicode_DecodeFSDefaultAndSize(target, n);
}

/* The cwd as "<cwd>/", for joining relative paths. getcwd() is a system call and decoding its
 * result another allocation: together most of the cost of recording a relative open. The value is
 * kept until something may have changed it: an os.chdir / os.fchdir or ctypes audit event, or a
 * fork (reset). Such an event comes before its system call, and os.chdir releases the GIL around
 * that call, so another thread can run in between: the thread is then "pending" and the cache is
 * not trusted (getcwd() every time, only the decoding saved when the directory is unchanged) until
 * the thread's next audit event of any kind, which shows the call has returned. So a process with
 * threads (tqdm's monitor, a DataLoader's pin-memory thread) keeps the cache as a single-threaded
 * one does. A thread that changes directory and never raises another event leaves the cache
 * untrusted for good (correct, only slower). Free-threaded builds never trust it. Not seen: a C
 * extension calling chdir(2) itself. */
static char cwd_bytes[PATH_MAX];
static size_t cwd_len = 0;
static PyObject *cwd_str = NULL; /* "<cwd>/" for cwd_bytes, or NULL */
/* cwd_str is current: read while no cwd-changing call was in flight, none begun since (so never
 * set while a thread is pending) */
static int cwd_trusted = 0;
#define PENDING_MAX 16
static unsigned long pending[PENDING_MAX]; /* threads whose cwd-changing call may not have returned */
static int n_pending = 0;                   /* PENDING_MAX + 1: more than that many, never trusted again */

/* May the cached cwd be trusted once read (no cwd-changing call in flight)? */
static int
cwd_settled(void)
{
#ifdef Py_GIL_DISABLED
    return 0;
#else
    return n_pending == 0;
#endif
}

/* A cwd-changing event from the calling thread: forget the cached value until its call returns. */
static void
cwd_change_begins(void)
{
    unsigned long me;
    int i;
    cwd_trusted = 0;
#ifdef Py_GIL_DISABLED
    return; /* never trusted there: nothing to track (and no lock for it) */
#endif
    me = PyThread_get_thread_ident();
    for (i = 0; i < n_pending && i < PENDING_MAX; i++) {
        if (pending[i] == me) return;
    }
    if (n_pending < PENDING_MAX) {
        pending[n_pending++] = me;
    } else {
        n_pending = PENDING_MAX + 1;
    }
}

/* Any audit event while a thread is pending: if it is the caller, its call has returned. */
static void
cwd_change_may_have_ended(void)
{
    unsigned long me = PyThread_get_thread_ident();
    int i;
    for (i = 0; i < n_pending && n_pending <= PENDING_MAX; i++) {
        if (pending[i] == me) {
            pending[i] = pending[--n_pending];
            return;
        }
    }
}

/* New reference to "<cwd>/", or NULL (with an exception set only on a decoding failure). */
static PyObject *
cwd_prefix(void)
{
    char buf[PATH_MAX];
    size_t n;
    PyObject *decoded, *joined, *out = NULL;
    int settled = cwd_settled();
    if (cwd_trusted && cwd_str != NULL) {
        Py_INCREF(cwd_str);
        return cwd_str;
    }
    if (getcwd(buf, sizeof buf) == NULL) {
        return NULL;
    }
    n = strlen(buf);
    BUFFER_LOCK();
    if (cwd_str != NULL && n == cwd_len && memcmp(buf, cwd_bytes, n) == 0) {
        cwd_trusted = settled;
        out = cwd_str;
        Py_INCREF(out);
    }
    BUFFER_UNLOCK();
    if (out != NULL) return out;
    decoded = PyUnicode_DecodeFSDefaultAndSize(buf, (Py_ssize_t)n);
    if (decoded == NULL) return NULL;
    joined = PyUnicode_FromFormat("%U/", decoded);
    Py_DECREF(decoded);
    if (joined == NULL) return NULL;
    Py_INCREF(joined);
    BUFFER_LOCK();
    out = cwd_str; /* the old value, released below (outside the lock) */
    cwd_str = joined;
    memcpy(cwd_bytes, buf, n);
    cwd_len = n;
    cwd_trusted = settled;
    BUFFER_UNLOCK();
    Py_XDECREF(out);
    return joined;
}

/* An absolute str for a path argument, or NULL without an error set when the argument names no
 * path (a file descriptor, None). dir_fd: the event's dir_fd argument or NULL. */
static PyObject *
absolute(PyObject *arg, PyObject *dir_fd)
{
    PyObject *p, *s, *base = NULL, *out;
    Py_ssize_t len;

    if (arg == NULL || arg == Py_None) {
        return NULL;
    }
    if (PyUnicode_CheckExact(arg)) { /* the usual argument: no __fspath__ to ask */
        Py_INCREF(arg);
        p = arg;
    } else if (PyLong_Check(arg)) {
        return NULL;
    } else if ((p = PyOS_FSPath(arg)) == NULL) {
        PyErr_Clear();
        return NULL;
    }
    if (PyBytes_Check(p)) {
        s = PyUnicode_DecodeFSDefaultAndSize(PyBytes_AS_STRING(p), PyBytes_GET_SIZE(p));
        Py_DECREF(p);
        if (s == NULL) return NULL;
    } else {
        s = p;
    }
    len = PyUnicode_GET_LENGTH(s);
    if (len > 0 && PyUnicode_READ_CHAR(s, 0) == '/') {
        return s;
    }
    if (dir_fd != NULL && PyLong_Check(dir_fd)) {
        long fd = PyLong_AsLong(dir_fd);
        if (fd >= 0) base = dir_of_fd(fd);
        if (PyErr_Occurred()) PyErr_Clear();
    }
    if (base == NULL) {
        PyObject *prefix = cwd_prefix(); /* "<cwd>/" */
        if (prefix == NULL) {
            if (PyErr_Occurred()) {
                Py_DECREF(s);
                return NULL;
            }
            return s; /* cwd gone: keep it relative rather than invent a directory */
        }
        out = PyUnicode_Concat(prefix, s);
        Py_DECREF(prefix);
        Py_DECREF(s);
        return out;
    }
    out = PyUnicode_FromFormat("%U/%U", base, s);
    Py_DECREF(base);
    Py_DECREF(s);
    return out;
}

/* A hash of a str's characters (equal strs have the same kind and the same bytes), sixteen bytes at
 * a time in two independent lanes: the table's own, not Python's hash(), which would run SipHash over
 * every new path. Multiplying by an odd constant and xoring in the next word lose nothing, so the
 * lanes keep every difference until the final mixing spreads it over the low bits the table uses.
 * The length is mixed in last, so the lanes after a string's first whole blocks depend on those
 * bytes alone: a relative path's hash resumes from its cwd's (see add_joined). */
#define HASH_A0 0x9e3779b97f4a7c15ULL
#define HASH_B0 0xc2b2ae3d27d4eb4fULL

struct lanes {
    uint64_t a, b;
};

/* The lanes after the sixteen-byte blocks p[16 * from .. 16 * to) */
HOT struct lanes
hash_blocks(struct lanes l, const unsigned char *p, size_t from, size_t to)
{
    uint64_t w, v;
    for (; from < to; from++) {
        memcpy(&w, p + 16 * from, 8);
        memcpy(&v, p + 16 * from + 8, 8);
        l.a = (l.a ^ w) * 0xff51afd7ed558ccdULL;
        l.b = (l.b ^ v) * 0xc4ceb9fe1a85ec53ULL;
    }
    return l;
}

/* The hash of p[0 .. n), given the lanes after its first `done` blocks (done * 16 < n, or 0). */
HOT uint64_t
hash_finish(struct lanes l, const unsigned char *p, size_t n, size_t done)
{
    uint64_t a, b, w = 0, v = 0;
    /* every block but the last 1-16 bytes */
    l = hash_blocks(l, p, done, n > 16 ? (n - 1) / 16 : 0);
    /* the last 1-16 bytes: loads that end at the string's end (re-reading some bytes is harmless) */
    if (n >= 16) {
        memcpy(&w, p + n - 16, 8);
        memcpy(&v, p + n - 8, 8);
    } else if (n > 8) {
        memcpy(&w, p, 8);
        memcpy(&v, p + n - 8, 8);
    } else if (n > 0) {
        memcpy(&w, p, n);
    }
    a = (l.a ^ w) * 0xff51afd7ed558ccdULL;
    b = (l.b ^ v) * 0xc4ceb9fe1a85ec53ULL;
    a ^= (b >> 29) | (b << 35);
    a ^= a >> 32;
    a = (a ^ n) * 0xc4ceb9fe1a85ec53ULL;
    return a ^ (a >> 29);
}

HOT uint64_t
bytes_hash(const unsigned char *p, size_t n)
{
    struct lanes l = {HASH_A0, HASH_B0};
    return hash_finish(l, p, n, 0);
}

HOT uint64_t
str_hash(PyObject *s)
{
    return bytes_hash(PyUnicode_DATA(s), (size_t)PyUnicode_GET_LENGTH(s) * (size_t)PyUnicode_KIND(s));
}

static int
str_equal(PyObject *a, PyObject *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    return a == b || (n == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
                      memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0);
}

/* head + path, two Latin-1 strs of at most PATH_MAX characters together, copied into buf
 * (PATH_MAX + 1 bytes) with a NUL after them. Returns their length. */
HOT size_t
join_latin1(unsigned char *buf, PyObject *head, PyObject *path)
{
    size_t hn = (size_t)PyUnicode_GET_LENGTH(head), n = hn + (size_t)PyUnicode_GET_LENGTH(path);
    memcpy(buf, PyUnicode_1BYTE_DATA(head), hn);
    memcpy(buf + hn, PyUnicode_1BYTE_DATA(path), n - hn);
    buf[n] = 0;
    return n;
}

/* Is the path of entry e these n Latin-1 bytes? (A joined entry's head and path are Latin-1.) */
HOT int
entry_path_is_latin1(const struct entry *e, const unsigned char *b, size_t n)
{
    size_t hn = e->head != NULL ? (size_t)PyUnicode_GET_LENGTH(e->head) : 0;
    if (PyUnicode_KIND(e->path) != PyUnicode_1BYTE_KIND || hn + (size_t)PyUnicode_GET_LENGTH(e->path) != n) return 0;
    return (hn == 0 || memcmp(PyUnicode_1BYTE_DATA(e->head), b, hn) == 0) &&
           memcmp(PyUnicode_1BYTE_DATA(e->path), b + hn, n - hn) == 0;
}

/* Is the path of entry e the str s? */
HOT int
entry_path_is(const struct entry *e, PyObject *s)
{
    if (e->head == NULL) return str_equal(e->path, s);
    return PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND &&
           entry_path_is_latin1(e, PyUnicode_1BYTE_DATA(s), (size_t)PyUnicode_GET_LENGTH(s));
}

/* The path of entry e as one str (new reference): a joined entry's head and path concatenated. */
static PyObject *
entry_path(const struct entry *e)
{
    if (e->head != NULL) return PyUnicode_Concat(e->head, e->path);
    Py_INCREF(e->path);
    return e->path;
}

/* The table's memory comes straight from the kernel, zeroed, not from malloc: the workload's own
 * allocations then meet the heap they would without roar. (With the table in malloc's heap, growing
 * it moved glibc's malloc cost for the workload's own allocations in a loop opening 20,000 files by
 * +1.1M instructions on 3.8 and -1.9M on 3.13, against a hook that records nothing: a different
 * heap, not more work of roar's.) */
#if defined(MAP_ANONYMOUS)
static void *
pages_alloc(size_t size)
{
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static void
pages_free(void *p, size_t size)
{
    if (p != NULL) munmap(p, size);
}

/* p (old bytes, or NULL) grown to size bytes, its contents kept; NULL when out of memory (p kept) */
static void *
pages_grow(void *p, size_t old, size_t size)
{
    void *q;
    if (p == NULL) return pages_alloc(size);
#if defined(MREMAP_MAYMOVE)
    q = mremap(p, old, size, MREMAP_MAYMOVE); /* moves the pages, copies nothing */
    return q == MAP_FAILED ? NULL : q;
#else
    if ((q = pages_alloc(size)) != NULL) {
        memcpy(q, p, old);
        pages_free(p, old);
    }
    return q;
#endif
}
#else
static void *
pages_alloc(size_t size)
{
    return calloc(1, size);
}

static void
pages_free(void *p, size_t size)
{
    (void)size;
    free(p);
}

static void *
pages_grow(void *p, size_t old, size_t size)
{
    (void)old;
    return realloc(p, size);
}
#endif

/* Room for one more entry, with the slots at most half full. Returns 0, or -1 with MemoryError. */
static int
table_grow(void)
{
    if (n_entries == entries_cap) {
        Py_ssize_t cap = entries_cap ? entries_cap * 2 : 4096; /* 192 KB */
        struct entry *e = pages_grow(entries, (size_t)entries_cap * sizeof *e, (size_t)cap * sizeof *e);
        if (e == NULL) goto nomem;
        entries = e;
        entries_cap = cap;
    }
    if ((size_t)(n_entries + 1) * 2 > slots_mask) {
        size_t size = slots_mask ? (slots_mask + 1) * 4 : 4096, mask = size - 1; /* x4: fewer rehashes */
        uint64_t *fresh = pages_alloc(size * sizeof *fresh);
        Py_ssize_t i;
        if (fresh == NULL) goto nomem;
        for (i = 0; i < n_entries; i++) {
            size_t j = (size_t)entries[i].hash & mask;
            while (fresh[j] != 0) j = (j + 1) & mask;
            fresh[j] = SLOT(entries[i].hash, i);
        }
        pages_free(slots, slots_mask ? (slots_mask + 1) * sizeof *slots : 0);
        slots = fresh;
        slots_mask = mask;
    }
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

#define OP_SEED(o) ((uint64_t)(o) * 0x9e3779b97f4a7c15ULL)

/* A new entry for (o, head + path, dest), whose hash h the table does not hold yet: head and dest
 * (either may be NULL) and path are new references that the table takes (or releases, past the
 * limit or without memory). Called with the buffer lock held. Returns 0, or -1 with MemoryError. */
HOT int
insert(enum op o, uint64_t h, PyObject *head, PyObject *path, PyObject *dest)
{
    struct entry *e;
    size_t j;
    if (n_entries >= limit || (!(n_entries < entries_cap && (size_t)(n_entries + 1) * 2 <= slots_mask) && table_grow() < 0)) {
        Py_XDECREF(head);
        Py_DECREF(path);
        Py_XDECREF(dest);
        if (n_entries < limit) return -1; /* no memory */
        dropped++;
        return 0;
    }
    e = &entries[n_entries];
    e->head = head;
    e->path = path;
    e->dest = dest;
    e->count = 1;
    e->hash = h;
    e->op = o;
    for (j = (size_t)h & slots_mask; slots[j] != 0; j = (j + 1) & slots_mask) {
    }
    slots[j] = SLOT(h, n_entries);
    n_entries++;
    return 0;
}

/* The last file event, hashed but not yet in the table. Looking an event up reads its slot, at a
 * random place in a table larger than the L2 cache once it holds some thousands of entries: with
 * 20,000 files that one load took 90% of the hook's time (sampled). So the hook prefetches the
 * event's slot and looks the event up at the next one, by when the line has arrived; whatever reads
 * the table settles it first. Its references are owned; path NULL: none. */
static struct {
    PyObject *head, *path, *dest;
    uint64_t h;
    enum op op;
} deferred = {NULL, NULL, NULL, 0, OP_READ};

/* Is entry e's path head + path (head NULL: path alone; else both Latin-1, at most PATH_MAX)? */
static int
entry_path_is_joined(const struct entry *e, PyObject *head, PyObject *path)
{
    unsigned char buf[PATH_MAX + 1];
    if (head == NULL) return entry_path_is(e, path);
    if (e->head == head) return str_equal(e->path, path);
    return entry_path_is_latin1(e, buf, join_latin1(buf, head, path));
}

/* Count the deferred event into the table. Called with the buffer lock held. Returns 0, or -1
 * with MemoryError. */
static int
settle(void)
{
    PyObject *head = deferred.head, *path = deferred.path, *dest = deferred.dest;
    uint64_t h = deferred.h, s;
    struct entry *e;
    size_t j;
    if (path == NULL) return 0;
    deferred.head = deferred.path = deferred.dest = NULL;
    if (slots_mask != 0) {
        for (j = (size_t)h & slots_mask; (s = slots[j]) != 0; j = (j + 1) & slots_mask) {
            if (!SLOT_MAY_BE(s, h)) continue;
            e = SLOT_ENTRY(s);
            if (e->hash == h && e->op == (int)deferred.op && entry_path_is_joined(e, head, path) &&
                (e->dest == dest || (e->dest != NULL && dest != NULL && str_equal(e->dest, dest)))) {
                e->count++;
                Py_XDECREF(head);
                Py_DECREF(path);
                Py_XDECREF(dest);
                return 0;
            }
        }
    }
    return insert(deferred.op, h, head, path, dest);
}

/* Count one (op, head + path, dest) event whose hash is h, after settling the one before it: head
 * and dest may be NULL; all three are borrowed. Called with the buffer lock held. Returns 0, or -1
 * with MemoryError (from settling the event before). */
HOT int
defer(enum op o, uint64_t h, PyObject *head, PyObject *path, PyObject *dest)
{
    int rc;
#if defined(__GNUC__) || defined(__clang__)
    if (slots_mask != 0) __builtin_prefetch(&slots[(size_t)h & slots_mask]);
#endif
    rc = settle();
    Py_XINCREF(head);
    Py_INCREF(path);
    Py_XINCREF(dest);
    deferred.head = head;
    deferred.path = path;
    deferred.dest = dest;
    deferred.h = h;
    deferred.op = o;
    return rc;
}

/* Count one (op, path, dest) event; path and dest are borrowed, dest may be NULL. */
HOT int
add(enum op o, PyObject *path, PyObject *dest)
{
    uint64_t h;
    int rc;
    if (path == NULL) return 0;
#if PY_VERSION_HEX < 0x030c0000
    if (PyUnicode_READY(path) < 0 || (dest != NULL && PyUnicode_READY(dest) < 0)) return -1;
#endif
    h = str_hash(path) + OP_SEED(o);
    if (dest != NULL) h ^= str_hash(dest) * 0x85ebca6bULL;
    BUFFER_LOCK();
    rc = defer(o, h, NULL, path, dest);
    BUFFER_UNLOCK();
    return rc;
}

/* The joined path of the last relative open: its head (a cwd_str, referenced) is copied and its
 * whole blocks hashed once per head, not per open. Only add_joined uses it, with the GIL held (it
 * is never called in a free-threaded build: the cwd is never trusted there). */
static unsigned char joined_buf[PATH_MAX];
static PyObject *joined_head = NULL;
static struct lanes joined_lanes;

/* Count one event (op, head + tail, no dest) for two Latin-1 strs, joined in joined_buf to be
 * hashed and looked up exactly as add() would the joined str. A new entry keeps the two strs (a
 * joined entry): a relative open then costs no str of its own, as an absolute one does not, and the
 * path is joined only when the table is drained. Returns 1 when counted (rc set), 0 when too long:
 * the caller joins the strs. */
HOT int
add_joined(enum op o, PyObject *head, PyObject *tail, int *rc)
{
    size_t hn = (size_t)PyUnicode_GET_LENGTH(head), n = hn + (size_t)PyUnicode_GET_LENGTH(tail);
    uint64_t h;
    if (n > sizeof joined_buf) return 0;
    if (head != joined_head) {
        struct lanes l = {HASH_A0, HASH_B0};
        memcpy(joined_buf, PyUnicode_1BYTE_DATA(head), hn);
        joined_lanes = hash_blocks(l, joined_buf, 0, hn / 16);
        Py_INCREF(head);
        Py_XSETREF(joined_head, head);
    }
    memcpy(joined_buf + hn, PyUnicode_1BYTE_DATA(tail), n - hn);
    h = hash_finish(joined_lanes, joined_buf, n, hn / 16) + OP_SEED(o);
    BUFFER_LOCK();
    *rc = defer(o, h, head, tail, NULL);
    BUFFER_UNLOCK();
    return 1;
}

/* Every recorded entry, grouped as the shard lists them: each op's entries without a destination
 * in op order, then those with one (renames), each group in first-seen order. Called with the
 * buffer lock held; returns 0, or -1 with an exception set. */
static int
for_each_entry(int (*visit)(struct entry *e, void *arg), void *arg)
{
    Py_ssize_t k;
    int i;
    for (i = 0; i < N_OPS; i++) {
        for (k = 0; k < n_entries; k++) {
            if (entries[k].op == i && entries[k].dest == NULL && visit(&entries[k], arg) < 0) return -1;
        }
    }
    for (k = 0; k < n_entries; k++) {
        if (entries[k].dest != NULL && visit(&entries[k], arg) < 0) return -1;
    }
    return 0;
}

static void
clear_entries(void)
{
    Py_ssize_t k, n = n_entries;
    struct entry *old = entries;
    size_t old_size = (size_t)entries_cap * sizeof *old;
    /* detach first: a path's deallocation runs no Python code, but keep the table consistent anyway */
    Py_CLEAR(deferred.head);
    Py_CLEAR(deferred.path);
    Py_CLEAR(deferred.dest);
    entries = NULL;
    n_entries = entries_cap = 0;
    pages_free(slots, slots_mask ? (slots_mask + 1) * sizeof *slots : 0);
    slots = NULL;
    slots_mask = 0;
    for (k = 0; k < n; k++) {
        Py_XDECREF(old[k].head);
        Py_DECREF(old[k].path);
        Py_XDECREF(old[k].dest);
    }
    pages_free(old, old_size);
}

HOT enum op
open_op(PyObject *mode, PyObject *flags)
{
    if (mode != NULL && PyUnicode_Check(mode)) {
        Py_ssize_t i, n = PyUnicode_GET_LENGTH(mode);
        int w = 0;
        if (PyUnicode_IS_COMPACT_ASCII(mode)) { /* always, in practice: "r", "rb", "w+" */
            const unsigned char *m = (const unsigned char *)((PyASCIIObject *)mode + 1);
            for (i = 0; i < n; i++) {
                if (m[i] == '+') return OP_READWRITE;
                if (m[i] == 'w' || m[i] == 'a' || m[i] == 'x') w = 1;
            }
            return w ? OP_WRITE : OP_READ;
        }
        for (i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(mode, i);
            if (c == '+') return OP_READWRITE;
            if (c == 'w' || c == 'a' || c == 'x') w = 1;
        }
        return w ? OP_WRITE : OP_READ;
    }
    if (flags != NULL && PyLong_Check(flags)) {
        long f = PyLong_AsLong(flags);
        if (f == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return OP_READ;
        }
        switch (f & O_ACCMODE) {
        case O_WRONLY: return OP_WRITE;
        case O_RDWR: return OP_READWRITE;
        default: return OP_READ;
        }
    }
    return OP_READ;
}

#define ARG(i) (PyTuple_GET_SIZE(args) > (i) ? PyTuple_GET_ITEM(args, (i)) : NULL)

static int
record(enum event_kind kind, const char *event, PyObject *args)
{
    PyObject *a = NULL, *b = NULL, *entry;
    int rc = 0;

    switch (kind) {
    case EV_OPEN:
        a = absolute(ARG(0), NULL);
        if (a != NULL) {
            rc = add(open_op(ARG(1), ARG(2)), a, NULL);
            Py_DECREF(a);
            return rc;
        }
        return PyErr_Occurred() ? -1 : 0; /* no path (a descriptor), or it failed */
    case EV_RENAME:
        a = absolute(ARG(0), ARG(2));
        if (a != NULL) {
            b = absolute(ARG(1), ARG(3));
            rc = add(OP_RENAME, a, b);
        }
        break;
    case EV_REMOVE:
        a = absolute(ARG(0), ARG(1));
        rc = add(OP_DELETE, a, NULL);
        break;
    case EV_COPYFILE:
        a = absolute(ARG(0), NULL);
        b = absolute(ARG(1), NULL);
        rc = add(OP_READ, a, NULL);
        if (rc == 0) rc = add(OP_WRITE, b, NULL);
        break;
    case EV_MKDIR:
        a = absolute(ARG(0), ARG(2));
        rc = add(OP_MKDIR, a, NULL);
        break;
    case EV_RMDIR:
        a = absolute(ARG(0), ARG(1));
        rc = add(OP_RMDIR, a, NULL);
        break;
    case EV_CHDIR:
        cwd_change_begins();
        break;
    case EV_POPEN:
    case EV_SYSTEM:
    case EV_POSIX_SPAWN:
    case EV_EXEC:
        if (kind == EV_SYSTEM) {
            entry = Py_BuildValue("(sOO)", event, Py_None, ARG(0) ? ARG(0) : Py_None);
        } else {
            entry = Py_BuildValue("(sOO)", event, ARG(0) ? ARG(0) : Py_None, ARG(1) ? ARG(1) : Py_None);
        }
        if (entry == NULL) return -1;
        BUFFER_LOCK();
        if (PyList_GET_SIZE(spawned) >= SPAWN_LIMIT) {
            dropped++;
        } else {
            rc = PyList_Append(spawned, entry);
        }
        BUFFER_UNLOCK();
        Py_DECREF(entry);
        break;
    default:
        break;
    }
    Py_XDECREF(a);
    Py_XDECREF(b);
    return rc < 0 || PyErr_Occurred() ? -1 : 0;
}

/* An open() of a str path (nearly every event recorded): an absolute one counted as it is, a
 * relative one joined to the cached cwd, without absolute()'s conversions. 1 when it was one (rc
 * set), 0 when record() must look at it. */
HOT int
record_plain_open(PyObject *args, int *rc)
{
    PyObject *path = ARG(0);
    if (path == NULL || !PyUnicode_CheckExact(path)) return 0;
#if PY_VERSION_HEX < 0x030c0000
    if (PyUnicode_READY(path) < 0) return 0; /* record() meets the same failure and reports it */
#endif
    if (PyUnicode_GET_LENGTH(path) == 0) return 0;
    if (PyUnicode_IS_COMPACT_ASCII(path) ? *(const char *)((PyASCIIObject *)path + 1) == '/'
                                         : PyUnicode_READ_CHAR(path, 0) == '/') {
        *rc = add(open_op(ARG(1), ARG(2)), path, NULL);
        return 1;
    }
    /* relative, with the cwd known (see cwd_prefix): joined without a str per event */
    if (cwd_trusted && cwd_str != NULL && PyUnicode_KIND(path) == PyUnicode_1BYTE_KIND &&
        PyUnicode_KIND(cwd_str) == PyUnicode_1BYTE_KIND) {
        return add_joined(open_op(ARG(1), ARG(2)), cwd_str, path, rc);
    }
    return 0;
}

static int
hook(const char *event, PyObject *args, void *userData)
{
    enum event_kind kind;
    int rc = 0;
    (void)userData;
    if (n_pending > 0) cwd_change_may_have_ended();
    kind = classify(event);
    if (kind == EV_NONE || !ready) {
        return 0;
    }
    if (!(kind == EV_OPEN && record_plain_open(args, &rc))) rc = record(kind, event, args);
    if (rc < 0) { /* -1 whenever an exception is set */
        /* never let a recording failure reach the workload: keep a note, clear, carry on */
        PyObject *type, *value, *tb, *msg = NULL, *pair;
        PyErr_Fetch(&type, &value, &tb);
        msg = value ? PyObject_Str(value) : NULL;
        if (msg == NULL) {
            PyErr_Clear();
            msg = PyUnicode_FromString("unknown error");
        }
        pair = msg ? Py_BuildValue("(NO)", PyUnicode_FromFormat("audit-hook:%s", event), msg) : NULL;
        if (pair != NULL) {
            BUFFER_LOCK();
            if (errors != NULL && PyList_GET_SIZE(errors) < ERROR_LIMIT) {
                PyList_Append(errors, pair);
            }
            BUFFER_UNLOCK();
            Py_DECREF(pair);
        }
        Py_XDECREF(msg);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
    }
    return 0;
}

static int
ensure_buffers(void)
{
    if (spawned == NULL && (spawned = PyList_New(0)) == NULL) return -1;
    if (errors == NULL && (errors = PyList_New(0)) == NULL) return -1;
    ready = 1;
    return 0;
}

static PyObject *
roar_install(PyObject *self, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"limit", NULL};
    Py_ssize_t lim = limit;
    (void)self;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|n:install", kwlist, &lim)) return NULL;
    if (ensure_buffers() < 0) return NULL;
    limit = lim < 0 ? 0 : lim > INT32_MAX ? INT32_MAX : lim; /* a slot holds a 32-bit index */
    if (!installed) {
        if (PySys_AddAuditHook(hook, NULL) < 0) return NULL;
        installed = 1;
    }
    Py_RETURN_NONE;
}

static int
append_row(struct entry *e, void *arg)
{
    PyObject *path = entry_path(e), *item;
    int rc;
    if (path == NULL) return -1;
    item = Py_BuildValue("(ONOn)", op_names[e->op], path, e->dest ? e->dest : Py_None, e->count);
    if (item == NULL) return -1;
    rc = PyList_Append((PyObject *)arg, item);
    Py_DECREF(item);
    return rc;
}

static PyObject *
roar_drain(PyObject *self, PyObject *unused)
{
    PyObject *out_files, *out, *new_spawned, *new_errors;
    (void)self;
    (void)unused;
    if (ensure_buffers() < 0) return NULL;
    out_files = PyList_New(0);
    new_spawned = PyList_New(0);
    new_errors = PyList_New(0);
    if (out_files == NULL || new_spawned == NULL || new_errors == NULL) goto fail;
    BUFFER_LOCK();
    if (settle() < 0 || for_each_entry(append_row, out_files) < 0) {
        BUFFER_UNLOCK();
        goto fail;
    }
    out = Py_BuildValue("(OOnO)", out_files, spawned, dropped, errors);
    if (out == NULL) {
        BUFFER_UNLOCK();
        goto fail;
    }
    /* swap in fresh buffers (never NULL, the hook may run at any time); the old ones are the caller's */
    Py_SETREF(spawned, new_spawned);
    Py_SETREF(errors, new_errors);
    clear_entries();
    dropped = 0;
    BUFFER_UNLOCK();
    Py_DECREF(out_files);
    return out;
fail:
    Py_XDECREF(out_files);
    Py_XDECREF(new_spawned);
    Py_XDECREF(new_errors);
    return NULL;
}


/* The shard written at exit, split around its "exit" object, kept in plain C memory: on_exit
 * callbacks run after the interpreter is finalized, so they must not touch a Python object. */
static char *fix_path = NULL, *fix_temp = NULL, *fix_head = NULL, *fix_tail = NULL;
static size_t fix_head_len = 0, fix_tail_len = 0;
static long long fix_tail_at = -1; /* tail given as an offset: read from the written file when needed */
static int fix_code = -1;  /* status the shard already says; -1: any exit() status contradicts it */
static long fix_pid = 0;
static int fix_registered = 0;

static void
fix_clear(void)
{
    free(fix_path);
    free(fix_temp);
    free(fix_head);
    free(fix_tail);
    fix_path = fix_temp = fix_head = fix_tail = NULL;
    fix_head_len = fix_tail_len = 0;
    fix_tail_at = -1;
    fix_code = -1;
    fix_pid = 0;
}

#if ROAR_HAVE_ON_EXIT
static int
write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The shard's bytes from offset `at` to its end (what follows its exit object), read back only
 * now that the status turned out different: nothing is copied for the usual exit. */
static char *
read_tail(long long at, size_t *len)
{
    char *buf = NULL;
    size_t n = 0, cap = 1 << 16;
    ssize_t r;
    int fd = open(fix_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    if (lseek(fd, (off_t)at, SEEK_SET) != (off_t)at) goto fail;
    if ((buf = malloc(cap)) == NULL) goto fail;
    while ((r = read(fd, buf + n, cap - n)) > 0) {
        n += (size_t)r;
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) goto fail;
            buf = bigger;
            cap *= 2;
        }
    }
    if (r < 0) goto fail;
    close(fd);
    *len = n;
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}

static void
fix_exit_status(int status, void *arg)
{
    char code[64];
    int fd, len, ok;
    (void)arg;
    status &= 0xff; /* what the parent's wait() sees */
    if (fix_path == NULL || (long)getpid() != fix_pid || status == fix_code) return;
    if (fix_tail == NULL && (fix_tail = read_tail(fix_tail_at, &fix_tail_len)) == NULL) return;
    len = snprintf(code, sizeof code, "{\"how\":\"exit\",\"code\":%d}", status);
    fd = open(fix_temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return;
    ok = write_all(fd, fix_head, fix_head_len) == 0 && write_all(fd, code, (size_t)len) == 0 &&
         write_all(fd, fix_tail, fix_tail_len) == 0;
    ok = (close(fd) == 0) && ok;
    if (!ok || rename(fix_temp, fix_path) != 0) unlink(fix_temp);
}
#endif

static char *
copy_bytes(const char *p, size_t n)
{
    char *out = malloc(n + 1);
    if (out != NULL) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
    return out;
}

static PyObject *
roar_arm_exit_fix(PyObject *self, PyObject *args)
{
    PyObject *path, *temp, *tail_obj;
    const char *head, *tail = NULL;
    Py_ssize_t head_len, tail_len = 0;
    long long tail_at = -1;
    int code;
    (void)self;
    if (!PyArg_ParseTuple(args, "O&O&y#Oi:arm_exit_fix", PyUnicode_FSConverter, &path, PyUnicode_FSConverter,
                          &temp, &head, &head_len, &tail_obj, &code)) {
        return NULL;
    }
    /* tail: the bytes after the exit object, or their offset in the file at path (EXIT_FIX_OFFSET) */
    if (PyLong_Check(tail_obj)) {
        tail_at = PyLong_AsLongLong(tail_obj);
        if (tail_at < 0) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "arm_exit_fix: negative tail offset");
        }
    } else if (PyBytes_AsStringAndSize(tail_obj, (char **)&tail, &tail_len) < 0) {
        tail_at = -1;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(path);
        Py_DECREF(temp);
        return NULL;
    }
#if ROAR_HAVE_ON_EXIT
    fix_clear();
    fix_path = copy_bytes(PyBytes_AS_STRING(path), (size_t)PyBytes_GET_SIZE(path));
    fix_temp = copy_bytes(PyBytes_AS_STRING(temp), (size_t)PyBytes_GET_SIZE(temp));
    fix_head = copy_bytes(head, (size_t)head_len);
    if (tail != NULL) fix_tail = copy_bytes(tail, (size_t)tail_len);
    Py_DECREF(path);
    Py_DECREF(temp);
    if (fix_path == NULL || fix_temp == NULL || fix_head == NULL || (tail != NULL && fix_tail == NULL)) {
        fix_clear();
        return PyErr_NoMemory();
    }
    fix_head_len = (size_t)head_len;
    fix_tail_len = (size_t)tail_len;
    fix_tail_at = tail_at;
    fix_code = code;
    fix_pid = (long)getpid();
    if (!fix_registered) {
        if (on_exit(fix_exit_status, NULL) != 0) {
            fix_clear();
            Py_RETURN_FALSE;
        }
        fix_registered = 1;
    }
    Py_RETURN_TRUE;
#else
    Py_DECREF(path);
    Py_DECREF(temp);
    (void)head; (void)tail; (void)head_len; (void)tail_len; (void)tail_at; (void)code;
    Py_RETURN_FALSE;
#endif
}

/* drain() with the files as four columns ([op], [path], [dest], [count]): what the shim itself uses,
 * so a 20,000-file shard is not 20,000 tuples built here and taken apart again in Python. */
struct columns {
    PyObject *cols[4];
    Py_ssize_t i;
};

static int
put_row(struct entry *e, void *arg)
{
    struct columns *c = arg;
    PyObject *count = PyLong_FromSsize_t(e->count), *dest = e->dest ? e->dest : Py_None, *path;
    if (count == NULL) return -1;
    if ((path = entry_path(e)) == NULL) {
        Py_DECREF(count);
        return -1;
    }
    Py_INCREF(op_names[e->op]);
    PyList_SET_ITEM(c->cols[0], c->i, op_names[e->op]);
    PyList_SET_ITEM(c->cols[1], c->i, path);
    Py_INCREF(dest);
    PyList_SET_ITEM(c->cols[2], c->i, dest);
    PyList_SET_ITEM(c->cols[3], c->i, count);
    c->i++;
    return 0;
}

static PyObject *
roar_drain_columns(PyObject *self, PyObject *unused)
{
    struct columns c = {{NULL, NULL, NULL, NULL}, 0};
    PyObject *columns = NULL, *out = NULL, *new_spawned = NULL, *new_errors = NULL;
    Py_ssize_t n;
    int k;
    (void)self;
    (void)unused;
    if (ensure_buffers() < 0) return NULL;
    new_spawned = PyList_New(0);
    new_errors = PyList_New(0);
    if (new_spawned == NULL || new_errors == NULL) goto done;
    BUFFER_LOCK();
    if (settle() < 0) {
        BUFFER_UNLOCK();
        goto done;
    }
    n = n_entries;
    for (k = 0; k < 4; k++) {
        if ((c.cols[k] = PyList_New(n)) == NULL) {
            BUFFER_UNLOCK();
            goto done;
        }
    }
    if (for_each_entry(put_row, &c) < 0) { /* fills exactly n rows, unless out of memory */
        BUFFER_UNLOCK();
        goto done;
    }
    columns = PyTuple_Pack(4, c.cols[0], c.cols[1], c.cols[2], c.cols[3]);
    if (columns != NULL) out = Py_BuildValue("(OOnO)", columns, spawned, dropped, errors);
    if (out == NULL) {
        BUFFER_UNLOCK();
        goto done;
    }
    Py_SETREF(spawned, new_spawned);
    Py_SETREF(errors, new_errors);
    new_spawned = new_errors = NULL;
    clear_entries();
    dropped = 0;
    BUFFER_UNLOCK();
done:
    for (k = 0; k < 4; k++) Py_XDECREF(c.cols[k]);
    Py_XDECREF(columns);
    Py_XDECREF(new_spawned);
    Py_XDECREF(new_errors);
    return out;
}

/* render_files(): the shard's `files` array as JSON text (bytes), byte for byte what the shim's
 * Python writer makes of the same columns (shard.normalise_files then render_files, i.e. json.dumps
 * with separators (",", ":") and ensure_ascii), in one pass over the entries instead of a dozen
 * Python-level passes over a 20,000-entry list. Entries under one of `prefixes` (roar's own
 * directories, each ending in "/") are left out. Returns None when some path would need
 * os.path.normpath, or anything is not of the expected type: the Python writer then does it all. */
struct out {
    PyObject *bytes; /* written in place, resized to the length at the end: no final copy */
    char *p;
    size_t len, cap;
    int fd;         /* -1: the text is all in bytes; else a buffer, written to fd whenever it fills */
    size_t flushed; /* bytes written to fd so far */
};
#define OUT_INIT(fd) {NULL, NULL, 0, 0, (fd), 0}
#define OUT_BUFFER 65536

/* Write what the buffer holds to the out's fd. Returns 0, or -1 with OSError. */
static int
out_flush(struct out *o)
{
    if (o->len > 0 && write_all(o->fd, o->p, o->len) < 0) {
        PyErr_SetFromErrno(PyExc_OSError);
        return -1;
    }
    o->flushed += o->len;
    o->len = 0;
    return 0;
}

static inline int
out_reserve(struct out *o, size_t more)
{
    size_t cap;
    if (o->len + more <= o->cap) return 0;
    if (o->fd >= 0 && o->len > 0) { /* written to fd: empty the buffer, grow it only if still short */
        if (out_flush(o) < 0) return -1;
        if (more <= o->cap) return 0;
    }
    cap = o->cap ? o->cap * 2 : 0;
    if (cap < o->len + more) cap = o->len + more;
    if (o->bytes == NULL) {
        o->bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)cap);
        if (o->bytes == NULL) return -1;
    } else if (_PyBytes_Resize(&o->bytes, (Py_ssize_t)cap) < 0) {
        return -1; /* o->bytes is NULL now */
    }
    o->p = PyBytes_AS_STRING(o->bytes);
    o->cap = cap;
    return 0;
}

static inline int
out_put(struct out *o, const char *s, size_t n)
{
    if (out_reserve(o, n) < 0) return -1;
    memcpy(o->p + o->len, s, n);
    o->len += n;
    return 0;
}

/* Eight bytes of a string as one little-endian word: byte k of memory is byte k of the value. */
static inline uint64_t
load_le64(const unsigned char *p)
{
    uint64_t x;
    memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

#define ONES 0x0101010101010101ULL
#define LOW7 0x7f7f7f7f7f7f7f7fULL
#define HIGHS 0x8080808080808080ULL

/* 0x80 in each byte of x that equals c, 0 in the others (exact: no carry crosses a byte). */
static inline uint64_t
bytes_equal(uint64_t x, unsigned char c)
{
    uint64_t t = x ^ (ONES * c);
    return ~(((t & LOW7) + LOW7) | t | LOW7);
}

/* A path's characters, as the writer reads them: a str's own, or a joined entry's head and path
 * copied into a buffer (see entry_chars). data[len] is readable (a str's NUL terminator). */
struct chars {
    const void *data;
    Py_ssize_t len;
    int kind;
};

HOT struct chars
str_chars(PyObject *s)
{
    struct chars c = {PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s), PyUnicode_KIND(s)};
    return c;
}

/* The path of entry e: its str's characters, or a joined entry's head and path copied into buf
 * (PATH_MAX + 1 bytes: add_joined made only entries that fit, and a NUL follows them there). */
HOT struct chars
entry_chars(const struct entry *e, unsigned char *buf)
{
    struct chars c;
    if (e->head == NULL) return str_chars(e->path);
    c.len = (Py_ssize_t)join_latin1(buf, e->head, e->path);
    c.data = buf;
    c.kind = PyUnicode_1BYTE_KIND;
    return c;
}

/* The same test as shard.normalise_files' `clean`: "//", "/./", "/../" inside, or a trailing
 * "/", "/." or "/.."; a NUL (which the Python writer uses as a separator) sends it there too. */
#define AT(i) PyUnicode_READ(kind, data, (i))
static int
needs_normalising(struct chars s)
{
    Py_ssize_t i, n = s.len;
    int kind = s.kind;
    const void *data = s.data;
    const unsigned char *bytes = data;
    Py_UCS4 c;
    if (kind == PyUnicode_1BYTE_KIND) {
        /* eight bytes at a time: only a word with a NUL, or a '/' followed by '/' or '.', is looked
         * at closely (a path in a dot-directory then pays for the byte loop below) */
        const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, ones = 0x0101010101010101ULL;
        uint64_t x, t, nul, slash, next;
        for (i = 0; i + 8 < n; i += 8) { /* `<`: the byte after the word is there too */
            x = load_le64(bytes + i);
            t = x;
            nul = ~(((t & low7) + low7) | t | low7);             /* 0x80 in each zero byte */
            t = x ^ (ones * '/');
            slash = ~(((t & low7) + low7) | t | low7);           /* 0x80 in each '/' */
            t = x ^ (ones * '.');
            next = slash | ~(((t & low7) + low7) | t | low7);    /* each '/' or '.' */
            next = (next >> 8) | ((uint64_t)(bytes[i + 8] == '/' || bytes[i + 8] == '.') << 63);
            if (nul | (slash & next)) break;
        }
        for (; i < n; i++) {
            if (bytes[i] > '/') continue; /* most characters: one test */
            if (bytes[i] == 0) return 1;
            if (bytes[i] != '/') continue;
            if (i + 1 == n || bytes[i + 1] == '/') return 1;
            if (bytes[i + 1] == '.') {
                if (i + 2 == n || bytes[i + 2] == '/') return 1;
                if (bytes[i + 2] == '.' && (i + 3 == n || bytes[i + 3] == '/')) return 1;
            }
        }
        return 0;
    }
    for (i = 0; i < n; i++) {
        c = AT(i);
        if (c == 0) return 1;
        if (c != '/') continue;
        if (i + 1 == n) return 1;
        c = AT(i + 1);
        if (c == '/') return 1;
        if (c != '.') continue;
        if (i + 2 == n) return 1;
        c = AT(i + 2);
        if (c == '/') return 1;
        if (c != '.') continue;
        if (i + 3 == n || AT(i + 3) == '/') return 1;
    }
    return 0;
}
#undef AT

static const char hexdigits[] = "0123456789abcdef";

/* Latin-1 characters by what the writer does with them: 1 copy, 2 '/' (copy, and look for a
 * "//", "/./" or "/../" there), 0 escape (or, for NUL, give up: see needs_normalising). */
static unsigned char char_class[256];

static void
init_char_class(void)
{
    int c;
    for (c = ' '; c <= '~'; c++) char_class[c] = 1;
    char_class['"'] = 0;
    char_class['\\'] = 0;
    char_class['/'] = 2;
}

/* One character that JSON (ensure_ascii) escapes, as _json.encode_basestring_ascii writes it. */
static char *
put_escape(char *w, Py_UCS4 c)
{
    *w++ = '\\';
    switch (c) {
    case '\\': *w++ = '\\'; return w;
    case '"': *w++ = '"'; return w;
    case '\b': *w++ = 'b'; return w;
    case '\f': *w++ = 'f'; return w;
    case '\n': *w++ = 'n'; return w;
    case '\r': *w++ = 'r'; return w;
    case '\t': *w++ = 't'; return w;
    default:
        if (c >= 0x10000) {
            Py_UCS4 v = c - 0x10000, hi = 0xd800 | ((v >> 10) & 0x3ff);
            *w++ = 'u';
            *w++ = hexdigits[(hi >> 12) & 0xf];
            *w++ = hexdigits[(hi >> 8) & 0xf];
            *w++ = hexdigits[(hi >> 4) & 0xf];
            *w++ = hexdigits[hi & 0xf];
            *w++ = '\\';
            c = 0xdc00 | (v & 0x3ff);
        }
        *w++ = 'u';
        *w++ = hexdigits[(c >> 12) & 0xf];
        *w++ = hexdigits[(c >> 8) & 0xf];
        *w++ = hexdigits[(c >> 4) & 0xf];
        *w++ = hexdigits[c & 0xf];
        return w;
    }
}

/* Does any of these eight bytes need escaping in JSON: below ' ', above '~', '"' or '\\'? */
static inline int
word_needs_escape(uint64_t x)
{
    uint64_t low = (x - ONES * 0x20) & ~x;                  /* a byte < 0x20 */
    uint64_t high = (x + ONES * (0x80 - 0x7f)) | x;         /* a byte >= 0x7f */
    uint64_t quote = x ^ (ONES * '"'), slash = x ^ (ONES * '\\');
    quote = (quote - ONES) & ~quote;                         /* a zero byte: a '"' */
    slash = (slash - ONES) & ~slash;                         /* a zero byte: a '\\' */
    return ((low | high | quote | slash) & HIGHS) != 0;
}

/* A path's characters as they go inside a JSON string, at w (room for 12 bytes per character
 * reserved by the caller). Returns the end, or NULL when the path needs normalising (see
 * needs_normalising). A Latin-1 path with nothing to escape (almost every path) is checked a word
 * at a time, for both escapes and normalising, in one pass, and copied at once. */
HOT char *
put_path_chars(char *w, struct chars s)
{
    Py_ssize_t i, n = s.len;
    if (s.kind == PyUnicode_1BYTE_KIND) {
        const unsigned char *b = s.data;
        uint64_t x, slash, next;
#if defined(__SSE2__)
        if (n >= 16) {
            /* sixteen bytes at a time, copied as they pass: a byte to escape (signed < ' ' is also
             * every byte >= 0x80; 0x7f, '"', '\\'), or a '/' before a '/' or '.' ('.' | 1 == '/').
             * The last block overlaps the one before; the byte after it is the str's own NUL
             * terminator (see struct chars), so a trailing '/' is tested on its own. */
            const __m128i space = _mm_set1_epi8(' '), del = _mm_set1_epi8(0x7f), quote = _mm_set1_epi8('"'),
                          backslash = _mm_set1_epi8('\\'), sep = _mm_set1_epi8('/'), one = _mm_set1_epi8(1);
            Py_ssize_t at;
            for (i = 0;; i += 16) {
                __m128i v, after, bad;
                at = i + 16 < n ? i : n - 16;
                v = _mm_loadu_si128((const __m128i *)(b + at));
                after = _mm_loadu_si128((const __m128i *)(b + at + 1));
                bad = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
                bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpeq_epi8(v, sep), _mm_cmpeq_epi8(_mm_or_si128(after, one), sep)));
                if (_mm_movemask_epi8(bad) != 0) goto careful;
                _mm_storeu_si128((__m128i *)(w + at), v);
                if (at == n - 16) break;
            }
            if (b[n - 1] == '/') goto careful;
            return w + n;
        }
#endif
        /* shorter paths (a relative one's own part, mostly): copied as they are checked, in words */
        for (i = 0; i + 8 <= n; i += 8) {
            x = load_le64(b + i);
            memcpy(w + i, b + i, 8);
            if (word_needs_escape(x)) goto careful;
            slash = bytes_equal(x, '/');
            if (slash) {
                /* the byte after each one: '/' or '.' ('.' | 1 == '/') may start "//", "/./", "/../";
                 * after the last byte, the end of the path counts as one (a trailing "/") */
                next = (x >> 8) | ((uint64_t)(i + 8 < n ? b[i + 8] : '/') << 56);
                if (slash & bytes_equal(next | ONES, '/')) goto careful;
            }
        }
        for (; i < n; i++) {
            unsigned char c = b[i];
            if (char_class[c] != 1 && (char_class[c] == 0 || i + 1 == n || b[i + 1] == '/' || b[i + 1] == '.')) {
                goto careful;
            }
            w[i] = (char)c;
        }
        return w + n;
    careful: /* something to escape, a NUL, or a '/' before '/' or '.' (often "/.hidden"): byte by byte */
        for (i = 0; i < n; i++) {
            unsigned char c = b[i];
            switch (char_class[c]) {
            case 1:
                *w++ = (char)c;
                break;
            case 2:
                if (i + 1 == n || b[i + 1] == '/') return NULL;
                if (b[i + 1] == '.' &&
                    (i + 2 == n || b[i + 2] == '/' || (b[i + 2] == '.' && (i + 3 == n || b[i + 3] == '/')))) {
                    return NULL;
                }
                *w++ = '/';
                break;
            default:
                if (c == 0) return NULL;
                w = put_escape(w, c);
            }
        }
    } else {
        if (needs_normalising(s)) return NULL;
        for (i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(s.kind, s.data, i);
            if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
                *w++ = (char)c;
            } else {
                w = put_escape(w, c);
            }
        }
    }
    return w;
}

/* A path as a quoted JSON string at w (room for 12 bytes per character + 2), or NULL as above. */
HOT char *
put_path(char *w, struct chars s)
{
    *w++ = '"';
    if ((w = put_path_chars(w, s)) == NULL) return NULL;
    *w++ = '"';
    return w;
}

/* ,"count":<n>} into buf (at least 32 bytes); returns its length */
HOT int
format_count(char *buf, long long count)
{
    char digits[24];
    int k = 0, len = 9;
    unsigned long long v = count < 0 ? 0ULL - (unsigned long long)count : (unsigned long long)count;
    memcpy(buf, ",\"count\":", 9);
    if (v < 10 && count >= 0) { /* nearly every entry */
        buf[9] = (char)('0' + v);
        buf[10] = '}';
        return 11;
    }
    if (count < 0) buf[len++] = '-';
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k > 0) buf[len++] = digits[--k];
    buf[len++] = '}';
    return len;
}

/* roar's own directories (the shard dir, the shim, runtime trees; each ending in "/"), prepared
 * once per render: every path is checked against each. */
struct prefix {
    const unsigned char *data;
    Py_ssize_t len;
    size_t bytes;
    int kind;
    uint64_t tail; /* its last eight bytes, when it has eight */
};

struct prefixes {
    Py_ssize_t n;
    struct prefix *p;
    /* When every prefix is Latin-1: the bytes they all start with, and the byte that follows those
     * in each. Nearly every path fails a test against these and is compared with no prefix. */
    size_t common;
    uint64_t common_tail; /* the last eight bytes of the common part, when it has eight */
    int filter, any_next;
    unsigned char next[256];
};

/* Fill pre from a tuple of str. Returns 1, 0 when the tuple holds something else, or -1 with an
 * exception. Release with PyMem_Free(pre->p) in every case. */
static int
prepare_prefixes(PyObject *tuple, struct prefixes *pre)
{
    Py_ssize_t k, n = PyTuple_GET_SIZE(tuple);
    pre->n = 0;
    pre->p = PyMem_Malloc((size_t)(n > 0 ? n : 1) * sizeof *pre->p);
    if (pre->p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (k = 0; k < n; k++) {
        PyObject *str = PyTuple_GET_ITEM(tuple, k);
        struct prefix *p = &pre->p[k];
        if (!PyUnicode_Check(str)) return 0;
#if PY_VERSION_HEX < 0x030c0000
        if (PyUnicode_READY(str) < 0) return -1;
#endif
        p->data = PyUnicode_DATA(str);
        p->len = PyUnicode_GET_LENGTH(str);
        p->kind = PyUnicode_KIND(str);
        p->bytes = (size_t)p->len * (size_t)p->kind;
        p->tail = p->bytes >= 8 ? load_le64(p->data + p->bytes - 8) : 0;
        pre->n = k + 1;
    }
    pre->filter = n > 0;
    pre->common = n > 0 ? pre->p[0].bytes : 0;
    pre->any_next = 0;
    memset(pre->next, 0, sizeof pre->next);
    for (k = 0; k < n; k++) {
        const struct prefix *p = &pre->p[k];
        size_t c = 0;
        if (p->kind != PyUnicode_1BYTE_KIND) pre->filter = 0;
        while (c < pre->common && c < p->bytes && p->data[c] == pre->p[0].data[c]) c++;
        pre->common = c;
    }
    pre->common_tail = pre->filter && pre->common >= 8 ? load_le64(pre->p[0].data + pre->common - 8) : 0;
    for (k = 0; k < n; k++) {
        const struct prefix *p = &pre->p[k];
        if (p->bytes > pre->common) {
            pre->next[p->data[pre->common]] = 1;
        } else {
            pre->any_next = 1; /* this prefix is the common part itself */
        }
    }
    return 1;
}

/* Does path start with one of the prefixes? The last eight bytes of a prefix are compared first:
 * paths mostly start alike ("/tmp/...", "/home/..."), end differently. */
HOT int
has_prefix(struct chars path, const struct prefixes *pre)
{
    Py_ssize_t k, i, n = path.len;
    int kind = path.kind;
    const unsigned char *data = path.data;
    if (pre->filter && kind == PyUnicode_1BYTE_KIND) {
        /* cheapest tests first: the end of the common part, the byte after it, then all of it */
        size_t c = pre->common;
        if ((size_t)n < c || (c >= 8 && load_le64(data + c - 8) != pre->common_tail)) return 0;
        if (!pre->any_next && ((size_t)n == c || !pre->next[data[c]])) return 0;
        if (memcmp(data, pre->p[0].data, c) != 0) return 0;
    }
    for (k = 0; k < pre->n; k++) {
        const struct prefix *p = &pre->p[k];
        if (n < p->len) continue;
        if (p->kind == kind) {
            if (p->bytes >= 8 && load_le64(data + p->bytes - 8) != p->tail) continue;
            if (memcmp(data, p->data, p->bytes) == 0) return 1;
            continue;
        }
        for (i = 0; i < p->len && PyUnicode_READ(kind, data, i) == PyUnicode_READ(p->kind, p->data, i); i++) {
        }
        if (i == p->len) return 1;
    }
    return 0;
}

/* {"op":"<op>","path": for each op, padded: copied with one fixed-size memcpy */
static char op_head[N_OPS][32];
static size_t op_head_len[N_OPS];

static void
init_op_heads(void)
{
    int i;
    for (i = 0; i < N_OPS; i++) {
        op_head_len[i] = (size_t)snprintf(op_head[i], sizeof op_head[i], "{\"op\":\"%s\",\"path\":", op_text[i]);
    }
}

/* A joined entry's head ("<cwd>/"), prepared once for all the entries that share it (see
 * add_joined): its JSON text, and which of roar's own directories can hold paths under it. Such an
 * entry is then written as head text + the path's own characters, with no copy of the two into one
 * buffer and no rescan of the head per entry. Byte for byte what put_entry makes of the joined path
 * given whole: a pattern that needs normalising lies in the head (checked here) or the path, or it
 * is the head's final '/' before a path starting "./", "../", "." or ".." (joined_path_plain). */
struct joined_head {
    PyObject *head;      /* the head prepared (borrowed from the entries), or NULL */
    int plain;           /* 0: entries with this head are joined (entry_chars) and written whole */
    int all_own;         /* a prefix covers the head: every path under it is left out */
    char *text;          /* the head as put_path_chars writes it (PyMem), text_len bytes */
    size_t text_len;
    Py_ssize_t n_rest;   /* prefixes longer than the head that start with it: what follows the head */
    struct chars rest[8];
};

static void
joined_head_clear(struct joined_head *jh)
{
    PyMem_Free(jh->text);
    jh->text = NULL;
    jh->head = NULL;
}

/* Prepare jh for head (Latin-1, ending in '/'). Returns 0, or -1 with MemoryError. */
static int
joined_head_prepare(struct joined_head *jh, PyObject *head, const struct prefixes *pre)
{
    const unsigned char *h = PyUnicode_1BYTE_DATA(head);
    Py_ssize_t hn = PyUnicode_GET_LENGTH(head), k;
    struct chars body = {h, hn - 1, PyUnicode_1BYTE_KIND};
    char *end;
    joined_head_clear(jh);
    jh->head = head;
    jh->plain = 0;
    jh->all_own = 0;
    jh->n_rest = 0;
    if (hn < 2 || h[hn - 1] != '/' || pre->n > (Py_ssize_t)(sizeof jh->rest / sizeof jh->rest[0])) return 0;
    for (k = 0; k < pre->n; k++) {
        const struct prefix *p = &pre->p[k];
        if (p->kind != PyUnicode_1BYTE_KIND) return 0;
        if (p->len <= hn) {
            if (memcmp(p->data, h, (size_t)p->len) == 0) jh->all_own = 1;
        } else if (memcmp(p->data, h, (size_t)hn) == 0) {
            struct chars r = {p->data + hn, p->len - hn, PyUnicode_1BYTE_KIND};
            jh->rest[jh->n_rest++] = r;
        }
    }
    jh->text = PyMem_Malloc(12 * (size_t)hn + 1 + 16); /* + 16: copied in whole blocks */
    if (jh->text == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    /* the head without its final '/' (a "//" at the end there would pass unseen), then the '/';
     * body.data[body.len] is that '/', readable as put_path_chars needs */
    end = put_path_chars(jh->text, body);
    if (end == NULL) return 0; /* it needs normalising (or holds a NUL): the slow way, as before */
    *end++ = '/';
    jh->text_len = (size_t)(end - jh->text);
    jh->plain = 1;
    return 0;
}

/* Can path (a joined entry's, under a plain head) be written as head text + its own characters?
 * Not when it starts "./" or "../" or is "." or "..": joined, those need normalising. */
HOT int
joined_path_plain(const unsigned char *t, Py_ssize_t n)
{
    if (n == 0 || t[0] == '/') return 0;
    if (t[0] != '.') return 1;
    if (n == 1 || t[1] == '/') return 0;
    return !(t[1] == '.' && (n == 2 || t[2] == '/'));
}

/* Is head + path (t, n) under one of roar's own directories? */
HOT int
joined_has_prefix(const struct joined_head *jh, const unsigned char *t, Py_ssize_t n)
{
    Py_ssize_t k;
    if (jh->all_own) return 1;
    for (k = 0; k < jh->n_rest; k++) {
        if (n >= jh->rest[k].len && memcmp(t, jh->rest[k].data, (size_t)jh->rest[k].len) == 0) return 1;
    }
    return 0;
}

/* One entry of the files array appended to o (a ',' first unless it is the first):
 * {"op":"<op>","path":<path>,"dest":<dest or null>,"count":<count>}. A joined entry under a plain
 * head comes as jh and its own characters; otherwise jh is NULL and path is the whole path. Returns
 * 0, 1 when a path needs normalising (the caller then leaves the whole list to Python), or -1 with
 * an exception. */
HOT int
put_entry(struct out *o, int op, const struct joined_head *jh, struct chars path, PyObject *dest, long long count)
{
    char *w;
    size_t i, room = 64 + 12 * (size_t)path.len;
    if (jh != NULL) room += 16 + jh->text_len;
    if (dest != NULL) room += 12 * (size_t)PyUnicode_GET_LENGTH(dest);
    if (out_reserve(o, room) < 0) return -1;
    w = o->p + o->len;
    if (o->flushed + o->len > 1) *w++ = ',';
    memcpy(w, op_head[op], sizeof op_head[op]);
    w += op_head_len[op];
    *w++ = '"';
    if (jh != NULL) {
        for (i = 0; i < jh->text_len; i += 16) memcpy(w + i, jh->text + i, 16); /* no call per entry */
        w += jh->text_len;
    }
    if ((w = put_path_chars(w, path)) == NULL) return 1;
    *w++ = '"';
    if (dest == NULL) {
        memcpy(w, ",\"dest\":null", 12);
        w += 12;
    } else {
        memcpy(w, ",\"dest\":", 8);
        w += 8;
        if ((w = put_path(w, str_chars(dest))) == NULL) return 1;
    }
    w += format_count(w, count);
    o->len = (size_t)(w - o->p);
    return 0;
}

/* The finished array as bytes (o->bytes resized to its length, no copy) or, written to fd, the
 * number of bytes written; or NULL. */
static PyObject *
out_finish(struct out *o)
{
    PyObject *result;
    if (out_put(o, "]", 1) < 0) return NULL;
    if (o->fd >= 0) return out_flush(o) < 0 ? NULL : PyLong_FromSize_t(o->flushed);
    if (_PyBytes_Resize(&o->bytes, (Py_ssize_t)o->len) < 0) return NULL;
    result = o->bytes;
    o->bytes = NULL;
    return result;
}

/* The index of an op name, or -1 for a name the recorder never uses. */
static int
op_index(PyObject *op)
{
    int i;
    for (i = 0; i < N_OPS; i++) {
        if (op == op_names[i]) return i;
    }
    for (i = 0; i < N_OPS; i++) {
        if (PyUnicode_CompareWithASCIIString(op, op_text[i]) == 0) return i;
    }
    return -1;
}

static PyObject *
roar_render_files(PyObject *self, PyObject *args)
{
    PyObject *ops, *paths, *dests, *counts, *prefix_tuple, *result = NULL;
    struct out o = OUT_INIT(-1);
    struct prefixes pre;
    Py_ssize_t i, n;
    int rc, fallback = 0;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!:render_files", &PyList_Type, &ops, &PyList_Type, &paths, &PyList_Type,
                          &dests, &PyList_Type, &counts, &PyTuple_Type, &prefix_tuple)) {
        return NULL;
    }
    n = PyList_GET_SIZE(paths);
    if (PyList_GET_SIZE(ops) != n || PyList_GET_SIZE(dests) != n || PyList_GET_SIZE(counts) != n) Py_RETURN_NONE;
    rc = prepare_prefixes(prefix_tuple, &pre);
    if (rc <= 0) {
        fallback = rc == 0;
        goto done;
    }
    {
        /* one allocation for the usual list (nothing to escape): each entry's plain size, plus room
         * for the worst case of the longest one, which every entry reserves below */
        size_t total = 2, longest = 0;
        for (i = 0; i < n; i++) {
            PyObject *path = PyList_GET_ITEM(paths, i), *dest = PyList_GET_ITEM(dests, i);
            size_t len = 0;
            if (PyUnicode_Check(path)) len += (size_t)PyUnicode_GET_LENGTH(path);
            if (dest != Py_None && PyUnicode_Check(dest)) len += (size_t)PyUnicode_GET_LENGTH(dest);
            total += 64 + len;
            if (len > longest) longest = len;
        }
        if (out_reserve(&o, total + 12 * longest) < 0) goto done;
    }
    o.p[o.len++] = '[';
    for (i = 0; i < n; i++) {
        PyObject *op = PyList_GET_ITEM(ops, i), *path = PyList_GET_ITEM(paths, i), *dest = PyList_GET_ITEM(dests, i);
        PyObject *count_obj = PyList_GET_ITEM(counts, i);
        long long count;
        int k;
        if (!PyUnicode_Check(op) || !PyUnicode_Check(path) || !PyLong_Check(count_obj) ||
            (dest != Py_None && !PyUnicode_Check(dest)) || (k = op_index(op)) < 0) {
            fallback = 1;
            goto done;
        }
#if PY_VERSION_HEX < 0x030c0000
        if (PyUnicode_READY(path) < 0 || (dest != Py_None && PyUnicode_READY(dest) < 0)) goto done;
#endif
        if (has_prefix(str_chars(path), &pre)) {
            /* left out, but a path to normalise anywhere sends the whole list to Python, as there */
            if (needs_normalising(str_chars(path)) || (dest != Py_None && needs_normalising(str_chars(dest)))) {
                fallback = 1;
                goto done;
            }
            continue;
        }
        count = PyLong_AsLongLong(count_obj);
        if (count == -1 && PyErr_Occurred()) goto done;
        rc = put_entry(&o, k, NULL, str_chars(path), dest == Py_None ? NULL : dest, count);
        if (rc != 0) {
            fallback = rc > 0;
            goto done;
        }
    }
    result = out_finish(&o);
done:
    PyMem_Free(pre.p);
    Py_XDECREF(o.bytes);
    if (fallback) Py_RETURN_NONE;
    return result;
}

/* render_table(prefixes, fd=-1): render_files of what drain_columns() would return, straight from
 * the table, which is left as it is. At exit that saves copying 20,000 entries into Python lists and
 * freeing them again, for a process that is about to end anyway (after a failed exec the table
 * still holds everything for the real end; a fork child's reset() empties it). With an fd the text
 * goes to it as it is made, through a 64 KB buffer, and the number of bytes written is returned:
 * the shard's file list is megabytes for 20,000 files, each page of it a page fault, and a
 * 1,000,000-entry table would need some 70 MB at once. (None: some has been written; the caller
 * truncates it.) */
static PyObject *
roar_render_table(PyObject *self, PyObject *args)
{
    PyObject *prefix_tuple;
    int fd = -1;
    struct out o;
    struct prefixes pre = {0, NULL};
    struct joined_head jh = {NULL};
    unsigned char joined[PATH_MAX + 1];
    Py_ssize_t k, left, in_group[N_OPS + 1] = {0};
    size_t total = 2, longest = 0;
    PyObject *result = NULL;
    int g, rc, fallback = 0;
    (void)self;
    if (!PyArg_ParseTuple(args, "O|i:render_table", &prefix_tuple, &fd)) return NULL;
    o = (struct out)OUT_INIT(fd < 0 ? -1 : fd);
    if (!PyTuple_Check(prefix_tuple) || (rc = prepare_prefixes(prefix_tuple, &pre)) == 0) {
        PyMem_Free(pre.p);
        PyErr_SetString(PyExc_TypeError, "render_table(prefixes): prefixes must be a tuple of str");
        return NULL;
    }
    if (rc < 0) {
        PyMem_Free(pre.p);
        return NULL;
    }
    BUFFER_LOCK();
    if (settle() < 0) goto done;
    /* the groups of for_each_entry: each op's entries without a dest in op order, then those with
     * one; and, for one bytes object, its size (not read with an fd: the paths' strs lie all over
     * the heap, each read of one a cache miss) */
    for (k = 0; k < n_entries; k++) {
        struct entry *e = &entries[k];
        in_group[e->dest != NULL ? N_OPS : e->op]++;
        if (o.fd < 0) {
            size_t len = (size_t)PyUnicode_GET_LENGTH(e->path);
            if (e->head != NULL) len += (size_t)PyUnicode_GET_LENGTH(e->head);
            if (e->dest != NULL) len += (size_t)PyUnicode_GET_LENGTH(e->dest);
            total += 64 + len;
            if (len > longest) longest = len;
        }
    }
    if (out_reserve(&o, o.fd < 0 ? total + 12 * longest : OUT_BUFFER) < 0) goto done;
    o.p[o.len++] = '[';
    for (g = 0; g <= N_OPS; g++) {
        for (k = 0, left = in_group[g]; left > 0; k++) {
            struct entry *e = &entries[k];
            const struct joined_head *under = NULL;
            struct chars path;
            if ((e->dest != NULL ? N_OPS : e->op) != g) continue;
            left--;
#if defined(__GNUC__) || defined(__clang__)
            if (k + 8 < n_entries) __builtin_prefetch(entries[k + 8].path); /* a str's header, then its text */
#endif
            if (e->head != NULL) {
                if (e->head != jh.head && joined_head_prepare(&jh, e->head, &pre) < 0) goto done;
                path = str_chars(e->path);
                if (jh.plain && joined_path_plain(path.data, path.len) && !joined_has_prefix(&jh, path.data, path.len)) {
                    under = &jh; /* written as the head's text and its own characters */
                }
            }
            if (under == NULL) {
                path = entry_chars(e, joined);
                if (has_prefix(path, &pre)) {
                    if (needs_normalising(path) || (e->dest != NULL && needs_normalising(str_chars(e->dest)))) {
                        fallback = 1;
                        goto done;
                    }
                    continue;
                }
            }
            rc = put_entry(&o, e->op, under, path, e->dest, (long long)e->count);
            if (rc != 0) {
                fallback = rc > 0;
                goto done;
            }
        }
    }
    result = out_finish(&o);
done:
    BUFFER_UNLOCK();
    joined_head_clear(&jh);
    PyMem_Free(pre.p);
    Py_XDECREF(o.bytes);
    if (fallback) Py_RETURN_NONE;
    return result;
}

/* drain_events() -> (spawned, dropped, errors): drain() without the file events, which stay in the
 * table for render_table(). */
static PyObject *
roar_drain_events(PyObject *self, PyObject *unused)
{
    PyObject *out = NULL, *new_spawned, *new_errors;
    (void)self;
    (void)unused;
    if (ensure_buffers() < 0) return NULL;
    new_spawned = PyList_New(0);
    new_errors = PyList_New(0);
    if (new_spawned != NULL && new_errors != NULL) {
        BUFFER_LOCK();
        out = Py_BuildValue("(OnO)", spawned, dropped, errors);
        if (out != NULL) {
            Py_SETREF(spawned, new_spawned);
            Py_SETREF(errors, new_errors);
            new_spawned = new_errors = NULL;
            dropped = 0;
        }
        BUFFER_UNLOCK();
    }
    Py_XDECREF(new_spawned);
    Py_XDECREF(new_errors);
    return out;
}

static PyObject *
roar_reset(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    if (ensure_buffers() < 0) return NULL;
#ifdef Py_GIL_DISABLED
    /* after fork only the forking thread exists, and the lock may have been held by another */
    buffer_lock = (PyMutex){0};
#endif
    clear_entries();
    if (PyList_SetSlice(spawned, 0, PyList_GET_SIZE(spawned), NULL) < 0) return NULL;
    if (PyList_SetSlice(errors, 0, PyList_GET_SIZE(errors), NULL) < 0) return NULL;
    dropped = 0;
    fix_clear(); /* the parent's shard is not this process's */
    cwd_trusted = 0;
    n_pending = 0; /* the forking thread is the only one here, and its call had returned */
    Py_RETURN_NONE;
}

/* sys._getframe without its audit event. Every audit event pays for CPython building an argument
 * tuple and calling each C hook; measured with a hook that only returns 0, that alone makes a
 * sys._getframe loop 1.6-1.85x slower, and libraries (logging, inspect, typing helpers) call it
 * constantly. The shim puts this in place of sys._getframe when the native hook is active (unless
 * ROAR_AUDIT_GETFRAME=1), so roar's own hook never fires for it. Same semantics: depth counts
 * complete frames back from the caller, ValueError when the stack is not deep enough. */
static PyObject *
roar_getframe(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    long depth = 0;
    PyFrameObject *f, *back;
    (void)self;
    if (nargs > 1) {
        PyErr_Format(PyExc_TypeError, "_getframe expected at most 1 argument, got %zd", nargs);
        return NULL;
    }
    if (nargs == 1) {
        depth = PyLong_AsLong(args[0]);
        if (depth == -1 && PyErr_Occurred()) return NULL;
    }
    f = PyEval_GetFrame(); /* borrowed */
    Py_XINCREF(f);
    while (depth > 0 && f != NULL) {
#if PY_VERSION_HEX >= 0x03090000
        back = PyFrame_GetBack(f);
#else
        back = f->f_back;
        Py_XINCREF(back);
#endif
        Py_DECREF(f);
        f = back;
        depth--;
    }
    if (f == NULL) {
        PyErr_SetString(PyExc_ValueError, "call stack is not deep enough");
        return NULL;
    }
    return (PyObject *)f;
}

static PyMethodDef methods[] = {
    {"getframe", (PyCFunction)(void (*)(void))roar_getframe, METH_FASTCALL,
     "getframe([depth]) -> frame: sys._getframe without the audit event."},
    {"install", (PyCFunction)(void (*)(void))roar_install, METH_VARARGS | METH_KEYWORDS,
     "install(limit=1000000): add the audit hook (once per process)."},
    {"drain", roar_drain, METH_NOARGS,
     "drain() -> (files, spawned, dropped, errors): everything recorded so far; clears the buffers."},
    {"drain_columns", roar_drain_columns, METH_NOARGS,
     "drain_columns() -> (([op], [path], [dest], [count]), spawned, dropped, errors): drain() in columns."},
    {"render_files", roar_render_files, METH_VARARGS,
     "render_files(ops, paths, dests, counts, prefixes) -> bytes or None: the shard's files array as JSON,\n"
     "leaving out paths under prefixes; None when a path needs normalising (the caller does it then)."},
    {"render_table", roar_render_table, METH_VARARGS,
     "render_table(prefixes, fd=-1) -> bytes or None: render_files() of what drain_columns() would return,\n"
     "from the recorder's own table, which is left as it is (what the shim does at exit). With an fd:\n"
     "written to it as it is made; returns the number of bytes written, or None (some may have been)."},
    {"drain_events", roar_drain_events, METH_NOARGS,
     "drain_events() -> (spawned, dropped, errors): drain() without the file events (see render_table)."},
    {"reset", roar_reset, METH_NOARGS, "reset(): forget everything recorded (after fork)."},
    {"arm_exit_fix", roar_arm_exit_fix, METH_VARARGS,
     "arm_exit_fix(path, temp, head, tail, code) -> bool: at exit(), when the status differs from code,\n"
     "rewrite the shard at path as head + {\"how\":\"exit\",\"code\":status} + tail (via temp);\n"
     "tail: bytes, or the offset in the file at path where they start (read only then)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_roar_runtime",
    "roar's compiled audit hook: records file and process events for the shim.", -1, methods,
};

static PyObject *
intern(const char *s)
{
    PyObject *o = PyUnicode_InternFromString(s);
    return o;
}

PyMODINIT_FUNC
PyInit__roar_runtime(void)
{
    PyObject *m = PyModule_Create(&moduledef);
    int i;
    if (m == NULL) return NULL;
    for (i = 0; i < N_OPS; i++) {
        if ((op_names[i] = intern(op_text[i])) == NULL) {
            Py_DECREF(m);
            return NULL;
        }
    }
    init_char_class();
    init_op_heads();
#ifdef Py_GIL_DISABLED
    /* safe without the GIL (buffer_lock); otherwise importing it would re-enable the GIL and warn */
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
#endif
    if (PyModule_AddStringConstant(m, "__version__", ROAR_RUNTIME_VERSION) < 0 ||
        PyModule_AddStringConstant(m, "name", "native") < 0 ||
        PyModule_AddIntConstant(m, "EXIT_FIX", ROAR_HAVE_ON_EXIT) < 0 ||
        PyModule_AddIntConstant(m, "EXIT_FIX_OFFSET", 1) < 0 ||
        PyModule_AddIntConstant(m, "RENDER_TO_FD", 1) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
