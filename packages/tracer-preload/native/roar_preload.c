/*
 * roar_preload: an LD_PRELOAD interposer that records which files a process (and every dynamically
 * linked process it starts) opens, writes, renames, removes and executes.
 *
 * All processes of a job append to `preload.log` in ROAR_PRELOAD_LOG_DIR (see "the shared log"
 * below for the file layout). One event per line, fields separated by TAB, with TAB, LF, CR and
 * backslash escaped as \t \n \r \\ ; paths are absolute (relative ones joined to the cwd or dirfd):
 *
 *   proc   <pid> <ppid> start|fork|reopen <unix-time-us> <exe> <argv0> <argv1> ...
 *   <op>   <pid> <path> [<dest>]                 op: read write readwrite rename delete mkdir rmdir
 *                                                    link symlink truncate
 *   exec   <pid> <ppid> <path> <argv0> ...      written before the real exec (it does not return)
 *   spawn  <pid> <ppid> <path> <argv0> ...      posix_spawn: written by the parent <ppid>, after
 *   execfail <pid> <path>                       the exec just recorded failed
 *
 * Design constraints, and why:
 * - The hot path (every open) builds its line on the stack and copies it into a shared mapping:
 *   no syscall, no malloc, no stdio, no locks, so it is safe in signal handlers, between fork and
 *   exec, and in threads, and costs a fraction of the open it records.
 * - errno and return values are the program's: every wrapper saves errno around our work, and
 *   only calls that succeeded are recorded.
 * - Most processes of a job live a millisecond and name no file (`true`, `echo`, `test` in a shell
 *   loop): for them the exec line their parent wrote is the whole record. The exec wrappers tell
 *   the new image so through ROAR_PRELOAD_EXEC (`e<pid>`: this pid's exec was logged; `s<pid>`:
 *   the parent <pid> logs its spawn), which the constructor takes out of the environment again.
 *   Such an image opens the log and announces itself (`proc ... start`) only on its first event.
 *   An image nobody logged (the job's command, children of static binaries, system()/popen(),
 *   which exec inside libc) announces itself in its constructor, so no process goes unrecorded.
 * - Forked and vforked children inherit the mapping and keep appending to it. A forked child
 *   announces itself with a `proc ... fork` line on its first event; most shell children exec at
 *   once and never need one.
 * - A vfork child (posix_spawn, Python's subprocess) shares our memory with its suspended parent,
 *   so before exec it may only append lines, never change state. It is told apart from a fork
 *   child because fork runs our atfork handler and vfork does not.
 * - We never interpose malloc/calloc, so dlsym's internal allocations cannot recurse into us; the
 *   real functions are resolved lazily with atomic loads/stores (a race resolves the same pointer).
 * - Our internal file work uses raw syscalls, never the wrapped functions, so it cannot recurse.
 */
#undef _FORTIFY_SOURCE
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

extern char **environ;

/* glibc's fortified entry points; not declared without _FORTIFY_SOURCE. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

enum { ST_UNINIT = 0, ST_INIT = 1, ST_READY = 2, ST_OFF = 3 };

#define HEADER_TAIL_CAP 8192 /* exe + argv of this image, escaped; longer argv is cut */
#define LINE_CAP (3 * PATH_MAX + 512)
#define EXEC_ARGV_CAP 2048 /* argv summary in an exec line */
#define MAX_ENV_FIX 16384  /* environments larger than this are passed through unchanged */
#define MAX_ENV_MARK 512   /* ... and larger than this get no exec mark (stack depth in any thread) */
#define RAW_PATH (-4242)   /* "dirfd" meaning: log the string as given (symlink targets) */
#define LOG_FD_FLOOR 1000

/* Mutable state that a forked child writes, kept on one cache line: each page of ours a child
 * writes is a copy-on-write fault. */
static struct {
  int state;
  pid_t owner_pid;          /* this process, as of the constructor or the last fork (not vfork) */
  int fork_header_pending;  /* set in a fork child until it has written its proc line */
  int start_pending;        /* this image owes its `proc start` line, due with its first event */
  int fallback;             /* the shared log cannot be mapped: per-process files */
} g_hot __attribute__((aligned(64))) = {ST_UNINIT, 0, 0, 0, 0};
#define g_state g_hot.state
#define g_owner_pid g_hot.owner_pid
#define g_fork_header_pending g_hot.fork_header_pending
#define g_start_pending g_hot.start_pending
#define g_fallback g_hot.fallback
/* The strings below live packed in one pool: every page a short-lived process touches costs a
 * page fault, and most exec'd processes live for a millisecond. */
static char g_pool[2 * PATH_MAX + 64 + HEADER_TAIL_CAP];
static const char *g_log_dir = "";
static const char *g_self_path = "";   /* this library as ld.so loaded it (matches LD_PRELOAD) */
static const char *g_dir_entry = "";   /* "ROAR_PRELOAD_LOG_DIR=<dir>" for rebuilt environments */
static char *g_header_tail = g_pool;   /* "\t<argv0>\t<argv1>...\n" of this image */
static size_t g_header_tail_cap;
static size_t g_header_tail_len;

/* ---------------------------------------------------------------- real functions */

static void *resolve(void **slot, const char *name) {
  void *p = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (UNLIKELY(p == NULL)) {
    p = dlsym(RTLD_NEXT, name);
    __atomic_store_n(slot, p, __ATOMIC_RELEASE);
  }
  return p;
}

#define REAL_DECL(name) static void *real_##name##_slot
#define REAL(name) ((__typeof__(&name))resolve(&real_##name##_slot, #name))

REAL_DECL(open); REAL_DECL(open64); REAL_DECL(openat); REAL_DECL(openat64);
REAL_DECL(__open_2); REAL_DECL(__open64_2); REAL_DECL(__openat_2); REAL_DECL(__openat64_2);
REAL_DECL(creat); REAL_DECL(creat64);
REAL_DECL(fopen); REAL_DECL(fopen64); REAL_DECL(freopen); REAL_DECL(freopen64);
REAL_DECL(rename); REAL_DECL(renameat); REAL_DECL(renameat2);
REAL_DECL(unlink); REAL_DECL(unlinkat); REAL_DECL(remove); REAL_DECL(rmdir);
REAL_DECL(truncate); REAL_DECL(truncate64);
REAL_DECL(mkdir); REAL_DECL(mkdirat);
REAL_DECL(link); REAL_DECL(linkat); REAL_DECL(symlink); REAL_DECL(symlinkat);
REAL_DECL(execve); REAL_DECL(execvpe); REAL_DECL(fexecve);
REAL_DECL(posix_spawn); REAL_DECL(posix_spawnp);
REAL_DECL(fork);

/* ---------------------------------------------------------------- system calls
 *
 * Our own system calls go straight to the kernel: they leave errno alone (failures come back as
 * -errno), and a forked shell child about to exec touches no libc page it would not have touched
 * anyway (each first touch of a page there is a fault, and its children live a millisecond). */

static inline long rsys(long n, long a, long b, long c, long d) {
#if defined(__x86_64__)
  register long r10 __asm__("r10") = d;
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return r;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = n;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory", "cc");
  return x0;
#else
  int saved = errno;
  long r = syscall(n, a, b, c, d);
  if (r == -1) r = -errno;
  errno = saved;
  return r;
#endif
}

