/*
 * _roar_runtime: roar's compiled audit hook (the fast path of the shim's recorder).
 *
 * Same interface as _roar_shim/recorder.py's PythonRecorder:
 *   install(limit=1000000)  add the hook (once per process; audit hooks cannot be removed)
 *   drain() -> (files, spawned, dropped, errors), clearing the buffers
 *       files:   [(op, path, dest, count)]   absolute (cwd / dir_fd joined), not normalised
 *       spawned: [(event, executable, argv)]  the event's own objects
 *   drain_columns()         drain() with files as four lists (ops, paths, dests, counts)
 *   reset()                 clear everything (called in a forked child)
 * and, where the C library can report it (glibc's on_exit):
 *   arm_exit_fix(path, temp, head, tail, code)  put the true exit status into the shard at exit
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
};

/* Events without a destination (all but renames) are counted in one dict per op keyed by the path
 * itself: no tuple to build, hash and keep per event. Renames go to `files`, keyed by a tuple. */
#define N_OPS 7
static PyObject *op_files[N_OPS]; /* dict per op: path -> int count */
static PyObject *files = NULL;    /* dict: (op, path, dest) -> int count */
static Py_ssize_t n_entries = 0;  /* distinct entries in all of them */
static PyObject *spawned = NULL;  /* list of (event, executable, argv) */
static PyObject *errors = NULL;   /* list of (where, message) */
static Py_ssize_t dropped = 0;
static Py_ssize_t limit = 1000000;
static int installed = 0;

/* interned op names, created once; op_names[i] is the op of op_files[i] */
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
        default:
            return EV_NONE;
        }
    case 's':
        if (e[1] == 'h') return strcmp(e, "shutil.copyfile") == 0 ? EV_COPYFILE : EV_NONE;
        if (e[1] == 'u') return strcmp(e, "subprocess.Popen") == 0 ? EV_POPEN : EV_NONE;
        return EV_NONE; /* sys._getframe, sys.settrace, socket.*, ... */
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
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd) == NULL) {
            return s; /* cwd gone: keep it relative rather than invent a directory */
        }
        base = PyUnicode_DecodeFSDefault(cwd);
        if (base == NULL) {
            Py_DECREF(s);
            return NULL;
        }
    }
    out = PyUnicode_FromFormat("%U/%U", base, s);
    Py_DECREF(base);
    Py_DECREF(s);
    return out;
}

static int
add_locked(PyObject *dict, PyObject *key)
{
    PyObject *count, *next;
    count = PyDict_GetItemWithError(dict, key); /* borrowed; the lock keeps it alive */
    if (count != NULL) {
        next = PyLong_FromSsize_t(PyLong_AsSsize_t(count) + 1);
    } else if (PyErr_Occurred()) {
        return -1;
    } else if (n_entries < limit) {
        next = PyLong_FromLong(1);
        n_entries++;
    } else {
        dropped++;
        return 0;
    }
    if (next == NULL || PyDict_SetItem(dict, key, next) < 0) {
        Py_XDECREF(next);
        return -1;
    }
    Py_DECREF(next);
    return 0;
}

static int
add(PyObject *op, PyObject *path, PyObject *dest)
{
    PyObject *key, *dict = files;
    int i, rc;
    if (path == NULL) return 0;
    if (dest == NULL) {
        for (i = 0; i < N_OPS; i++) {
            if (op_names[i] == op) {
                dict = op_files[i];
                break;
            }
        }
    }
    if (dict == files) {
        key = PyTuple_Pack(3, op, path, dest ? dest : Py_None);
        if (key == NULL) return -1;
    } else {
        key = path;
        Py_INCREF(key);
    }
    BUFFER_LOCK();
    rc = add_locked(dict, key);
    BUFFER_UNLOCK();
    Py_DECREF(key);
    return rc;
}

/* Every recorded entry as (op, path, dest, count), in op order, then the renames. Called with the
 * buffer lock held; returns 0, or -1 with an exception set. */
static int
for_each_entry(int (*visit)(PyObject *op, PyObject *path, PyObject *dest, PyObject *count, void *arg), void *arg)
{
    PyObject *key, *value;
    Py_ssize_t pos;
    int i;
    for (i = 0; i < N_OPS; i++) {
        pos = 0;
        while (PyDict_Next(op_files[i], &pos, &key, &value)) {
            if (visit(op_names[i], key, Py_None, value, arg) < 0) return -1;
        }
    }
    pos = 0;
    while (PyDict_Next(files, &pos, &key, &value)) {
        if (visit(PyTuple_GET_ITEM(key, 0), PyTuple_GET_ITEM(key, 1), PyTuple_GET_ITEM(key, 2), value, arg) < 0) return -1;
    }
    return 0;
}

