"""A small JSON writer for the shard (dict, list, tuple, str, int, float, bool, None).

Importing `json` pulls in `re` and the decoder, and even `_json` is a shared library to load:
milliseconds on every short-lived Python process of a job. Shards are flat and mostly ASCII paths,
so a few lines do. Output is pure ASCII (like json.dumps with ensure_ascii).
"""

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _quote(s):
    # Almost every string in a shard is a printable ASCII path: no escaping needed.
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return '"' + s + '"'
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            code = ord(ch)
            if code > 0xFFFF:  # outside the BMP: a UTF-16 surrogate pair, as JSON wants
                code -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 | (code >> 10), 0xDC00 | (code & 0x3FF)))
            else:
                out.append("\\u%04x" % code)
    out.append('"')
    return "".join(out)


def dumps(value):
    out = []
    _write(value, out.append)
    return "".join(out)


def _write(value, emit):
    if isinstance(value, str):
        emit(_quote(value))
    elif value is None:
        emit("null")
    elif value is True:
        emit("true")
    elif value is False:
        emit("false")
    elif isinstance(value, int):
        emit(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            emit("null")  # JSON has no NaN/Infinity
        else:
            emit(float.__repr__(value))
    elif isinstance(value, dict):
        emit("{")
        first = True
        for key, item in value.items():
            if not first:
                emit(",")
            first = False
            emit(_quote(key if isinstance(key, str) else str(key)))
            emit(":")
            _write(item, emit)
        emit("}")
    elif isinstance(value, (list, tuple)):
        emit("[")
        for i, item in enumerate(value):
            if i:
                emit(",")
            _write(item, emit)
        emit("]")
    else:
        emit(_quote(str(value)))