#define RSYS0(n) rsys((n), 0, 0, 0, 0)
#define RSYS2(n, a, b) rsys((n), (long)(a), (long)(b), 0, 0)
#define RSYS3(n, a, b, c) rsys((n), (long)(a), (long)(b), (long)(c), 0)
#define RSYS4(n, a, b, c, d) rsys((n), (long)(a), (long)(b), (long)(c), (long)(d))
#define my_pid() ((pid_t)RSYS0(SYS_getpid))
#define my_ppid() ((pid_t)RSYS0(SYS_getppid))
#define raw_close(fd) ((void)rsys(SYS_close, (fd), 0, 0, 0))

/* ---------------------------------------------------------------- small string helpers */

static inline size_t slen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

typedef struct {
  char *buf;
  size_t len, cap;
  int overflow;
} line_t;

/* memcpy and strlen without libc: lines are short, and a shell child's exec line is its only one
 * (see rsys). Built with -fno-tree-loop-distribute-patterns, so these loops stay loops. */
static inline void copy_bytes(char *dst, const char *src, size_t n) {
  for (; n >= 8; n -= 8, dst += 8, src += 8) { /* fixed-size copies compile to plain moves */
    uint64_t w;
    __builtin_memcpy(&w, src, 8);
    __builtin_memcpy(dst, &w, 8);
  }
  for (size_t i = 0; i < n; i++) dst[i] = src[i];
}

static inline void put_raw(line_t *l, const char *s, size_t n) {
  if (l->overflow || l->len + n > l->cap) {
    l->overflow = 1;
    return;
  }
  copy_bytes(l->buf + l->len, s, n);
  l->len += n;
}

static inline void put_char(line_t *l, char c) {
  if (l->overflow || l->len >= l->cap) l->overflow = 1;
  else l->buf[l->len++] = c;
}

/* One pass, one bounds check per character: every path of every event goes through here. On
 * overflow nothing of `s` counts (l->len stays), and callers drop or cut the line. */
static void put_escaped(line_t *l, const char *s) {
  if (l->overflow) return;
  char *d = l->buf + l->len, *end = l->buf + l->cap;
  for (; *s; s++) {
    char c = *s;
    if (LIKELY(!(c == '\t' || c == '\n' || c == '\r' || c == '\\'))) {
      if (UNLIKELY(d == end)) goto full;
      *d++ = c;
      continue;
    }
    char e = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
    if (end - d < 2) goto full;
    d[0] = '\\';
    d[1] = e;
    d += 2;
  }
  l->len = (size_t)(d - l->buf);
  return;
full:
  l->overflow = 1;
}

static void put_uint(line_t *l, unsigned long v) {
  char tmp[24];
  int i = sizeof tmp;
  do {
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put_raw(l, tmp + i, sizeof tmp - i);
}

/* Own loops, not libc's strncmp/strstr: in a forked shell child about to exec, every libc text
 * page touched for the first time is one more page fault. Inputs are short. */
static int same_prefix(const char *s, const char *prefix, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != prefix[i]) return 0;
  return 1;
}


static int contains(const char *hay, const char *needle) {
  size_t n = slen(needle);
  for (; *hay; hay++)
    if (*hay == *needle && same_prefix(hay, needle, n)) return 1;
  return 0;
}

/* Kernel pseudo-files are never artifacts; dropping them here saves a write per open. */
static int is_pseudo(const char *abs) {
  switch (abs[1]) {
    case 'p': return same_prefix(abs, "/proc/", 6);
    case 'd': return same_prefix(abs, "/dev/", 5);
    case 's': return same_prefix(abs, "/sys/", 5);
    default: return 0;
  }
}

static ssize_t raw_readlink(const char *path, char *buf, size_t cap) {
  ssize_t n = RSYS4(SYS_readlinkat, AT_FDCWD, path, buf, cap - 1);
  if (n >= 0) buf[n] = 0;
  return n;
}

/* Base directory for a relative path: the cwd, or what a dirfd points at. */
static int base_dir(int dirfd, char *out, size_t cap) {
  if (dirfd == AT_FDCWD) return RSYS2(SYS_getcwd, out, cap) > 0 ? 0 : -1;
  char link[40];
  line_t l = {link, 0, sizeof link - 1, 0};
  put_raw(&l, "/proc/self/fd/", 14);
  put_uint(&l, (unsigned)dirfd);
  link[l.len] = 0;
  return raw_readlink(link, out, cap) > 0 ? 0 : -1;
}

static int put_joined(line_t *l, const char *base, const char *path) {
  if (is_pseudo(base) || strcmp(base, "/proc") == 0 || strcmp(base, "/dev") == 0) return 0;
  put_escaped(l, base);
  if (!(base[0] == '/' && base[1] == 0)) put_char(l, '/');
  put_escaped(l, path);
  return 1;
}

/* Stack depth costs page faults: in a forked child each newly touched stack page is a
 * copy-on-write fault, several microseconds on a VM, in processes that often live a millisecond.
 * So lines are built in small buffers, and only what does not fit takes these deeper paths. */
static __attribute__((noinline)) int put_path_deep(line_t *l, int dirfd, const char *path) {
  char base[PATH_MAX];
  if (base_dir(dirfd, base, sizeof base) != 0) {
    put_escaped(l, path); /* cwd unreachable (deleted): the reader keeps what it can */
    return 1;
  }
  return put_joined(l, base, path);
}

/* Appends the path made absolute; returns 0 (appending nothing) for a pseudo-file not worth logging. */
static int put_path(line_t *l, int dirfd, const char *path) {
  if (dirfd == RAW_PATH || path[0] == '/') {
    if (dirfd != RAW_PATH && is_pseudo(path)) return 0;
    put_escaped(l, path);
    return 1;
  }
  char base[256]; /* small on purpose: see put_path_deep */
  if (base_dir(dirfd, base, sizeof base) != 0) return put_path_deep(l, dirfd, path);
  return put_joined(l, base, path);
}

/* ---------------------------------------------------------------- the shared log
 *
 * Every process of the job appends to ONE file, `preload.log`, through a MAP_SHARED mapping: a
 * 64-byte header holds an atomic byte counter that every process (exec'd, forked, vforked) bumps
 * to reserve room for a line, then copies the line in. No syscall per event, and what is copied is
 * in the page cache at once, so a process killed with SIGKILL loses nothing it has recorded.
 * The file grows a chunk at a time with fallocate, ahead of the lines written into it, so a full
 * disk drops events (counted in the header) instead of raising SIGBUS in the user's program.
 * Where the mapping cannot be had (no mmap/fallocate on that filesystem), each process falls back
 * to its own `preload-<pid>-<random>.log`, one write() per line.
 */

struct log_head {
  uint64_t magic;     /* MAP_MAGIC */
  uint64_t used;      /* bytes reserved after the header */
  uint64_t allocated; /* file bytes (from 0) backed by fallocate */
  uint64_t dropped;   /* events that found no room */
};

#define MAP_MAGIC 0x0031504c52414f52ULL /* "ROARPL1\0" little-endian */
#define MAP_HEADER 64
#define MAP_CHUNK (1UL << 20)
#define MAP_SIZE (1UL << 30)        /* address space only: the file grows a chunk at a time */
#define MAP_SIZE_LIMITED (16UL << 20) /* under RLIMIT_AS, keep out of the program's budget */

static char *g_map;
static size_t g_map_size;

static unsigned long long random64(void) {
  unsigned long long r = 0;
  if (RSYS3(SYS_getrandom, &r, sizeof r, 1 /* GRND_NONBLOCK */) != (long)sizeof r) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    r = ((unsigned long long)ts.tv_nsec << 20) ^ (unsigned long long)ts.tv_sec ^ ((unsigned long long)my_pid() << 40);
  }
  return r;
}