static void
clear_entries(void)
{
    int i;
    for (i = 0; i < N_OPS; i++) PyDict_Clear(op_files[i]);
    PyDict_Clear(files);
    n_entries = 0;
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
    if (kind == EV_NONE || files == NULL) {
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
    int i;
    for (i = 0; i < N_OPS; i++) {
        if (op_files[i] == NULL && (op_files[i] = PyDict_New()) == NULL) return -1;
    }
    if (files == NULL && (files = PyDict_New()) == NULL) return -1;
    if (spawned == NULL && (spawned = PyList_New(0)) == NULL) return -1;
    if (errors == NULL && (errors = PyList_New(0)) == NULL) return -1;
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
append_row(PyObject *op, PyObject *path, PyObject *dest, PyObject *count, void *arg)
{
    PyObject *item = PyTuple_Pack(4, op, path, dest, count);
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

static void
fix_exit_status(int status, void *arg)
{
    char code[64];
    int fd, len, ok;
    (void)arg;
    status &= 0xff; /* what the parent's wait() sees */
    if (fix_path == NULL || (long)getpid() != fix_pid || status == fix_code) return;
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
    PyObject *path, *temp;
    const char *head, *tail;
    Py_ssize_t head_len, tail_len;
    int code;
    (void)self;
    if (!PyArg_ParseTuple(args, "O&O&y#y#i:arm_exit_fix", PyUnicode_FSConverter, &path, PyUnicode_FSConverter,
                          &temp, &head, &head_len, &tail, &tail_len, &code)) {
        return NULL;
    }
#if ROAR_HAVE_ON_EXIT
    fix_clear();
    fix_path = copy_bytes(PyBytes_AS_STRING(path), (size_t)PyBytes_GET_SIZE(path));
    fix_temp = copy_bytes(PyBytes_AS_STRING(temp), (size_t)PyBytes_GET_SIZE(temp));
    fix_head = copy_bytes(head, (size_t)head_len);
    fix_tail = copy_bytes(tail, (size_t)tail_len);
    Py_DECREF(path);
    Py_DECREF(temp);
    if (fix_path == NULL || fix_temp == NULL || fix_head == NULL || fix_tail == NULL) {
        fix_clear();
        return PyErr_NoMemory();
    }
    fix_head_len = (size_t)head_len;
    fix_tail_len = (size_t)tail_len;
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
    (void)head; (void)tail; (void)head_len; (void)tail_len; (void)code;
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
put_row(PyObject *op, PyObject *path, PyObject *dest, PyObject *count, void *arg)
{
    struct columns *c = arg;
    PyObject *row[4];
    int k;
    row[0] = op;
    row[1] = path;
    row[2] = dest;
    row[3] = count;
    for (k = 0; k < 4; k++) {
        Py_INCREF(row[k]);
        PyList_SET_ITEM(c->cols[k], c->i, row[k]);
    }
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
    n = PyDict_GET_SIZE(files);
    for (k = 0; k < N_OPS; k++) n += PyDict_GET_SIZE(op_files[k]);
    for (k = 0; k < 4; k++) {
        if ((c.cols[k] = PyList_New(n)) == NULL) {
            BUFFER_UNLOCK();
            goto done;
        }
    }
    for_each_entry(put_row, &c); /* put_row cannot fail, and fills exactly n rows */
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
    {"reset", roar_reset, METH_NOARGS, "reset(): forget everything recorded (after fork)."},
    {"arm_exit_fix", roar_arm_exit_fix, METH_VARARGS,
     "arm_exit_fix(path, temp, head, tail, code) -> bool: at exit(), when the status differs from code,\n"
     "rewrite the shard at path as head + {\"how\":\"exit\",\"code\":status} + tail (via temp)."},
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
#ifdef Py_GIL_DISABLED
    /* safe without the GIL (buffer_lock); otherwise importing it would re-enable the GIL and warn */
    PyUnstable_Module_SetGIL(m, Py_MOD_GIL_NOT_USED);
#endif
    if (PyModule_AddStringConstant(m, "__version__", ROAR_RUNTIME_VERSION) < 0 ||
        PyModule_AddStringConstant(m, "name", "native") < 0 ||
        PyModule_AddIntConstant(m, "EXIT_FIX", ROAR_HAVE_ON_EXIT) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
