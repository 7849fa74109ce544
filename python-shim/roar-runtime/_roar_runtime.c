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

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
 * `entries` keeps insertion order; `slots` holds 1 + an index into it, 0 for a free slot. */
#define N_OPS 7
struct entry {
    PyObject *path; /* owned */
    PyObject *dest; /* owned, or NULL */
    Py_ssize_t count;
    uint64_t hash;
    int op; /* index into op_names */
};
static struct entry *entries = NULL;
static Py_ssize_t n_entries = 0, entries_cap = 0;
static Py_ssize_t *slots = NULL;
static size_t slots_mask = 0;     /* number of slots - 1 (a power of two), 0 before the first entry */
static int ready = 0;             /* install() or drain() set up the buffers: the hook may record */
static PyObject *spawned = NULL;  /* list of (event, executable, argv) */
static PyObject *errors = NULL;   /* list of (where, message) */
static Py_ssize_t dropped = 0;
static Py_ssize_t limit = 1000000;
static int installed = 0;

/* interned op names, created once; an entry's op is an index into op_names */
static PyObject *op_read, *op_write, *op_readwrite, *op_rename, *op_delete, *op_mkdir, *op_rmdir;
static PyObject *op_names[N_OPS];

/* Classify by the name's shape first: almost every hot event fails the first or second test. */
static enum event_kind
classify(const char *e)
{
    switch (e[0]) {
    case 'o':
        if (e[1] == 'p') {
            return strcmp(e, "open") == 0 ? EV_OPEN : EV_NONE;
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
 * kept until something may have changed it: an os.chdir / os.fchdir or ctypes audit event
 * (invalidate_cwd), or a fork (reset). A chdir in another thread could interleave with a relative
 * open here (os.chdir releases the GIL between its audit event and the system call), so the
 * cache is only trusted while this interpreter has one thread; with more, getcwd() runs every
 * time and only the decoding is saved when the directory is unchanged. Free-threaded builds never
 * trust it. Not seen: a C extension calling chdir(2) itself. */
static char cwd_bytes[PATH_MAX];
static size_t cwd_len = 0;
static PyObject *cwd_str = NULL; /* "<cwd>/" for cwd_bytes, or NULL */
static int cwd_trusted = 0;      /* cwd_str is current (single-threaded, no chdir since) */

static void
invalidate_cwd(void)
{
    cwd_trusted = 0;
}

static int
single_thread(void)
{
#ifdef Py_GIL_DISABLED
    return 0;
#else
#if PY_VERSION_HEX >= 0x03090000
    PyThreadState *head = PyInterpreterState_ThreadHead(PyInterpreterState_Get());
#else
    PyThreadState *head = PyInterpreterState_ThreadHead(PyThreadState_Get()->interp);
#endif
    return head != NULL && PyThreadState_Next(head) == NULL;
#endif
}

/* New reference to "<cwd>/", or NULL (with an exception set only on a decoding failure). */
static PyObject *
cwd_prefix(void)
{
    char buf[PATH_MAX];
    size_t n;
    PyObject *decoded, *joined, *out = NULL;
    int single = single_thread();
    if (cwd_trusted && cwd_str != NULL && single) {
        Py_INCREF(cwd_str);
        return cwd_str;
    }
    if (getcwd(buf, sizeof buf) == NULL) {
        return NULL;
    }
    n = strlen(buf);
    BUFFER_LOCK();
    if (cwd_str != NULL && n == cwd_len && memcmp(buf, cwd_bytes, n) == 0) {
        cwd_trusted = single;
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
    cwd_trusted = single;
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

    if (arg == NULL || arg == Py_None || PyLong_Check(arg)) {
        return NULL;
    }
    p = PyOS_FSPath(arg);
    if (p == NULL) {
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

/* A hash of a str's characters (equal strs have the same kind and the same bytes), eight bytes at a
 * time: the table's own, not Python's hash(), which would run SipHash over every new path. */
static uint64_t
str_hash(PyObject *s)
{
    const unsigned char *p = PyUnicode_DATA(s);
    size_t n = (size_t)PyUnicode_GET_LENGTH(s) * (size_t)PyUnicode_KIND(s);
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
    while (n >= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
        p += 8;
        n -= 8;
    }
    if (n > 0) {
        w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

static int
str_equal(PyObject *a, PyObject *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(a);
    return a == b || (n == PyUnicode_GET_LENGTH(b) && PyUnicode_KIND(a) == PyUnicode_KIND(b) &&
                      memcmp(PyUnicode_DATA(a), PyUnicode_DATA(b), (size_t)n * PyUnicode_KIND(a)) == 0);
}

/* Room for one more entry, with the slots at most half full. Returns 0, or -1 with MemoryError. */
static int
table_grow(void)
{
    if (n_entries == entries_cap) {
        Py_ssize_t cap = entries_cap ? entries_cap * 2 : 1024;
        struct entry *e = realloc(entries, (size_t)cap * sizeof *e);
        if (e == NULL) goto nomem;
        entries = e;
        entries_cap = cap;
    }
    if ((size_t)(n_entries + 1) * 2 > slots_mask) {
        size_t size = slots_mask ? (slots_mask + 1) * 2 : 4096, mask = size - 1;
        Py_ssize_t *fresh = calloc(size, sizeof *fresh), i;
        if (fresh == NULL) goto nomem;
        for (i = 0; i < n_entries; i++) {
            size_t j = (size_t)entries[i].hash & mask;
            while (fresh[j] != 0) j = (j + 1) & mask;
            fresh[j] = i + 1;
        }
        free(slots);
        slots = fresh;
        slots_mask = mask;
    }
    return 0;
nomem:
    PyErr_NoMemory();
    return -1;
}

/* Count one (op, path, dest) event; path and dest are borrowed, dest may be NULL. */
static int
add(PyObject *op, PyObject *path, PyObject *dest)
{
    struct entry *e;
    uint64_t h;
    size_t j;
    int i, o = 0, rc = 0;
    if (path == NULL) return 0;
#if PY_VERSION_HEX < 0x030c0000
    if (PyUnicode_READY(path) < 0 || (dest != NULL && PyUnicode_READY(dest) < 0)) return -1;
#endif
    for (i = 0; i < N_OPS; i++) {
        if (op_names[i] == op) {
            o = i;
            break;
        }
    }
    h = str_hash(path) + (uint64_t)o * 0x9e3779b97f4a7c15ULL;
    if (dest != NULL) h ^= str_hash(dest) * 0x85ebca6bULL;
    BUFFER_LOCK();
    if (slots_mask != 0) {
        for (j = (size_t)h & slots_mask; slots[j] != 0; j = (j + 1) & slots_mask) {
            e = &entries[slots[j] - 1];
            if (e->hash == h && e->op == o && str_equal(e->path, path) &&
                (e->dest == dest || (e->dest != NULL && dest != NULL && str_equal(e->dest, dest)))) {
                e->count++;
                BUFFER_UNLOCK();
                return 0;
            }
        }
    }
    if (n_entries >= limit) {
        dropped++;
    } else if ((rc = table_grow()) == 0) {
        e = &entries[n_entries];
        Py_INCREF(path);
        e->path = path;
        Py_XINCREF(dest);
        e->dest = dest;
        e->count = 1;
        e->hash = h;
        e->op = o;
        n_entries++;
        for (j = (size_t)h & slots_mask; slots[j] != 0; j = (j + 1) & slots_mask) {
        }
        slots[j] = n_entries;
    }
    BUFFER_UNLOCK();
    return rc;
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
    /* detach first: a path's deallocation runs no Python code, but keep the table consistent anyway */
    entries = NULL;
    n_entries = entries_cap = 0;
    free(slots);
    slots = NULL;
    slots_mask = 0;
    for (k = 0; k < n; k++) {
        Py_DECREF(old[k].path);
        Py_XDECREF(old[k].dest);
    }
    free(old);
}

static PyObject *
open_op(PyObject *mode, PyObject *flags)
{
    if (mode != NULL && PyUnicode_Check(mode)) {
        Py_ssize_t i, n = PyUnicode_GET_LENGTH(mode);
        int w = 0;
        for (i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ_CHAR(mode, i);
            if (c == '+') return op_readwrite;
            if (c == 'w' || c == 'a' || c == 'x') w = 1;
        }
        return w ? op_write : op_read;
    }
    if (flags != NULL && PyLong_Check(flags)) {
        long f = PyLong_AsLong(flags);
        if (f == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            return op_read;
        }
        switch (f & O_ACCMODE) {
        case O_WRONLY: return op_write;
        case O_RDWR: return op_readwrite;
        default: return op_read;
        }
    }
    return op_read;
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
        if (a != NULL) rc = add(open_op(ARG(1), ARG(2)), a, NULL);
        break;
    case EV_RENAME:
        a = absolute(ARG(0), ARG(2));
        if (a != NULL) {
            b = absolute(ARG(1), ARG(3));
            rc = add(op_rename, a, b);
        }
        break;
    case EV_REMOVE:
        a = absolute(ARG(0), ARG(1));
        rc = add(op_delete, a, NULL);
        break;
    case EV_COPYFILE:
        a = absolute(ARG(0), NULL);
        b = absolute(ARG(1), NULL);
        rc = add(op_read, a, NULL);
        if (rc == 0) rc = add(op_write, b, NULL);
        break;
    case EV_MKDIR:
        a = absolute(ARG(0), ARG(2));
        rc = add(op_mkdir, a, NULL);
        break;
    case EV_RMDIR:
        a = absolute(ARG(0), ARG(1));
        rc = add(op_rmdir, a, NULL);
        break;
    case EV_CHDIR:
        invalidate_cwd();
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
    return rc;
}

static int
hook(const char *event, PyObject *args, void *userData)
{
    enum event_kind kind = classify(event);
    (void)userData;
    if (kind == EV_NONE || !ready) {
        return 0;
    }
    if (record(kind, event, args) < 0 || PyErr_Occurred()) {
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
    limit = lim;
    if (!installed) {
        if (PySys_AddAuditHook(hook, NULL) < 0) return NULL;
        installed = 1;
    }
    Py_RETURN_NONE;
}

static int
append_row(struct entry *e, void *arg)
{
    PyObject *item = Py_BuildValue("(OOOn)", op_names[e->op], e->path, e->dest ? e->dest : Py_None, e->count);
    int rc;
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
    if (for_each_entry(append_row, out_files) < 0) {
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
    PyObject *count = PyLong_FromSsize_t(e->count), *dest = e->dest ? e->dest : Py_None;
    if (count == NULL) return -1;
    Py_INCREF(op_names[e->op]);
    PyList_SET_ITEM(c->cols[0], c->i, op_names[e->op]);
    Py_INCREF(e->path);
    PyList_SET_ITEM(c->cols[1], c->i, e->path);
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
};

static inline int
out_reserve(struct out *o, size_t more)
{
    size_t cap;
    if (o->len + more <= o->cap) return 0;
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

/* The same test as shard.normalise_files' `clean`: "//", "/./", "/../" inside, or a trailing
 * "/", "/." or "/.."; a NUL (which the Python writer uses as a separator) sends it there too. */
#define AT(i) PyUnicode_READ(kind, data, (i))
static int
needs_normalising(PyObject *s)
{
    Py_ssize_t i, n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    const unsigned char *bytes = data;
    Py_UCS4 c;
    if (kind == PyUnicode_1BYTE_KIND) {
        /* eight bytes at a time: only a word with a NUL, or a '/' followed by '/' or '.', is looked
         * at closely (a path in a dot-directory then pays for the byte loop below) */
        const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL, ones = 0x0101010101010101ULL;
        uint64_t x, t, nul, slash, next;
        for (i = 0; i + 8 < n; i += 8) { /* `<`: the byte after the word is there too */
            memcpy(&x, bytes + i, 8);
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
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t low = (x - ones * 0x20) & ~x;                  /* a byte < 0x20 */
    uint64_t high = (x + ones * (0x80 - 0x7f)) | x;         /* a byte >= 0x7f */
    uint64_t quote = x ^ (ones * '"'), slash = x ^ (ones * '\\');
    quote = (quote - ones) & ~quote;                         /* a zero byte: a '"' */
    slash = (slash - ones) & ~slash;                         /* a zero byte: a '\\' */
    return ((low | high | quote | slash) & highs) != 0;
}

/* A path as a quoted JSON string at w (room for 12 bytes per character + 2 reserved by the
 * caller). Returns the end, or NULL when the path needs normalising (see needs_normalising). A
 * Latin-1 path with nothing to escape (almost every path) is checked a word at a time and copied
 * at once. */
static char *
put_path(char *w, PyObject *s)
{
    Py_ssize_t i, n = PyUnicode_GET_LENGTH(s);
    *w++ = '"';
    if (PyUnicode_KIND(s) == PyUnicode_1BYTE_KIND) {
        const unsigned char *b = PyUnicode_1BYTE_DATA(s);
        uint64_t x;
        /* the usual path: no character to escape, checked eight at a time, copied at once */
        for (i = 0; i + 8 <= n; i += 8) {
            memcpy(&x, b + i, 8);
            if (word_needs_escape(x)) break;
        }
        if (i + 8 > n) {
            for (; i < n; i++) {
                if (char_class[b[i]] == 0) break;
            }
        }
        if (i == n) {
            if (needs_normalising(s)) return NULL;
            memcpy(w, b, (size_t)n);
            w += n;
            *w++ = '"';
            return w;
        }
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
        int kind = PyUnicode_KIND(s);
        const void *data = PyUnicode_DATA(s);
        if (needs_normalising(s)) return NULL;
        for (i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= ' ' && c <= '~' && c != '\\' && c != '"') {
                *w++ = (char)c;
            } else {
                w = put_escape(w, c);
            }
        }
    }
    *w++ = '"';
    return w;
}

/* ,"count":<n>} into buf (at least 32 bytes); returns its length */
static int
format_count(char *buf, long long count)
{
    char digits[24];
    int k = 0, len = 0;
    unsigned long long v = count < 0 ? 0ULL - (unsigned long long)count : (unsigned long long)count;
    memcpy(buf, ",\"count\":", 9);
    len = 9;
    if (count < 0) buf[len++] = '-';
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k > 0) buf[len++] = digits[--k];
    buf[len++] = '}';
    return len;
}

static int
has_prefix(PyObject *path, PyObject *prefixes)
{
    Py_ssize_t k;
    for (k = 0; k < PyTuple_GET_SIZE(prefixes); k++) {
        PyObject *pre = PyTuple_GET_ITEM(prefixes, k);
        Py_ssize_t r, m = PyUnicode_GET_LENGTH(pre);
        if (PyUnicode_KIND(pre) == PyUnicode_KIND(path)) {
            if (PyUnicode_GET_LENGTH(path) >= m &&
                memcmp(PyUnicode_DATA(path), PyUnicode_DATA(pre), (size_t)m * PyUnicode_KIND(pre)) == 0) {
                return 1;
            }
            continue;
        }
        r = PyUnicode_Tailmatch(path, pre, 0, PY_SSIZE_T_MAX, -1);
        if (r != 0) return (int)r; /* 1, or -1 with an exception */
    }
    return 0;
}

static PyObject *
roar_render_files(PyObject *self, PyObject *args)
{
    PyObject *ops, *paths, *dests, *counts, *prefixes, *result = NULL;
    struct out o = {NULL, NULL, 0, 0};
    Py_ssize_t i, n, k;
    (void)self;
    if (!PyArg_ParseTuple(args, "O!O!O!O!O!:render_files", &PyList_Type, &ops, &PyList_Type, &paths, &PyList_Type,
                          &dests, &PyList_Type, &counts, &PyTuple_Type, &prefixes)) {
        return NULL;
    }
    n = PyList_GET_SIZE(paths);
    if (PyList_GET_SIZE(ops) != n || PyList_GET_SIZE(dests) != n || PyList_GET_SIZE(counts) != n) Py_RETURN_NONE;
    for (k = 0; k < PyTuple_GET_SIZE(prefixes); k++) {
        if (!PyUnicode_Check(PyTuple_GET_ITEM(prefixes, k))) Py_RETURN_NONE;
    }
    {
        /* one allocation for the usual list (nothing to escape): each entry's plain size, plus room
         * for the worst case of the longest one, which every entry reserves below */
        size_t total = 2, longest = 0;
        for (i = 0; i < n; i++) {
            PyObject *op = PyList_GET_ITEM(ops, i), *path = PyList_GET_ITEM(paths, i), *dest = PyList_GET_ITEM(dests, i);
            size_t len = 0;
            if (PyUnicode_Check(path)) len += (size_t)PyUnicode_GET_LENGTH(path);
            if (dest != Py_None && PyUnicode_Check(dest)) len += (size_t)PyUnicode_GET_LENGTH(dest);
            total += 64 + len + (PyUnicode_Check(op) ? (size_t)PyUnicode_GET_LENGTH(op) : 0);
            if (len > longest) longest = len;
        }
        if (out_reserve(&o, total + 12 * longest) < 0) goto done;
    }
    if (out_put(&o, "[", 1) < 0) goto done;
    for (i = 0; i < n; i++) {
        PyObject *op = PyList_GET_ITEM(ops, i), *path = PyList_GET_ITEM(paths, i), *dest = PyList_GET_ITEM(dests, i);
        PyObject *count_obj = PyList_GET_ITEM(counts, i);
        size_t oplen;
        long long count;
        int own;
        char *w;
        if (!PyUnicode_Check(op) || !PyUnicode_IS_ASCII(op) || !PyUnicode_Check(path) || !PyLong_Check(count_obj) ||
            (dest != Py_None && !PyUnicode_Check(dest))) {
            goto fallback;
        }
        own = has_prefix(path, prefixes);
        if (own < 0) goto done;
        if (own) {
            /* left out, but a path to normalise anywhere sends the whole list to Python, as there */
            if (needs_normalising(path) || (dest != Py_None && needs_normalising(dest))) goto fallback;
            continue;
        }
        count = PyLong_AsLongLong(count_obj);
        if (count == -1 && PyErr_Occurred()) goto done;
        oplen = (size_t)PyUnicode_GET_LENGTH(op);
        if (out_reserve(&o, 64 + oplen + 12 * (size_t)PyUnicode_GET_LENGTH(path) +
                                (dest == Py_None ? 0 : 12 * (size_t)PyUnicode_GET_LENGTH(dest))) < 0) {
            goto done;
        }
        w = o.p + o.len;
        if (o.len > 1) *w++ = ',';
        memcpy(w, "{\"op\":\"", 7);
        w += 7;
        memcpy(w, PyUnicode_DATA(op), oplen);
        w += oplen;
        memcpy(w, "\",\"path\":", 9);
        w += 9;
        if ((w = put_path(w, path)) == NULL) goto fallback;
        memcpy(w, ",\"dest\":", 8);
        w += 8;
        if (dest == Py_None) {
            memcpy(w, "null", 4);
            w += 4;
        } else if ((w = put_path(w, dest)) == NULL) {
            goto fallback;
        }
        w += format_count(w, count);
        o.len = (size_t)(w - o.p);
    }
    if (out_put(&o, "]", 1) < 0) goto done;
    if (_PyBytes_Resize(&o.bytes, (Py_ssize_t)o.len) == 0) {
        result = o.bytes;
        o.bytes = NULL;
    }
done:
    Py_XDECREF(o.bytes);
    return result;
fallback:
    Py_XDECREF(o.bytes);
    Py_RETURN_NONE;
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
    invalidate_cwd();
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
    if (m == NULL) return NULL;
    if ((op_read = intern("read")) == NULL || (op_write = intern("write")) == NULL ||
        (op_readwrite = intern("readwrite")) == NULL || (op_rename = intern("rename")) == NULL ||
        (op_delete = intern("delete")) == NULL || (op_mkdir = intern("mkdir")) == NULL ||
        (op_rmdir = intern("rmdir")) == NULL) {
        Py_DECREF(m);
        return NULL;
    }
    op_names[0] = op_read;
    op_names[1] = op_write;
    op_names[2] = op_readwrite;
    op_names[3] = op_rename;
    op_names[4] = op_delete;
    op_names[5] = op_mkdir;
    op_names[6] = op_rmdir;
    init_char_class();
#ifdef Py_GIL_DISABLED
    /* safe without the GIL (buffer_lock); otherwise importing it would re-enable the GIL and warn */
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
#endif
    if (PyModule_AddStringConstant(m, "__version__", ROAR_RUNTIME_VERSION) < 0 ||
        PyModule_AddStringConstant(m, "name", "native") < 0 ||
        PyModule_AddIntConstant(m, "EXIT_FIX", ROAR_HAVE_ON_EXIT) < 0 ||
        PyModule_AddIntConstant(m, "EXIT_FIX_OFFSET", 1) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