/* Parks a descriptor we own on a high number, out of the way of programs that assume which
 * small numbers are free (or dup2 onto 3, 4, ...). */
static int park_fd(int fd) {
  int floor = LOG_FD_FLOOR;
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)floor + 16)
    floor = rl.rlim_cur > 64 ? (int)rl.rlim_cur - 16 : fd;
  if (fd < floor) {
    int high = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    if (high >= 0) {
      raw_close(fd);
      fd = high;
    }
  }
  return fd;
}

static int log_path(char *out, size_t cap, pid_t pid /* 0: the shared file */) {
  line_t l = {out, 0, cap - 1, 0};
  put_raw(&l, g_log_dir, slen(g_log_dir));
  if (pid == 0) {
    put_raw(&l, "/preload.log", 12);
  } else {
    put_raw(&l, "/preload-", 9);
    put_uint(&l, (unsigned long)pid);
    put_char(&l, '-');
    unsigned long long r = random64();
    for (int i = 0; i < 12; i++) put_char(&l, "0123456789abcdef"[(r >> (i * 4)) & 15]);
    put_raw(&l, ".log", 4);
  }
  if (l.overflow) return -1;
  out[l.len] = 0;
  return 0;
}

static int fallocate_range(int fd, uint64_t from, uint64_t to) {
  return (int)RSYS4(SYS_fallocate, fd, 0, (off_t)from, (off_t)(to - from));
}

/* Maps the shared log; 0 on success. Touches no page of the mapping before its blocks exist.
 * Threads (or a signal handler) that race here each map it; one mapping wins, the rest go. In a
 * vfork child the mapping lands in the address space it shares with its parent, which keeps it. */
