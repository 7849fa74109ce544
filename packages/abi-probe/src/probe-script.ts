/**
 * The script the interpreter runs (`python -E -s -S -c PROBE_SCRIPT`). It prints one JSON object of
 * raw facts on stdout; the TypeScript side derives the tags, SOABI and the runtime key from them
 * (`identityFromProbeOutput`), so recorded outputs (fixtures, shards) go through the same code.
 *
 * Every cold probe pays for this script, and the goal is <= 1.3x a bare `python -I -S -c pass`
 * (bench/probe.mjs). Measured here, that rules out imports: `sysconfig` costs 5-10 ms (3.12 pulls in
 * `threading`), `json` and `platform` pull in `re`, even `os` is 2-3 ms, and compiling a 200-line
 * `-c` script is 2-4 ms on a loaded machine. So it imports only builtins (`sys`, `posix`, `_imp`) and
 * stays short:
 * - `EXT_SUFFIX` is `_imp.extension_suffixes()[0]` (what `importlib.machinery.EXTENSION_SUFFIXES`
 *   is built from); free-threaded and debug come from `sys.abiflags` (`t`, `d`), which is what
 *   `Py_GIL_DISABLED`/`Py_DEBUG` put there.
 * - `platform.python_version()` is the first word of `sys.version`; `platform.libc_ver()` is
 *   `confstr("CS_GNU_LIBC_VERSION")` on glibc. musl: the loader path in the binary's PT_INTERP.
 * - library paths: what `-S` leaves on `sys.path` (stdlib, lib-dynload) plus the site-packages
 *   `site.py` adds for the venv and its base (Debian dist-packages, `lib64` platlibdir included).
 *   The tests check this covers `sysconfig.get_paths()` for every local interpreter and venv.
 * - `-c` puts the current directory first on `sys.path`; it is dropped before anything is imported,
 *   which with `-E -s -S` is what `-I -S` does, and Python 2 (no `-I`) can still answer
 *   "unsupported" instead of a usage error. The script must therefore parse on Python 2.7.
 */
export const PROBE_SCRIPT_VERSION = 2;

export const PROBE_SCRIPT = String.raw`
import sys
sys.path[:] = [p for p in sys.path if p not in ('', '.')]


def q(s):
    if s.isprintable() and max(s or ' ') < '\x7f':
        return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
    out = []
    for ch in s:
        o = ord(ch)
        if 0x20 <= o < 0x7f:
            out.append('\\' + ch if ch in '"\\' else ch)
        elif o > 0xffff:
            out.append('\\u%04x\\u%04x' % (0xd7c0 + (o >> 10), 0xdc00 + (o & 0x3ff)))
        else:
            out.append('\\u%04x' % o)
    return '"' + ''.join(out) + '"'


def dumps(v):
    if v is None or v is True or v is False:
        return {None: 'null', True: 'true', False: 'false'}[v]
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return '[' + ','.join([dumps(x) for x in v]) + ']'
    if isinstance(v, dict):
        return '{' + ','.join([q(k) + ':' + dumps(x) for k, x in v.items()]) + '}'
    return q(v)


def isdir(p):
    try:
        return o.stat(p).st_mode & 0o170000 == 0o040000
    except OSError:
        return False


def libc(exe, ext):
    if not sys.platform.startswith('linux'):
        return None, None
    try:
        ver = o.confstr('CS_GNU_LIBC_VERSION').split()
        if ver[0] == 'glibc':
            return 'glibc', ver[1]
    except Exception:
        pass
    try:
        with open(exe, 'rb') as f:
            head = f.read(4096)
    except OSError:
        head = b''
    i = head.find(b'/ld-musl-')
    if i < 0:
        return ('musl', None) if '-musl' in ext else (None, None)
    loader = head[head.rfind(b'\x00', 0, i) + 1:head.find(b'\x00', i)].decode()
    try:  # the loader run bare prints "musl libc (x86_64)\nVersion 1.2.4\n..." on stderr
        import subprocess
        err = subprocess.Popen([loader], stderr=subprocess.PIPE).communicate()[1].decode()
        return 'musl', err.split('Version ')[1].split()[0]
    except Exception:
        return 'musl', None


def probe():
    vi = sys.version_info
    global o
    try:
        import posix as o
    except ImportError:
        import nt as o
    import _imp
    impl = sys.implementation
    exe = sys.executable
    flags = getattr(sys, 'abiflags', '')
    suffixes = _imp.extension_suffixes()
    ext = suffixes[0] if suffixes else ''
    version = sys.version.split()[0]
    if version.count('.') == 1:
        version += '.0'
    xy = '%d.%d' % vi[:2]
    prefix, base = sys.prefix, getattr(sys, 'base_prefix', sys.prefix)
    if prefix == base:
        # site.py (skipped by -S) is what moves sys.prefix into a venv: redo its pyvenv.cfg lookup.
        bindir = exe.rpartition('/')[0]
        for d in (bindir, bindir.rpartition('/')[0]):
            try:
                o.stat(d + '/pyvenv.cfg')
                prefix = bindir.rpartition('/')[0]
                break
            except OSError:
                pass
    # The interpreter's own directories: what -S leaves on sys.path (stdlib, lib-dynload), then the
    # site-packages site.py would add for the venv and for its base, Debian's dist-packages and the
    # platlibdir (lib64) variants included; only those that exist.
    lib = getattr(sys, 'platlibdir', 'lib')
    dirs = list(sys.path)
    for pre in (prefix, base):
        for sub in (lib, 'lib'):
            dirs.append('%s/%s/python%s' % (pre, sub, xy))
            dirs.append('%s/%s/python%s/site-packages' % (pre, sub, xy))
        dirs += ['%s/local/lib/python%s/dist-packages' % (pre, xy), '%s/lib/python3/dist-packages' % pre,
                 '%s/lib/python%s/dist-packages' % (pre, xy), '%s/local/lib/python%s/site-packages' % (pre, xy)]
    paths = []
    for d in dirs:
        if d not in paths and isdir(d):
            paths.append(d)
    try:
        machine = o.uname().machine
    except AttributeError:
        import platform
        machine = platform.machine()
    family, libc_version = libc(exe, ext)
    iv = impl.version
    return {
        'probeVersion': ${PROBE_SCRIPT_VERSION},
        'implementation': impl.name,
        'implementationVersion': [iv[0], iv[1], iv[2]],
        'version': version,
        'versionInfo': [vi[0], vi[1], vi[2]],
        'releaseLevel': vi[3],
        'abiflags': flags,
        'extSuffix': ext,
        'extensionSuffixes': suffixes,
        'multiarch': getattr(impl, '_multiarch', None),
        'cacheTag': impl.cache_tag,
        'gilDisabled': 't' in flags,
        'debug': 'd' in flags or hasattr(sys, 'gettotalrefcount'),
        'platform': sys.platform,
        'machine': machine,
        'pointerBits': 64 if sys.maxsize > 2 ** 32 else 32,
        'libc': {'family': family or 'none', 'version': libc_version},
        'prefix': prefix,
        'basePrefix': base,
        'isVirtualEnv': prefix != base,
        'libraryPaths': paths,
        'sysExecutable': exe,
    }


if sys.version_info[0] < 3 or not hasattr(sys, 'implementation'):
    sys.stdout.write('{"unsupported": "Python %d.%d.%d is too old: roar needs Python 3.8 or newer"}\n' % tuple(sys.version_info[:3]))
    sys.exit(0)
try:
    r = probe()
except Exception as e:
    r = {'error': '%s: %s' % (type(e).__name__, e)}
sys.stdout.write(dumps(r) + '\n')
`;