static int open_shared_log(void) {
  char path[PATH_MAX + 64];
  if (log_path(path, sizeof path, 0) != 0) return -1;
  int fd = (int)RSYS4(SYS_openat, AT_FDCWD, path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  size_t size = MAP_SIZE;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) size = MAP_SIZE_LIMITED;
  /* The file only ever grows, through fallocate (which extends it): never ftruncate, which could
   * shrink it under another process's mapping. The mapping may run past the end of the file; we
   * only touch bytes that fallocate has covered, the header page included. */
  struct stat st;
  if (fstat(fd, &st) != 0 || ((uint64_t)st.st_size < MAP_CHUNK && fallocate_range(fd, 0, MAP_CHUNK) != 0)) {
    raw_close(fd);
    return -1;
  }
  void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED) {
    raw_close(fd);
    return -1;
  }
  struct log_head *h = (struct log_head *)map;
  uint64_t cur = 0;
  __atomic_compare_exchange_n(&h->allocated, &cur, MAP_CHUNK, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
  /* No descriptor stays open: nothing for the program to trip over, close or inherit. */
  raw_close(fd);
  __atomic_store_n(&h->magic, MAP_MAGIC, __ATOMIC_RELEASE);
  __atomic_store_n(&g_map_size, size, __ATOMIC_RELAXED); /* every racer computes the same size */
  char *none = NULL;
  if (!__atomic_compare_exchange_n(&g_map, &none, (char *)map, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    munmap(map, size);
  return 0;
}

/* Backs [allocated, end) with blocks, once per MAP_CHUNK of log; 0 when bytes up to `end` may be
 * written. A short-lived descriptor, so this is safe in a vfork child and after closerange(). */
static int ensure_allocated(struct log_head *h, uint64_t end) {
  uint64_t have = __atomic_load_n(&h->allocated, __ATOMIC_ACQUIRE);
  if (end <= have) return 0;
  uint64_t want = (end + MAP_CHUNK - 1) / MAP_CHUNK * MAP_CHUNK;
  if (want > g_map_size) want = g_map_size;
  char path[PATH_MAX + 64];
  if (log_path(path, sizeof path, 0) != 0) return -1;
  int fd = (int)RSYS3(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  int r = fallocate_range(fd, have, want);
  raw_close(fd);
  if (r != 0) return -1;
  uint64_t cur = have;
  while (cur < want && !__atomic_compare_exchange_n(&h->allocated, &cur, want, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
  }
  return 0;
}

static void map_append(char *map, const char *buf, size_t len) {
  struct log_head *h = (struct log_head *)map;
  uint64_t off = __atomic_fetch_add(&h->used, len, __ATOMIC_RELAXED);
  uint64_t end = MAP_HEADER + off + len;
  if (end > g_map_size || ensure_allocated(h, end) != 0) {
    __atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELAXED);
    return;
  }
  char *dst = map + MAP_HEADER + off;
  /* The newline goes in last: a line without it (writer killed mid-copy) is known to be partial. */
  copy_bytes(dst, buf, len - 1);
  __atomic_store_n(dst + len - 1, buf[len - 1], __ATOMIC_RELEASE);
}

/* ------------------------- fallback: a text file per process, one write() per line */

static int g_log_fd = -1;

static int open_log_file(pid_t pid) {
  char path[PATH_MAX + 64];
  if (log_path(path, sizeof path, pid) != 0) return -1;
  int fd = (int)RSYS4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  return fd < 0 ? -1 : park_fd(fd);
}

/* `proc <pid> <ppid> <kind> <time>` + this image's exe and argv. The exe is read here, not in the
 * constructor: most images never write a proc line. */
static size_t proc_line(char *buf, size_t cap, pid_t pid, const char *kind) {
  line_t l = {buf, 0, cap, 0};
  put_raw(&l, "proc\t", 5);
  put_uint(&l, (unsigned long)pid);
  put_char(&l, '\t');
  put_uint(&l, (unsigned long)my_ppid());
  put_char(&l, '\t');
  put_raw(&l, kind, slen(kind));
  put_char(&l, '\t');
  /* Orders the images of one pid (an exec chain) across fallback files. The shared log is in
   * order already, and the first clock_gettime of a process faults in the vDSO data page. */
  if (__atomic_load_n(&g_map, __ATOMIC_ACQUIRE) != NULL) {
    put_char(&l, '0');
  } else {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    put_uint(&l, (unsigned long)ts.tv_sec * 1000000UL + (unsigned long)ts.tv_nsec / 1000UL);
  }
  put_char(&l, '\t');
  char exe[PATH_MAX];
  if (raw_readlink("/proc/self/exe", exe, sizeof exe) > 0) put_escaped(&l, exe);
  put_raw(&l, g_header_tail, g_header_tail_len);
  return l.overflow ? 0 : l.len;
}

#define PROC_LINE_CAP (HEADER_TAIL_CAP + 2 * PATH_MAX + 128)

static __attribute__((noinline)) void write_proc_line(int fd, pid_t pid, const char *kind) {
  char buf[PROC_LINE_CAP];
  size_t n = proc_line(buf, sizeof buf, pid, kind);
  if (n) (void)!write(fd, buf, n);
}

/* Opens this process's file on its first line (kind NULL: the caller announces the process), or
 * replaces a descriptor the program closed; only the owning process may do this. */
static int reopen_log(pid_t pid, int old, const char *kind) {
  int fd = open_log_file(pid);
  if (fd < 0) {
    /* Neither the shared log nor a file of our own: stop trying (one failed open per event). */
    if (old == -1) __atomic_store_n(&g_state, ST_OFF, __ATOMIC_RELEASE);
    return -1;
  }
  if (!__atomic_compare_exchange_n(&g_log_fd, &old, fd, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    raw_close(fd); /* another thread won; its file stays, ours is left empty */
    return old;
  }
  if (kind != NULL) write_proc_line(fd, pid, kind);
  return fd;
}

/* Writes one finished line in fallback mode. `exec_path`: we are about to exec, so a vfork child
 * whose inherited descriptor was closed (close_fds) gets a throwaway file rather than losing it. */
static void write_line(const char *buf, size_t len, pid_t pid, int exec_path) {
  int fd = __atomic_load_n(&g_log_fd, __ATOMIC_ACQUIRE);
  int mine = pid == __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE);
  if (mine && fd < 0) fd = reopen_log(pid, fd, NULL);
  if (fd >= 0 && write(fd, buf, len) >= 0) return;
  if (fd >= 0 && errno != EBADF) return;
  if (mine) {
    fd = reopen_log(pid, fd, "reopen");
    if (fd >= 0) (void)!write(fd, buf, len);
  } else if (exec_path) {
    int tmp = open_log_file(pid);
    if (tmp >= 0) {
      (void)!write(tmp, buf, len);
      raw_close(tmp);
    }
  }
}

/* ------------------------- one entry point for every line */

/* The log is opened (mapped) by the first line of the process that needs it, not at start-up.
 * errno is kept here, where libc calls may change it, so the common path never touches it. */
static void sink_raw(const char *buf, size_t len, pid_t pid, int exec_path) {
  char *map = __atomic_load_n(&g_map, __ATOMIC_ACQUIRE);
  if (LIKELY(map != NULL)) {
    map_append(map, buf, len);
    return;
  }
  int saved = errno;
  if (!__atomic_load_n(&g_fallback, __ATOMIC_ACQUIRE) && open_shared_log() != 0)
    __atomic_store_n(&g_fallback, 1, __ATOMIC_RELEASE);
  map = __atomic_load_n(&g_map, __ATOMIC_ACQUIRE);
  if (map != NULL) map_append(map, buf, len);
  else write_line(buf, len, pid, exec_path);
  errno = saved;
}

static __attribute__((noinline)) void sink_proc_line(pid_t pid, const char *kind) {
  char head[PROC_LINE_CAP];
  size_t n = proc_line(head, sizeof head, pid, kind);
  if (n) sink_raw(head, n, pid, 0);
}

/* An image whose exec its parent logged announces itself with its first event, for its parent
 * pid and exe. Not from a vfork child (it shares our memory, but is not this image's process),
 * and not when the first event is an exec: the exec line tells all there is. */
static __attribute__((noinline)) void announce_start(void) {
  pid_t pid = my_pid();
  if (pid != __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE)) return;
  int expect = 1;
  if (__atomic_compare_exchange_n(&g_start_pending, &expect, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    sink_proc_line(pid, "start");
}

static void sink(line_t *l, pid_t pid, int exec_path) {
  if (UNLIKELY(__atomic_load_n(&g_start_pending, __ATOMIC_ACQUIRE)) && !exec_path) announce_start();
  /* A forked child announces itself before its first event (not when it is about to exec: the
   * new image announces itself, and the exec line already carries the pid). */
  if (UNLIKELY(__atomic_load_n(&g_fork_header_pending, __ATOMIC_ACQUIRE)) &&
      pid == __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE)) {
    int expect = 1;
    if (__atomic_compare_exchange_n(&g_fork_header_pending, &expect, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
        !exec_path)
      sink_proc_line(pid, "fork");
  }
  sink_raw(l->buf, l->len, pid, exec_path);
}

/* Resolve, in the parent, what a forked child will need for its exec: a dlsym in every child of a
 * shell loop costs more (symbol-table page faults) than the exec wrapper itself. */
static void atfork_prepare(void) {
  (void)REAL(execve);
  (void)REAL(execvpe);
  /* Likewise the log: mapped once here, not by every child (a shell loop's children all log). */
  if (__atomic_load_n(&g_state, __ATOMIC_ACQUIRE) == ST_READY && __atomic_load_n(&g_map, __ATOMIC_ACQUIRE) == NULL &&
      !__atomic_load_n(&g_fallback, __ATOMIC_ACQUIRE)) {
    int saved = errno;
    if (open_shared_log() != 0) __atomic_store_n(&g_fallback, 1, __ATOMIC_RELEASE);
    errno = saved;
  }
}

static void atfork_child(void) {
  __atomic_store_n(&g_owner_pid, my_pid(), __ATOMIC_RELEASE);
  __atomic_store_n(&g_start_pending, 0, __ATOMIC_RELEASE); /* the image's start is its parent's to tell */
  __atomic_store_n(&g_fork_header_pending, 1, __ATOMIC_RELEASE);
}

/* The fork handlers are registered by an image that announces itself as it loads, or on its first
 * fork() through us, not by every image: most never fork, and registering touches libc pages (page
 * faults). Not on a first event: that may be in a signal handler. A child forked inside libc
 * (daemon()) by an image that never called fork() logs under its parent's pid. */
static int g_atfork_registered;

static void register_atfork(void) {
  int expect = 0;
  if (__atomic_load_n(&g_atfork_registered, __ATOMIC_ACQUIRE) == 0 &&
      __atomic_compare_exchange_n(&g_atfork_registered, &expect, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    pthread_atfork(atfork_prepare, NULL, atfork_child);
}

/* ---------------------------------------------------------------- initialisation */

/* argv from /proc, for an init that ran before our constructor (another library's constructor
 * opened a file). Its own frame: the buffer is no stack depth for the usual path. */
static __attribute__((noinline)) void put_cmdline(line_t *l) {
  char cmd[HEADER_TAIL_CAP];
  int fd = (int)RSYS3(SYS_openat, AT_FDCWD, "/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t n = read(fd, cmd, sizeof cmd - 1);
  raw_close(fd);
  if (n <= 0) return;
  cmd[n] = 0;
  for (ssize_t at = 0; at < n; at += (ssize_t)slen(cmd + at) + 1) {
    size_t before = l->len;
    put_char(l, '\t');
    put_escaped(l, cmd + at);
    if (l->overflow) { /* keep whole arguments only */
      l->len = before;
      return;
    }
  }
}

/* argv, escaped, for every proc line of this image, copied now: programs that set their process
 * title overwrite their argv strings. argv comes from the constructor's arguments (glibc passes
 * them to ELF constructors) or, when a wrapper ran first, from /proc. */
static void build_header_tail(int argc, char **argv) {
  line_t l = {g_header_tail, 0, g_header_tail_cap - 1, 0};
  if (argv == NULL) put_cmdline(&l);
  for (int i = 0; argv != NULL && i < argc && argv[i] != NULL; i++) {
    size_t before = l.len;
    put_char(&l, '\t');
    put_escaped(&l, argv[i]);
    if (l.overflow) { /* keep whole arguments only */
      l.len = before;
      break;
    }
  }
  l.overflow = 0;
  g_header_tail[l.len++] = '\n';
  g_header_tail_len = l.len;
}

#define MARK_KEY "ROAR_PRELOAD_EXEC="
#define MARK_KEY_LEN 18

struct env_scan {
  const char *dir;  /* ROAR_PRELOAD_LOG_DIR */
  int append;       /* ROAR_PRELOAD_MODE=append forces the fallback, to test it where mmap works */
  char mark_kind;   /* ROAR_PRELOAD_EXEC: 'e' or 's', 0 when absent or unreadable */
  long mark_pid;
};

/* One pass over the environment; takes ROAR_PRELOAD_EXEC out of it, so the program sees the
 * environment it was given. In place, as unsetenv does: environ is ours to edit before main. */
static void scan_env(struct env_scan *out) {
  char **env = environ;
  size_t k = 0;
  for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
    char *e = env[i];
    if (e[0] == 'R' && same_prefix(e, "ROAR_PRELOAD_", 13)) {
      if (same_prefix(e + 13, "LOG_DIR=", 8)) {
        if (out->dir == NULL) out->dir = e + 21; /* the first, as getenv() */
      } else if (same_prefix(e + 13, "MODE=append", 12)) out->append = 1;
      else if (same_prefix(e, MARK_KEY, MARK_KEY_LEN)) {
        const char *v = e + MARK_KEY_LEN;
        long pid = 0;
        int ok = (v[0] == 'e' || v[0] == 's') && v[1] != 0;
        for (const char *d = v + 1; ok && *d; d++) {
          ok = *d >= '0' && *d <= '9' && pid < 100000000L;
          pid = pid * 10 + (*d - '0');
        }
        out->mark_kind = ok ? v[0] : 0;
        out->mark_pid = pid;
        continue; /* dropped from environ */
      }
    }
    env[k++] = e;
  }
  if (env != NULL) env[k] = NULL;
}

/* stpcpy, without a libc page to fault in for it */
static char *put_cstr(char *dst, const char *src) {
  size_t n = slen(src);
  copy_bytes(dst, src, n + 1);
  return dst + n;
}

static int do_init(int argc, char **argv) {
  struct env_scan env = {NULL, 0, 0, 0};
  scan_env(&env);
  const char *dir = env.dir;
  if (dir == NULL || dir[0] != '/' || slen(dir) >= PATH_MAX - 64) return 0;
  char *p = g_pool;
  g_dir_entry = p;
  g_log_dir = p + 21;
  p = put_cstr(put_cstr(p, "ROAR_PRELOAD_LOG_DIR="), dir) + 1;
  Dl_info info;
  if (dladdr((void *)&do_init, &info) && info.dli_fname && slen(info.dli_fname) < PATH_MAX) {
    g_self_path = p;
    p = put_cstr(p, info.dli_fname) + 1;
  }
  g_header_tail = p;
  g_header_tail_cap = (size_t)(g_pool + sizeof g_pool - p);

  pid_t pid = my_pid();
  g_owner_pid = pid;
  g_fallback = env.append;
  build_header_tail(argc, argv);
  /* Was this image's exec logged by the process that made it? Then no log is opened and nothing is
   * written until the image names a file; else it announces itself now, in case it never does. */
  int logged = (env.mark_kind == 'e' && env.mark_pid == pid) ||
               (env.mark_kind == 's' && env.mark_pid == (long)my_ppid());
  if (logged) {
    g_start_pending = 1;
  } else {
    sink_proc_line(pid, "start");
    if (g_map == NULL && g_log_fd < 0) return 0; /* nowhere to log */
    register_atfork();
  }
  return 1;
}

static void init_once(int argc, char **argv) {
  int expect = ST_UNINIT;
  if (!__atomic_compare_exchange_n(&g_state, &expect, ST_INIT, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) return;
  int saved = errno;
  int ok = do_init(argc, argv);
  errno = saved;
  __atomic_store_n(&g_state, ok ? ST_READY : ST_OFF, __ATOMIC_RELEASE);
}

/* Other libraries' constructors may open files before ours runs, hence the lazy check. */
static inline int active(void) {
  int s = __atomic_load_n(&g_state, __ATOMIC_ACQUIRE);
  if (LIKELY(s == ST_READY)) return 1;
  if (s == ST_UNINIT) {
    init_once(0, NULL);
    return __atomic_load_n(&g_state, __ATOMIC_ACQUIRE) == ST_READY;
  }
  return 0;
}

__attribute__((constructor)) static void roar_preload_ctor(int argc, char **argv, char **envp) {
  (void)envp;
  init_once(argc, argv);
}

/* ---------------------------------------------------------------- recording */

static void build_event(line_t *l, const char *op, pid_t pid, int dirfd, const char *path, int dirfd2,
                        const char *dest) {
  put_raw(l, op, slen(op));
  put_char(l, '\t');
  put_uint(l, (unsigned long)pid);
  put_char(l, '\t');
  int keep = put_path(l, dirfd, path);
  if (dest != NULL) {
    put_char(l, '\t');
    keep = put_path(l, dirfd2, dest) || keep;
  }
  put_char(l, '\n');
  if (keep && !l->overflow) sink(l, pid, 0);
}

static __attribute__((noinline)) void build_event_deep(const char *op, pid_t pid, int dirfd, const char *path,
                                                        int dirfd2, const char *dest) {
  char buf[LINE_CAP];
  line_t l = {buf, 0, sizeof buf, 0};
  build_event(&l, op, pid, dirfd, path, dirfd2, dest);
}

static void record2(const char *op, int dirfd, const char *path, int dirfd2, const char *dest) {
  if (path == NULL || !active()) return;
  int saved = errno;
  /* The cached pid, not getpid(): one syscall per event is most of our cost. Only a vfork child
   * (which has not run our atfork handler) would be mislabelled, for opens before its exec. */
  pid_t pid = __atomic_load_n(&g_owner_pid, __ATOMIC_ACQUIRE);
  char buf[512];
  line_t l = {buf, 0, sizeof buf, 0};
  build_event(&l, op, pid, dirfd, path, dirfd2, dest);
  if (l.overflow) build_event_deep(op, pid, dirfd, path, dirfd2, dest);
  errno = saved;
}

static void record(const char *op, int dirfd, const char *path) { record2(op, dirfd, path, 0, NULL); }

static const char *open_op(int flags) {
  int acc = flags & O_ACCMODE;
  if (acc == O_RDWR) return (flags & O_TRUNC) ? "write" : "readwrite";
  if (acc == O_WRONLY || (flags & (O_CREAT | O_TRUNC | O_APPEND))) return "write";
  return "read";
}

static void record_open(int dirfd, const char *path, int flags) {
  /* O_PATH and directory opens neither read nor write content; O_TMPFILE has no name yet. */
  if (flags & (O_PATH | O_DIRECTORY)) return;
  record(open_op(flags), dirfd, path);
}

static const char *fopen_op(const char *mode) {
  if (mode == NULL) return "read";
  int plus = strchr(mode, '+') != NULL;
  switch (mode[0]) {
    case 'w': return "write"; /* w+ truncates: nothing of the old content is read */
    case 'a': return plus ? "readwrite" : "write";
    default: return plus ? "readwrite" : "read";
  }
}

struct exec_rec {
  const char *op; /* "exec": this process execs; "spawn": we spawned process `pid` */
  pid_t pid, ppid, writer;
  int self;       /* we are about to exec (a vfork child, perhaps): no announcement first */
};

static int build_exec(char *buf, size_t cap, const struct exec_rec *r, int dirfd, const char *path,
                      char *const argv[]) {
  line_t l = {buf, 0, cap - 1, 0};
  put_raw(&l, r->op, slen(r->op));
  put_char(&l, '\t');
  put_uint(&l, (unsigned long)r->pid);
  put_char(&l, '\t');
  put_uint(&l, (unsigned long)r->ppid);
  put_char(&l, '\t');
  /* exec of /proc/self/exe is real: only relative paths go through resolution (and its filter) */
  put_path(&l, path[0] == '/' ? RAW_PATH : dirfd, path);
  if (l.overflow) return -1;
  size_t budget = l.len + EXEC_ARGV_CAP;
  for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
    size_t before = l.len;
    put_char(&l, '\t');
    put_escaped(&l, argv[i]);
    if (l.overflow || l.len > budget) { /* keep whole arguments only */
      l.len = before;
      if (l.overflow && cap < PATH_MAX) return -1; /* may fit in the big buffer */
      l.overflow = 0;
      break;
    }
  }
  buf[l.len++] = '\n';
  sink(&l, r->writer, r->self);
  return 0;
}

static __attribute__((noinline)) int build_exec_deep(const struct exec_rec *r, int dirfd, const char *path,
                                                      char *const argv[]) {
  char buf[PATH_MAX * 2 + EXEC_ARGV_CAP + 64];
  return build_exec(buf, sizeof buf, r, dirfd, path, argv);
}

/* Logs an exec (self: this process is about to exec `path`) or a spawned child `child`. Returns
 * our pid when the line was written (the new image may be told it need not announce itself), else 0. */
static pid_t record_exec(pid_t child, int dirfd, const char *path, char *const argv[], int self) {
  if (path == NULL) return 0;
  pid_t me = my_pid(); /* not the cached pid: this may be a vfork child */
  struct exec_rec r = {self ? "exec" : "spawn", self ? me : child, self ? my_ppid() : me, me, self};
  char buf[768];
  int ok = build_exec(buf, sizeof buf, &r, dirfd, path, argv) == 0 || build_exec_deep(&r, dirfd, path, argv) == 0;
  return ok ? me : 0;
}

static __attribute__((noinline)) void record_execfail(const char *path) {
  char buf[PATH_MAX * 2 + 64];
  line_t l = {buf, 0, sizeof buf - 1, 0};
  put_raw(&l, "execfail\t", 9);
  pid_t pid = my_pid();
  put_uint(&l, (unsigned long)pid);
  put_char(&l, '\t');
  put_path(&l, path[0] == '/' ? RAW_PATH : AT_FDCWD, path);
  if (l.overflow) return;
  buf[l.len++] = '\n';
  sink(&l, pid, 1);
}

/* ---------------------------------------------------------------- environment repair */

static size_t env_count(char *const envp[]) {
  size_t n = 0;
  if (envp != NULL)
    while (envp[n] != NULL) n++;
  return n;
}

static const char *env_find(char *const envp[], const char *key, size_t keylen) {
  for (size_t i = 0; envp != NULL && envp[i] != NULL; i++)
    if (same_prefix(envp[i], key, keylen) && envp[i][keylen] == '=') return envp[i];
  return NULL;
}

static size_t ld_buf_size(char *const envp[]) {
  const char *ld = env_find(envp, "LD_PRELOAD", 10);
  return (ld ? slen(ld) : 0) + slen(g_self_path) + 16;
}

/* The environment for an exec: the program's, plus the exec mark for the new image, and with
 * LD_PRELOAD and the log dir put back for programs that rebuild their children's environment from
 * scratch (execve with {NULL}, env -i, sandboxes), which would otherwise drop the tracer. The
 * program's own envp is passed through untouched when there is no room (out_cap 0). */
static char *const *exec_env(char *const envp[], char **out, size_t out_cap, char *ld, size_t ld_cap,
                             const char *mark) {
  if (out_cap == 0) return envp;
  const char *ld_entry = env_find(envp, "LD_PRELOAD", 10);
  int has_lib = g_self_path[0] == 0 || (ld_entry != NULL && contains(ld_entry + 11, g_self_path));
  int has_dir = env_find(envp, "ROAR_PRELOAD_LOG_DIR", 20) != NULL;
  size_t k = 0;
  for (size_t i = 0; envp != NULL && envp[i] != NULL; i++) {
    char *e = envp[i];
    if ((e == ld_entry && !has_lib) || (e[0] == 'R' && same_prefix(e, MARK_KEY, MARK_KEY_LEN))) continue;
    if (k + 4 > out_cap) return envp;
    out[k++] = e;
  }
  if (!has_lib) {
    line_t l = {ld, 0, ld_cap - 1, 0};
    put_raw(&l, "LD_PRELOAD=", 11);
    put_raw(&l, g_self_path, slen(g_self_path));
    if (ld_entry != NULL && ld_entry[11] != 0) {
      put_char(&l, ':');
      put_raw(&l, ld_entry + 11, slen(ld_entry + 11));
    }
    if (l.overflow) return envp;
    ld[l.len] = 0;
    out[k++] = ld;
  }
  if (!has_dir) out[k++] = (char *)g_dir_entry; /* execve never writes to envp strings */
  if (mark != NULL) out[k++] = (char *)mark;
  out[k] = NULL;
  return out;
}

static int env_needs_fix(char *const envp[]) {
  const char *ld_entry = env_find(envp, "LD_PRELOAD", 10);
  return (g_self_path[0] != 0 && (ld_entry == NULL || !contains(ld_entry + 11, g_self_path))) ||
         env_find(envp, "ROAR_PRELOAD_LOG_DIR", 20) == NULL;
}

/* Stack storage for the child's environment, in the caller's frame (a vfork child must not
 * malloc): the program's entries plus what exec_env adds. */
#define FIXED_ENV(envp, var, mark)                                                        \
  int var##_on = __atomic_load_n(&g_state, __ATOMIC_ACQUIRE) == ST_READY;                 \
  size_t var##_n = var##_on ? env_count(envp) : 0;                                        \
  size_t var##_cap = var##_on && var##_n <= (env_needs_fix(envp) ? MAX_ENV_FIX : MAX_ENV_MARK) ? var##_n + 4 : 0; \
  char *var##_arr[var##_cap ? var##_cap : 1];                                             \
  size_t var##_ldcap = var##_cap ? ld_buf_size(envp) : 1;                                 \
  char var##_ld[var##_ldcap];                                                             \
  char *const *var = exec_env(envp, var##_arr, var##_cap, var##_ld, var##_ldcap, mark)

/* `ROAR_PRELOAD_EXEC=<kind><pid>` in `buf` (see the top of this file); NULL for pid 0 (not logged). */
static const char *exec_mark(char *buf, size_t cap, char kind, pid_t pid) {
  if (pid <= 0) return NULL;
  line_t l = {buf, 0, cap - 1, 0};
  put_raw(&l, MARK_KEY, MARK_KEY_LEN);
  put_char(&l, kind);
  put_uint(&l, (unsigned long)pid);
  if (l.overflow) return NULL;
  buf[l.len] = 0;
  return buf;
}

/* What execvp/posix_spawnp will run, for the log only (the real search still happens in libc). */
static const char *search_path(const char *file, char *out, size_t cap) {
  if (file == NULL || file[0] == 0) return NULL;
  if (strchr(file, '/') != NULL) return file;
  const char *p = getenv("PATH");
  if (p == NULL) p = "/bin:/usr/bin";
  for (;;) {
    const char *end = strchr(p, ':');
    size_t seg = end ? (size_t)(end - p) : slen(p);
    line_t l = {out, 0, cap - 1, 0};
    if (seg == 0) put_char(&l, '.');
    else put_raw(&l, p, seg);
    put_char(&l, '/');
    put_raw(&l, file, slen(file));
    if (!l.overflow) {
      out[l.len] = 0;
      struct stat st;
      if (RSYS3(SYS_faccessat, AT_FDCWD, out, X_OK) == 0 && stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return out;
    }
    if (end == NULL) return NULL;
    p = end + 1;
  }
}

/* ---------------------------------------------------------------- open family */

#define NEED(fn, fail)     \
  if (UNLIKELY(fn == NULL)) { \
    errno = ENOSYS;        \
    return fail;           \
  }

#define MODE_ARG(flags, mode)                              \
  mode_t mode = 0;                                         \
  if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) { \
    va_list ap;                                            \
    va_start(ap, flags);                                   \
    mode = (mode_t)va_arg(ap, int);                        \
    va_end(ap);                                            \
  }

EXPORT int open(const char *path, int flags, ...) {
  MODE_ARG(flags, mode);
  __typeof__(&open) real = REAL(open);
  NEED(real, -1);
  int fd = real(path, flags, mode);
  if (fd >= 0) record_open(AT_FDCWD, path, flags);
  return fd;
}

EXPORT int open64(const char *path, int flags, ...) {
  MODE_ARG(flags, mode);
  __typeof__(&open64) real = REAL(open64);
  NEED(real, -1);
  int fd = real(path, flags, mode);
  if (fd >= 0) record_open(AT_FDCWD, path, flags);
  return fd;
}

EXPORT int openat(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags, mode);
  __typeof__(&openat) real = REAL(openat);
  NEED(real, -1);
  int fd = real(dirfd, path, flags, mode);
  if (fd >= 0) record_open(dirfd, path, flags);
  return fd;
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
  MODE_ARG(flags, mode);
  __typeof__(&openat64) real = REAL(openat64);
  NEED(real, -1);
  int fd = real(dirfd, path, flags, mode);
  if (fd >= 0) record_open(dirfd, path, flags);
  return fd;
}

EXPORT int __open_2(const char *path, int flags) {
  __typeof__(&__open_2) real = REAL(__open_2);
  NEED(real, -1);
  int fd = real(path, flags);
  if (fd >= 0) record_open(AT_FDCWD, path, flags);
  return fd;
}

EXPORT int __open64_2(const char *path, int flags) {
  __typeof__(&__open64_2) real = REAL(__open64_2);
  NEED(real, -1);
  int fd = real(path, flags);
  if (fd >= 0) record_open(AT_FDCWD, path, flags);
  return fd;
}

EXPORT int __openat_2(int dirfd, const char *path, int flags) {
  __typeof__(&__openat_2) real = REAL(__openat_2);
  NEED(real, -1);
  int fd = real(dirfd, path, flags);
  if (fd >= 0) record_open(dirfd, path, flags);
  return fd;
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
  __typeof__(&__openat64_2) real = REAL(__openat64_2);
  NEED(real, -1);
  int fd = real(dirfd, path, flags);
  if (fd >= 0) record_open(dirfd, path, flags);
  return fd;
}

EXPORT int creat(const char *path, mode_t mode) {
  __typeof__(&creat) real = REAL(creat);
  NEED(real, -1);
  int fd = real(path, mode);
  if (fd >= 0) record("write", AT_FDCWD, path);
  return fd;
}

EXPORT int creat64(const char *path, mode_t mode) {
  __typeof__(&creat64) real = REAL(creat64);
  NEED(real, -1);
  int fd = real(path, mode);
  if (fd >= 0) record("write", AT_FDCWD, path);
  return fd;
}

/* glibc's fopen opens through an internal symbol that LD_PRELOAD cannot reach: wrap it directly. */
EXPORT FILE *fopen(const char *path, const char *mode) {
  __typeof__(&fopen) real = REAL(fopen);
  NEED(real, NULL);
  FILE *f = real(path, mode);
  if (f != NULL) record(fopen_op(mode), AT_FDCWD, path);
  return f;
}

EXPORT FILE *fopen64(const char *path, const char *mode) {
  __typeof__(&fopen64) real = REAL(fopen64);
  NEED(real, NULL);
  FILE *f = real(path, mode);
  if (f != NULL) record(fopen_op(mode), AT_FDCWD, path);
  return f;
}

EXPORT FILE *freopen(const char *path, const char *mode, FILE *stream) {
  __typeof__(&freopen) real = REAL(freopen);
  NEED(real, NULL);
  FILE *f = real(path, mode, stream);
  if (f != NULL && path != NULL) record(fopen_op(mode), AT_FDCWD, path);
  return f;
}

EXPORT FILE *freopen64(const char *path, const char *mode, FILE *stream) {
  __typeof__(&freopen64) real = REAL(freopen64);
  NEED(real, NULL);
  FILE *f = real(path, mode, stream);
  if (f != NULL && path != NULL) record(fopen_op(mode), AT_FDCWD, path);
  return f;
}

/* ---------------------------------------------------------------- namespace changes */

EXPORT int rename(const char *from, const char *to) {
  __typeof__(&rename) real = REAL(rename);
  NEED(real, -1);
  int r = real(from, to);
  if (r == 0) record2("rename", AT_FDCWD, from, AT_FDCWD, to);
  return r;
}

EXPORT int renameat(int fromfd, const char *from, int tofd, const char *to) {
  __typeof__(&renameat) real = REAL(renameat);
  NEED(real, -1);
  int r = real(fromfd, from, tofd, to);
  if (r == 0) record2("rename", fromfd, from, tofd, to);
  return r;
}

EXPORT int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags) {
  __typeof__(&renameat2) real = REAL(renameat2);
  NEED(real, -1);
  int r = real(fromfd, from, tofd, to, flags);
  if (r == 0) {
    record2("rename", fromfd, from, tofd, to);
    if (flags & RENAME_EXCHANGE) record2("rename", tofd, to, fromfd, from);
  }
  return r;
}

EXPORT int unlink(const char *path) {
  __typeof__(&unlink) real = REAL(unlink);
  NEED(real, -1);
  int r = real(path);
  if (r == 0) record("delete", AT_FDCWD, path);
  return r;
}

EXPORT int unlinkat(int dirfd, const char *path, int flags) {
  __typeof__(&unlinkat) real = REAL(unlinkat);
  NEED(real, -1);
  int r = real(dirfd, path, flags);
  if (r == 0) record((flags & AT_REMOVEDIR) ? "rmdir" : "delete", dirfd, path);
  return r;
}

/* glibc's remove() reaches unlink/rmdir internally, out of our sight. */
EXPORT int remove(const char *path) {
  __typeof__(&remove) real = REAL(remove);
  NEED(real, -1);
  int saved = errno;
  struct stat st;
  int is_dir = path != NULL && lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
  errno = saved;
  int r = real(path);
  if (r == 0) record(is_dir ? "rmdir" : "delete", AT_FDCWD, path);
  return r;
}

EXPORT int rmdir(const char *path) {
  __typeof__(&rmdir) real = REAL(rmdir);
  NEED(real, -1);
  int r = real(path);
  if (r == 0) record("rmdir", AT_FDCWD, path);
  return r;
}

EXPORT int truncate(const char *path, off_t length) {
  __typeof__(&truncate) real = REAL(truncate);
  NEED(real, -1);
  int r = real(path, length);
  if (r == 0) record("truncate", AT_FDCWD, path);
  return r;
}

EXPORT int truncate64(const char *path, off64_t length) {
  __typeof__(&truncate64) real = REAL(truncate64);
  NEED(real, -1);
  int r = real(path, length);
  if (r == 0) record("truncate", AT_FDCWD, path);
  return r;
}

EXPORT int mkdir(const char *path, mode_t mode) {
  __typeof__(&mkdir) real = REAL(mkdir);
  NEED(real, -1);
  int r = real(path, mode);
  if (r == 0) record("mkdir", AT_FDCWD, path);
  return r;
}

EXPORT int mkdirat(int dirfd, const char *path, mode_t mode) {
  __typeof__(&mkdirat) real = REAL(mkdirat);
  NEED(real, -1);
  int r = real(dirfd, path, mode);
  if (r == 0) record("mkdir", dirfd, path);
  return r;
}

EXPORT int link(const char *from, const char *to) {
  __typeof__(&link) real = REAL(link);
  NEED(real, -1);
  int r = real(from, to);
  if (r == 0) record2("link", AT_FDCWD, from, AT_FDCWD, to);
  return r;
}

EXPORT int linkat(int fromfd, const char *from, int tofd, const char *to, int flags) {
  __typeof__(&linkat) real = REAL(linkat);
  NEED(real, -1);
  int r = real(fromfd, from, tofd, to, flags);
  if (r == 0) record2("link", fromfd, from, tofd, to);
  return r;
}

/* A symlink's target is text resolved against the link's directory, not the cwd: log it raw. */
EXPORT int symlink(const char *target, const char *linkpath) {
  __typeof__(&symlink) real = REAL(symlink);
  NEED(real, -1);
  int r = real(target, linkpath);
  if (r == 0) record2("symlink", RAW_PATH, target, AT_FDCWD, linkpath);
  return r;
}

EXPORT int symlinkat(const char *target, int dirfd, const char *linkpath) {
  __typeof__(&symlinkat) real = REAL(symlinkat);
  NEED(real, -1);
  int r = real(target, dirfd, linkpath);
  if (r == 0) record2("symlink", RAW_PATH, target, dirfd, linkpath);
  return r;
}

/* ---------------------------------------------------------------- fork */

/* Only to register the fork handlers in time for the first fork (see register_atfork). */
EXPORT pid_t fork(void) {
  __typeof__(&fork) real = REAL(fork);
  NEED(real, -1);
  if (active()) register_atfork();
  return real();
}

/* ---------------------------------------------------------------- exec family */

static int exec_with(const char *path, char *const argv[], char *const envp[]) {
  __typeof__(&execve) real = REAL(execve);
  NEED(real, -1);
  if (!active()) return real(path, argv, envp);
  /* No errno to keep until the exec fails: nothing on this path changes it (see sink_raw). */
  char mark[40];
  pid_t logged = record_exec(0, AT_FDCWD, path, argv, 1);
  FIXED_ENV(envp, fixed, exec_mark(mark, sizeof mark, 'e', logged));
  int r = real(path, argv, fixed);
  int saved = errno;
  record_execfail(path);
  errno = saved;
  return r;
}

static int execp_with(const char *file, char *const argv[], char *const envp[]) {
  __typeof__(&execvpe) real = REAL(execvpe);
  NEED(real, -1);
  if (!active()) return real(file, argv, envp);
  int saved = errno;
  char found[1024]; /* a longer PATH entry goes unlogged here; the new image still announces itself */
  const char *target = search_path(file, found, sizeof found);
  char mark[40];
  pid_t logged = target != NULL ? record_exec(0, AT_FDCWD, target, argv, 1) : 0;
  FIXED_ENV(envp, fixed, exec_mark(mark, sizeof mark, 'e', logged));
  errno = saved;
  int r = real(file, argv, fixed);
  saved = errno;
  if (target != NULL) record_execfail(target);
  errno = saved;
  return r;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[]) { return exec_with(path, argv, envp); }

EXPORT int execv(const char *path, char *const argv[]) { return exec_with(path, argv, environ); }

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  return execp_with(file, argv, envp);
}

EXPORT int execvp(const char *file, char *const argv[]) { return execp_with(file, argv, environ); }

/* The execl* forms: collect the variadic list into an argv on the stack. glibc declares `arg`
 * nonnull, yet execl(path, NULL) exists in the wild: launder it so the NULL check survives -O2. */
#define COLLECT_ARGS(first, argv, after)                       \
  size_t argc_ = 0;                                            \
  const char *first_ = first;                                  \
  __asm__("" : "+r"(first_));                                  \
  {                                                            \
    va_list ap;                                                \
    va_start(ap, first);                                       \
    if (first_ != NULL) {                                      \
      argc_ = 1;                                               \
      while (va_arg(ap, const char *) != NULL) argc_++;        \
    }                                                          \
    va_end(ap);                                                \
  }                                                            \
  const char *argv[argc_ + 1];                                 \
  {                                                            \
    va_list ap;                                                \
    va_start(ap, first);                                       \
    argv[0] = first_;                                          \
    for (size_t i = 1; i <= argc_; i++) argv[i] = va_arg(ap, const char *); \
    if (argc_ == 0) argv[0] = NULL;                            \
    after;                                                     \
    va_end(ap);                                                \
  }

EXPORT int execl(const char *path, const char *arg, ...) {
  COLLECT_ARGS(arg, argv, (void)0);
  return exec_with(path, (char *const *)argv, environ);
}

EXPORT int execlp(const char *file, const char *arg, ...) {
  COLLECT_ARGS(arg, argv, (void)0);
  return execp_with(file, (char *const *)argv, environ);
}

EXPORT int execle(const char *path, const char *arg, ...) {
  char *const *envp = NULL;
  COLLECT_ARGS(arg, argv, envp = va_arg(ap, char *const *));
  return exec_with(path, (char *const *)argv, envp);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[]) {
  __typeof__(&fexecve) real = REAL(fexecve);
  NEED(real, -1);
  if (!active()) return real(fd, argv, envp);
  int saved = errno;
  char link[40], target[PATH_MAX];
  line_t l = {link, 0, sizeof link - 1, 0};
  put_raw(&l, "/proc/self/fd/", 14);
  put_uint(&l, (unsigned)fd);
  link[l.len] = 0;
  int known = raw_readlink(link, target, sizeof target) > 0 && target[0] == '/';
  char mark[40];
  pid_t logged = known ? record_exec(0, AT_FDCWD, target, argv, 1) : 0;
  FIXED_ENV(envp, fixed, exec_mark(mark, sizeof mark, 'e', logged));
  errno = saved;
  int r = real(fd, argv, fixed);
  saved = errno;
  if (known) record_execfail(target);
  errno = saved;
  return r;
}

/* posix_spawn runs the child through libc's internal exec, so the event is recorded here, in the
 * parent, under the child's pid, once the spawn has succeeded. */
EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                       const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  __typeof__(&posix_spawn) real = REAL(posix_spawn);
  NEED(real, ENOSYS);
  if (!active()) return real(pid, path, actions, attr, argv, envp);
  char mark[40];
  FIXED_ENV(envp, fixed, exec_mark(mark, sizeof mark, 's', my_pid()));
  pid_t child = 0;
  int r = real(&child, path, actions, attr, argv, fixed);
  if (pid != NULL) *pid = child;
  if (r == 0) record_exec(child, AT_FDCWD, path, argv, 0);
  return r;
}

EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                        const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  __typeof__(&posix_spawnp) real = REAL(posix_spawnp);
  NEED(real, ENOSYS);
  if (!active()) return real(pid, file, actions, attr, argv, envp);
  /* Searched before the spawn, as libc will: the child is told whether its spawn gets logged. */
  int saved = errno;
  char found[PATH_MAX];
  const char *target = search_path(file, found, sizeof found);
  errno = saved;
  char mark[40];
  FIXED_ENV(envp, fixed, exec_mark(mark, sizeof mark, 's', target != NULL ? my_pid() : 0));
  pid_t child = 0;
  int r = real(&child, file, actions, attr, argv, fixed);
  if (pid != NULL) *pid = child;
  if (r == 0 && target != NULL) record_exec(child, AT_FDCWD, target, argv, 0);
  return r;
}
