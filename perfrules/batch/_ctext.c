/* perfrules.batch._ctext: the batch path's text kernels in C (optional: where it is not built, the same results
 * come from Arrow and NumPy; tests/test_ctext.py holds the two equal).
 *
 * join(n, parts, allocate) -> (data, offsets: bytes)
 *
 * One line of text per unit, joined from parts in one pass (the audit records).
 * Every one of the n lines is the concatenation of the same sequence of parts:
 *   (0, literal: bytes)                          the same bytes on every line;
 *   (1, offsets, data)                           a text per line: line u's is data[offsets[u]:offsets[u + 1]];
 *   (2, offsets, data, counts, open, sep, close) a run of texts per line: line u's counts[u] texts, those
 *                                                after the runs of the lines before it, written as open,
 *                                                the texts separated by sep, close.
 * offsets are int32 buffers (an Arrow string array's, from its first element), counts an int64 buffer of
 * n; data any bytes-like buffer. allocate(size) returns a writable buffer of at least size bytes for the
 * lines (pyarrow.allocate_buffer: Arrow's pool, whose pages are reused from chunk to chunk; or the record
 * audit's own buffer, AuditWriter.allocate); join asks for 16 bytes more than the lines take, which a short
 * text's copy (one 16-byte word) may write past the last line. The result:
 * that buffer, holding the lines' bytes one after another, and the n + 1 int32 offsets of the lines in
 * it (an Arrow string array's buffers). Every offset and count is checked against its buffer's size
 * first, without the GIL (ValueError), and the bytes are copied without it. The same text as perfrules.batch._records'
 * Arrow path (binary_join over lists, then an element-wise join).
 *
 * parse_decimals(offsets, data, value, places, ok, empty, max_int_digits, max_places) -> scale
 *
 * A column of decimal texts as exact integers (perfrules.batch._cells.parse), when every non-empty cell is
 * plain digits with at most one point between digits ("146", "146.00"); else -1 and nothing is promised
 * of the outputs (the caller parses the column its own way). offsets/data: the column's n + 1 int32
 * offsets and its bytes; value/places (int64) and ok/empty (bool) are writable buffers of n. A cell is
 * ok when it has at most max_places places, at most max_int_digits + max_places + 2 characters, and its
 * value at the scale — the most places of the cells that pass the first two tests — is below
 * 10^(max_int_digits + scale); value is the cell's number times 10^scale (0 when not ok), places its
 * places (0 when not ok). Exactly what Arrow's decimal cast and the checks after it give those cells.
 *
 * split_lines(block, ncols, wanted, allocate) -> (rows, columns, lo, hi, utf8)
 *
 * The records of a CSV block without a quote character as text columns (perfrules.batch._columnar reads
 * a file so instead of through pyarrow's CSV reader: the same columns). block: whole lines, each ended by
 * LF or CRLF (the last one too); every line ncols fields split at each comma, a blank line a record of
 * empty cells (as pyarrow's reader with ignore_empty_lines=False); else ValueError naming the line (a
 * ragged record, a carriage return that is not a CRLF's, a quote character). wanted: the column indices
 * (from 0) to return, in that order; allocate(size) as for join. columns: per wanted column (offsets:
 * bytes, data, shortest, longest), an Arrow string array's n + 1 int32 offsets and bytes, and its
 * shortest and longest cells' lengths; lo and hi: the
 * smallest and largest byte of the first wanted column's cells (256 and -1 when it has none); utf8:
 * whether the whole block is well-formed UTF-8. The fields are found eight bytes at a time and copied
 * without the GIL.
 *
 * first_byte_in(offsets, data, table) -> bool
 *
 * Whether some non-empty text of a string column (n + 1 int32 offsets, its bytes) starts with a byte b
 * that the 256 bytes of table mark (table[b] != 0): the CSV writers' test for a cell that may start a
 * formula (perfrules.batch._write). The offsets are checked against the data first (ValueError).
 *
 * repeats(offsets, data, n, k) -> bool
 *
 * Whether the first n * k texts of a string column (offsets from its first element, its bytes), read as
 * n runs of k, are the first run again and again: each run's k lengths the first run's, and its bytes the
 * first run's bytes (so each text equal): every offset is the one k before it plus the first run's width,
 * and the bytes from the second run on equal the bytes one width before them (one memcmp over the column).
 * A unit's cells repeated by every unit (perfrules.batch._records writes them once;
 * perfrules.batch._vector reads such units' shapes by position). The offsets are checked (ValueError).
 *
 * json_escapes(data, lo, hi) -> bool
 *
 * Whether some byte of data[lo:hi] is a control character (below 0x20), a quote, a backslash or 0x7f: the
 * record audit's test for a column whose texts need more than quotes around them as JSON strings
 * (perfrules.batch._records). Eight bytes at a time, without the GIL; the range is checked (ValueError).
 *
 * format_ints(values, allocate) -> (offsets: bytes, data)
 *
 * str(v) of each int64 of an aligned buffer ("-12", "0"), as an Arrow string array's n + 1 int32
 * offsets and its bytes (allocate as for join): what Arrow's cast of int64 to string writes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    int kind;
    Py_buffer offsets, data, counts, lit, open, sep, close;
    int has_offsets, has_data, has_counts, has_lit, has_open, has_sep, has_close;
    const int32_t *off;
    const int64_t *cnt;
    Py_ssize_t n_off; /* number of offsets */
} Part;

static void part_release(Part *p) {
    if (p->has_offsets) PyBuffer_Release(&p->offsets);
    if (p->has_data) PyBuffer_Release(&p->data);
    if (p->has_counts) PyBuffer_Release(&p->counts);
    if (p->has_lit) PyBuffer_Release(&p->lit);
    if (p->has_open) PyBuffer_Release(&p->open);
    if (p->has_sep) PyBuffer_Release(&p->sep);
    if (p->has_close) PyBuffer_Release(&p->close);
}

static int get_buffer(PyObject *obj, Py_buffer *view, int *flag) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS) < 0) return -1;
    *flag = 1;
    return 0;
}

/* offsets: monotonic, from >= 0, last <= data length, at least `need` + 1 of them; without the GIL
 * (no Python call): 0, or the message of what is wrong */
static const char *bad_offsets(const Part *p, Py_ssize_t need) {
    if (p->offsets.len % 4 != 0 || p->n_off < need + 1) return "join: an offsets buffer is shorter than its texts";
    if (p->off[0] < 0) return "join: a negative offset";
    int back = 0;
    for (Py_ssize_t i = 0; i < need; i++) back |= p->off[i + 1] < p->off[i];
    if (back) return "join: offsets that go back";
    if ((Py_ssize_t)p->off[need] > p->data.len) return "join: an offset beyond its data";
    return NULL;
}

/* the slack join leaves after the lines and that put may write into: a short text is copied as SLACK
 * bytes at once (one load and one store) when its source has that many bytes from it */
#define SLACK 16

static inline char *put(char *w, const char *s, size_t len, const char *end) {
    if (len <= SLACK && s + SLACK <= end) {
        memcpy(w, s, SLACK);
        return w + len;
    }
    memcpy(w, s, len);
    return w + len;
}

/* a literal's bytes with SLACK bytes after them (so put copies it as a short text) */
static char *padded(const Py_buffer *b) {
    char *c = PyMem_RawCalloc((size_t)b->len + SLACK, 1);
    if (c != NULL) memcpy(c, b->buf, (size_t)b->len);
    return c;
}

static PyObject *join(PyObject *self, PyObject *args) {
    Py_ssize_t n;
    PyObject *parts_obj, *allocate;
    if (!PyArg_ParseTuple(args, "nO!O", &n, &PyList_Type, &parts_obj, &allocate)) return NULL;
    if (n < 0 || n > INT32_MAX - 1) {
        PyErr_SetString(PyExc_ValueError, "join: bad number of lines");
        return NULL;
    }
    Py_ssize_t k = PyList_GET_SIZE(parts_obj);
    Part *parts = PyMem_Calloc(k > 0 ? (size_t)k : 1, sizeof(Part));
    /* per part: its literal (kind 0) or open, sep and close (kind 2), padded; its position in its runs */
    char **pad = PyMem_RawCalloc(k > 0 ? (size_t)(3 * k) : 1, sizeof(char *));
    Py_ssize_t *pos = PyMem_RawCalloc(k > 0 ? (size_t)k : 1, sizeof(Py_ssize_t));
    PyObject *result = NULL, *data_obj = NULL, *off_obj = NULL;
    Py_buffer out_view;
    int has_out = 0;
    if (parts == NULL || pad == NULL || pos == NULL) {
        PyErr_NoMemory();
        goto fail;
    }

    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *t = PyList_GET_ITEM(parts_obj, j);
        Part *p = &parts[j];
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) < 2) {
            PyErr_SetString(PyExc_TypeError, "join: a part is a tuple (kind, ...)");
            goto fail;
        }
        p->kind = (int)PyLong_AsLong(PyTuple_GET_ITEM(t, 0));
        if (PyErr_Occurred()) goto fail;
        Py_ssize_t size = PyTuple_GET_SIZE(t);
        if (p->kind == 0 && size == 2) {
            if (get_buffer(PyTuple_GET_ITEM(t, 1), &p->lit, &p->has_lit) < 0) goto fail;
            if ((pad[3 * j] = padded(&p->lit)) == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
        } else if ((p->kind == 1 && size == 3) || (p->kind == 2 && size == 7)) {
            if (get_buffer(PyTuple_GET_ITEM(t, 1), &p->offsets, &p->has_offsets) < 0) goto fail;
            if (get_buffer(PyTuple_GET_ITEM(t, 2), &p->data, &p->has_data) < 0) goto fail;
            if ((uintptr_t)p->offsets.buf % sizeof(int32_t) != 0) {
                PyErr_SetString(PyExc_ValueError, "join: an offsets buffer is not aligned");
                goto fail;
            }
            p->off = (const int32_t *)p->offsets.buf;
            p->n_off = p->offsets.len / 4;
            if (p->kind == 2) {
                if (get_buffer(PyTuple_GET_ITEM(t, 3), &p->counts, &p->has_counts) < 0) goto fail;
                if (get_buffer(PyTuple_GET_ITEM(t, 4), &p->open, &p->has_open) < 0) goto fail;
                if (get_buffer(PyTuple_GET_ITEM(t, 5), &p->sep, &p->has_sep) < 0) goto fail;
                if (get_buffer(PyTuple_GET_ITEM(t, 6), &p->close, &p->has_close) < 0) goto fail;
                if (p->counts.len != n * (Py_ssize_t)sizeof(int64_t)) {
                    PyErr_SetString(PyExc_ValueError, "join: counts are not one per line");
                    goto fail;
                }
                if ((uintptr_t)p->counts.buf % sizeof(int64_t) != 0) {
                    PyErr_SetString(PyExc_ValueError, "join: a counts buffer is not aligned");
                    goto fail;
                }
                p->cnt = (const int64_t *)p->counts.buf;
                if ((pad[3 * j] = padded(&p->open)) == NULL || (pad[3 * j + 1] = padded(&p->sep)) == NULL ||
                    (pad[3 * j + 2] = padded(&p->close)) == NULL) {
                    PyErr_NoMemory();
                    goto fail;
                }
            }
        } else {
            PyErr_SetString(PyExc_TypeError, "join: unknown part");
            goto fail;
        }
    }

    /* checked, then each line's size and offset, without the GIL */
    off_obj = PyBytes_FromStringAndSize(NULL, (n + 1) * 4);
    if (off_obj == NULL) goto fail;
    int32_t *out_off = (int32_t *)PyBytes_AS_STRING(off_obj);
    const char *bad = NULL;
    int64_t at = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t j = 0; j < k && bad == NULL; j++) {
        Part *p = &parts[j];
        if (p->kind == 1) {
            bad = bad_offsets(p, n);
        } else if (p->kind == 2) {
            Py_ssize_t total = 0;
            for (Py_ssize_t u = 0; u < n; u++) {
                if (p->cnt[u] < 0 || p->cnt[u] > INT32_MAX - total) {
                    bad = "join: a bad count";
                    break;
                }
                total += p->cnt[u];
            }
            if (bad == NULL) bad = bad_offsets(p, total);
        }
    }
    if (bad == NULL) {
        out_off[0] = 0;
        for (Py_ssize_t u = 0; u < n; u++) {
            for (Py_ssize_t j = 0; j < k; j++) {
                Part *p = &parts[j];
                if (p->kind == 0) {
                    at += p->lit.len;
                } else if (p->kind == 1) {
                    at += (int64_t)p->off[u + 1] - p->off[u];
                } else {
                    int64_t c = p->cnt[u];
                    at += p->open.len + p->close.len;
                    if (c > 0) {
                        at += (int64_t)p->off[pos[j] + c] - p->off[pos[j]];
                        at += (c - 1) * p->sep.len;
                    }
                    pos[j] += c;
                }
            }
            if (at > INT32_MAX) {
                bad = "join: the lines exceed 2 GiB";
                break;
            }
            out_off[u + 1] = (int32_t)at;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad != NULL) {
        PyErr_SetString(strstr(bad, "2 GiB") ? PyExc_OverflowError : PyExc_ValueError, bad);
        goto fail;
    }
    data_obj = PyObject_CallFunction(allocate, "n", (Py_ssize_t)at + SLACK);
    if (data_obj == NULL) goto fail;
    if (PyObject_GetBuffer(data_obj, &out_view, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto fail;
    has_out = 1;
    if (out_view.len < (Py_ssize_t)at + SLACK) {
        PyErr_SetString(PyExc_ValueError, "join: allocate gave a buffer too small");
        goto fail;
    }

    Py_BEGIN_ALLOW_THREADS
    memset(pos, 0, (size_t)(k > 0 ? k : 1) * sizeof(Py_ssize_t));
    char *w = (char *)out_view.buf;
    for (Py_ssize_t u = 0; u < n; u++) {
        for (Py_ssize_t j = 0; j < k; j++) {
            Part *p = &parts[j];
            if (p->kind == 0) {
                const char *lit = pad[3 * j];
                w = put(w, lit, (size_t)p->lit.len, lit + p->lit.len + SLACK);
            } else if (p->kind == 1) {
                const char *d = (const char *)p->data.buf, *end = d + p->data.len;
                w = put(w, d + p->off[u], (size_t)(p->off[u + 1] - p->off[u]), end);
            } else {
                const char *d = (const char *)p->data.buf, *end = d + p->data.len;
                const char *open = pad[3 * j], *sep = pad[3 * j + 1], *close = pad[3 * j + 2];
                size_t sep_len = (size_t)p->sep.len;
                int64_t c = p->cnt[u];
                const int32_t *o = p->off + pos[j];
                w = put(w, open, (size_t)p->open.len, open + p->open.len + SLACK);
                for (int64_t e = 0; e < c; e++) {
                    if (e) w = put(w, sep, sep_len, sep + sep_len + SLACK);
                    w = put(w, d + o[e], (size_t)(o[e + 1] - o[e]), end);
                }
                w = put(w, close, (size_t)p->close.len, close + p->close.len + SLACK);
                pos[j] += c;
            }
        }
    }
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(2, data_obj, off_obj);

fail:
    if (has_out) PyBuffer_Release(&out_view);
    Py_XDECREF(data_obj);
    Py_XDECREF(off_obj);
    if (parts != NULL)
        for (Py_ssize_t j = 0; j < k; j++) part_release(&parts[j]);
    if (pad != NULL)
        for (Py_ssize_t j = 0; j < 3 * k; j++) PyMem_RawFree(pad[j]);
    PyMem_Free(parts);
    PyMem_RawFree(pad);
    PyMem_RawFree(pos);
    return result;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static PyObject *parse_decimals(PyObject *self, PyObject *args) {
    PyObject *objs[6];
    int max_int, max_places;
    if (!PyArg_ParseTuple(args, "OOOOOOii", &objs[0], &objs[1], &objs[2], &objs[3], &objs[4], &objs[5],
                          &max_int, &max_places))
        return NULL;
    if (max_int < 1 || max_places < 0 || max_int + max_places > 18) {
        PyErr_SetString(PyExc_ValueError, "parse_decimals: digits beyond int64");
        return NULL;
    }
    Py_buffer v[6];
    int got = 0;
    long scale = -2;
    for (; got < 6; got++) {
        int flags = got >= 2 ? PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS : PyBUF_C_CONTIGUOUS;
        if (PyObject_GetBuffer(objs[got], &v[got], flags) < 0) goto done;
    }
    Py_ssize_t n = v[0].len / 4 - 1;
    if (v[0].len % 4 != 0 || n < 0 || (uintptr_t)v[0].buf % 4 || v[2].len != n * 8 || v[3].len != n * 8 ||
        (uintptr_t)v[2].buf % 8 || (uintptr_t)v[3].buf % 8 || v[4].len != n || v[5].len != n ||
        v[4].itemsize != 1 || v[5].itemsize != 1) {
        PyErr_SetString(PyExc_ValueError, "parse_decimals: buffers of the wrong sizes");
        goto done;
    }
    const int32_t *off = (const int32_t *)v[0].buf;
    const char *data = (const char *)v[1].buf;
    int64_t *value = (int64_t *)v[2].buf, *places = (int64_t *)v[3].buf;
    char *ok = (char *)v[4].buf, *empty = (char *)v[5].buf;
    if (n > 0 && (off[0] < 0 || (Py_ssize_t)off[n] > v[1].len)) {
        PyErr_SetString(PyExc_ValueError, "parse_decimals: offsets beyond the data");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (off[i + 1] < off[i]) {
            PyErr_SetString(PyExc_ValueError, "parse_decimals: offsets that go back");
            goto done;
        }
    }
    long max_len = (long)max_int + max_places + 2;
    long top = 0; /* the scale: the most places of the cells within both bounds */
    int plain = 1;
    uint64_t pow10[19];
    pow10[0] = 1;
    for (int e = 1; e < 19; e++) pow10[e] = pow10[e - 1] * 10;
    const uint64_t cap = pow10[18]; /* a cell's digits as one integer, held at this once they reach it */
    Py_BEGIN_ALLOW_THREADS
    /* first pass: every filled cell plain digits (else -1); each cell's places, its digits as one
       integer (value, for now), the scale */
    for (Py_ssize_t i = 0; i < n && plain; i++) {
        const char *c = data + off[i];
        long len = off[i + 1] - off[i];
        empty[i] = len == 0;
        places[i] = 0;
        value[i] = 0;
        if (len == 0) continue;
        uint64_t m = 0;
        long k = 0;
        while (k < len && is_digit(c[k])) {
            m = m < cap ? m * 10 + (uint64_t)(c[k] - '0') : cap;
            k++;
        }
        if (k == 0) {
            plain = 0;
            break;
        }
        long p = 0;
        if (k < len) {
            if (c[k] != '.' || k + 1 == len) {
                plain = 0;
                break;
            }
            long d = k + 1;
            while (d < len && is_digit(c[d])) {
                m = m < cap ? m * 10 + (uint64_t)(c[d] - '0') : cap;
                d++;
            }
            if (d != len) {
                plain = 0;
                break;
            }
            p = len - k - 1;
        }
        places[i] = p;
        value[i] = (int64_t)(m < cap ? m : cap);
        if (p <= max_places && len <= max_len && p > top) top = p;
    }
    if (plain) {
        /* second pass: each cell's number at the scale, and whether it is within the bounds: its digits
           m at p places are below 10^(max_int + scale) at the scale exactly when m < 10^(max_int + p) */
        for (Py_ssize_t i = 0; i < n; i++) {
            long len = off[i + 1] - off[i];
            long p = places[i];
            uint64_t m = (uint64_t)value[i];
            int good = len > 0 && p <= max_places && len <= max_len && m < pow10[max_int + p];
            ok[i] = (char)good;
            value[i] = good ? (int64_t)(m * pow10[top - p]) : 0;
            places[i] = good ? p : 0;
        }
    }
    Py_END_ALLOW_THREADS
    scale = plain ? top : -1;
done:
    for (int j = 0; j < got; j++) PyBuffer_Release(&v[j]);
    if (scale == -2) return NULL;
    return PyLong_FromLong(scale);
}


/* Eight bytes at a time where a word's bytes are in memory order from its low end (little-endian GCC and
 * Clang); else byte by byte. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
#else
#define SWAR 0
#endif

#define ONES UINT64_C(0x0101010101010101)
#define LOW7 UINT64_C(0x7F7F7F7F7F7F7F7F)

/* the high bit of each byte of v that is zero (exact: no carry between bytes) */
static inline uint64_t zero_bytes(uint64_t v) { return ~(((v & LOW7) + LOW7) | v | LOW7); }

/* Whether buf[0:len] is well-formed UTF-8 (The Unicode Standard, Table 3-7: no overlong form, no
 * surrogate, nothing above U+10FFFF) -- what Arrow's and Python's strict UTF-8 validation accept. */
static int valid_utf8(const unsigned char *s, Py_ssize_t len) {
    const unsigned char *e = s + len;
    while (s < e) {
#if SWAR
        if (e - s >= 8) {
            uint64_t v;
            memcpy(&v, s, 8);
            uint64_t high = v & UINT64_C(0x8080808080808080);
            if (!high) {
                s += 8;
                continue;
            }
            s += __builtin_ctzll(high) >> 3; /* the ASCII bytes before the first high one */
        }
#endif
        unsigned char c = *s;
        if (c < 0x80) {
            s++;
            continue;
        }
        Py_ssize_t left = e - s;
        if (c >= 0xC2 && c <= 0xDF) {
            if (left < 2 || (s[1] & 0xC0) != 0x80) return 0;
            s += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            unsigned char lo2 = c == 0xE0 ? 0xA0 : 0x80, hi2 = c == 0xED ? 0x9F : 0xBF;
            if (left < 3 || s[1] < lo2 || s[1] > hi2 || (s[2] & 0xC0) != 0x80) return 0;
            s += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            unsigned char lo2 = c == 0xF0 ? 0x90 : 0x80, hi2 = c == 0xF4 ? 0x8F : 0xBF;
            if (left < 4 || s[1] < lo2 || s[1] > hi2 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
                return 0;
            s += 4;
        } else {
            return 0;
        }
    }
    return 1;
}

/* the bytes that end a field or a line */
static const unsigned char special[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1};

/* split_lines(block, ncols, wanted, allocate) -> (rows, [(offsets: bytes, data, lo, hi, shortest), ...]) */
static PyObject *split_lines(PyObject *self, PyObject *args) {
    Py_buffer in;
    Py_ssize_t ncols;
    PyObject *wanted_obj, *allocate;
    if (!PyArg_ParseTuple(args, "y*nO!O", &in, &ncols, &PyTuple_Type, &wanted_obj, &allocate)) return NULL;
    PyObject *result = NULL, *cols = NULL;
    uint32_t *pos = NULL;
    Py_ssize_t nw = PyTuple_GET_SIZE(wanted_obj);
    Py_ssize_t *want = NULL, *total = NULL;
    Py_buffer *views = NULL;
    PyObject **offs = NULL, **datas = NULL;
    int lo = 256, hi = -1, utf8 = 1;
    Py_ssize_t *shortest = NULL, *longest = NULL;
    Py_ssize_t got = 0;
    const unsigned char *buf = (const unsigned char *)in.buf;
    Py_ssize_t len = in.len;

    if (ncols < 1 || ncols > 4096) {
        PyErr_SetString(PyExc_ValueError, "split_lines: bad number of columns");
        goto done;
    }
    if (len > INT32_MAX - 1) {
        PyErr_SetString(PyExc_OverflowError, "split_lines: a block of 2 GiB or more");
        goto done;
    }
    if (len && buf[len - 1] != '\n') {
        PyErr_SetString(PyExc_ValueError, "split_lines: the block does not end a line");
        goto done;
    }
    want = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(Py_ssize_t));
    total = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(Py_ssize_t));
    shortest = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(Py_ssize_t));
    longest = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(Py_ssize_t));
    views = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(Py_buffer));
    if (!want || !total || !shortest || !longest || !views) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t j = 0; j < nw; j++) {
        want[j] = PyLong_AsSsize_t(PyTuple_GET_ITEM(wanted_obj, j));
        if (want[j] == -1 && PyErr_Occurred()) goto done;
        if (want[j] < 0 || want[j] >= ncols) {
            PyErr_SetString(PyExc_ValueError, "split_lines: a wanted column out of range");
            goto done;
        }
    }
    Py_ssize_t rows = 0;
    {
        const unsigned char *p = buf, *end = buf + len;
        while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            rows++;
            p++;
        }
    }
    /* each row: the start of each field, then one past the end of its last field + 1 (as if a comma
       followed it): field k is [pos[k], pos[k + 1] - 1) */
    size_t stride = (size_t)ncols + 1; /* starts per row */
#define AT(k, r) pos[(size_t)(k) * (size_t)rows + (size_t)(r)]
    if (rows && stride > (size_t)PY_SSIZE_T_MAX / sizeof(uint32_t) / (size_t)rows) {
        PyErr_NoMemory();
        goto done;
    }
    pos = PyMem_RawMalloc(rows ? (size_t)rows * stride * sizeof(uint32_t) : 1);
    if (pos == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t bad = -1; /* the first line (from 0) that is not ncols plain fields */
    int quoted = 0;      /* ... because it holds a quote character */
    Py_BEGIN_ALLOW_THREADS
    {
        Py_ssize_t r = 0, k = 1;
        if (rows) AT(0, 0) = 0;
        Py_ssize_t i = 0;
        /* one special byte at q: a comma ends a field, a line end (LF, or the CR of a CRLF) a row */
#define SPECIAL(q)                                                                      \
    do {                                                                                \
        Py_ssize_t q_ = (q);                                                            \
        unsigned char c_ = buf[q_];                                                     \
        if (c_ == '"') { /* a quote: no record of this reader's (the table is scanned) */ \
            bad = r;                                                                    \
            quoted = 1;                                                                 \
            goto scanned;                                                               \
        }                                                                               \
        if (c_ == ',') {                                                                \
            if (k >= ncols) {                                                           \
                bad = r;                                                                \
                goto scanned;                                                           \
            }                                                                           \
            AT(k, r) = (uint32_t)q_ + 1;                                                \
            k++;                                                                        \
        } else if (c_ == '\r' || q_ == 0 || buf[q_ - 1] != '\r') {                       \
            if (c_ == '\r' && buf[q_ + 1] != '\n') {                                     \
                bad = r;                                                                \
                goto scanned;                                                           \
            }                                                                           \
            if (k == ncols) {                                                           \
                AT(ncols, r) = (uint32_t)q_ + 1;                                        \
            } else if (k == 1 && AT(0, r) == (uint32_t)q_) {                            \
                /* a blank line: a record of empty cells, as pyarrow reads it */        \
                for (Py_ssize_t e_ = 1; e_ <= ncols; e_++) AT(e_, r) = (uint32_t)(q_ + e_); \
            } else {                                                                    \
                bad = r;                                                                \
                goto scanned;                                                           \
            }                                                                           \
            r++;                                                                        \
            k = 1;                                                                      \
            if (r < rows) AT(0, r) = (uint32_t)q_ + (c_ == '\r' ? 2 : 1);                \
        }                                                                               \
    } while (0)
#if SWAR
        for (; i + 8 <= len; i += 8) {
            uint64_t v;
            memcpy(&v, buf + i, 8);
            uint64_t m = zero_bytes(v ^ (ONES * ',')) | zero_bytes(v ^ (ONES * '\n')) |
                         zero_bytes(v ^ (ONES * '\r')) | zero_bytes(v ^ (ONES * '"'));
            while (m) {
                SPECIAL(i + (__builtin_ctzll(m) >> 3));
                m &= m - 1;
            }
        }
#endif
        for (; i < len; i++) {
            if (special[buf[i]]) SPECIAL(i);
        }
#undef SPECIAL
    scanned:;
    }
    if (bad < 0) utf8 = valid_utf8(buf, len);
    if (bad < 0) {
        for (Py_ssize_t j = 0; j < nw; j++) {
            Py_ssize_t c = want[j], t = 0, s = PY_SSIZE_T_MAX, l = 0;
            for (Py_ssize_t r = 0; r < rows; r++) {
                Py_ssize_t w = (Py_ssize_t)AT(c + 1, r) - 1 - AT(c, r);
                t += w;
                if (w < s) s = w;
                if (w > l) l = w;
            }
            total[j] = t;
            shortest[j] = rows ? s : 0;
            longest[j] = l;
        }
    }
    Py_END_ALLOW_THREADS
    if (bad >= 0) {
        if (quoted)
            PyErr_Format(PyExc_ValueError, "split_lines: line %zd of the block holds a quote character",
                         bad + 1);
        else
            PyErr_Format(PyExc_ValueError, "split_lines: line %zd of the block is not %zd plain fields",
                         bad + 1, ncols);
        goto done;
    }
    offs = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(PyObject *));
    datas = PyMem_Calloc(nw > 0 ? (size_t)nw : 1, sizeof(PyObject *));
    if (!offs || !datas) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t j = 0; j < nw; j++) {
        if ((offs[j] = PyBytes_FromStringAndSize(NULL, (rows + 1) * 4)) == NULL) goto done;
        if ((datas[j] = PyObject_CallFunction(allocate, "n", total[j])) == NULL) goto done;
        if (PyObject_GetBuffer(datas[j], &views[j], PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto done;
        got = j + 1;
        if (views[j].len < total[j]) {
            PyErr_SetString(PyExc_ValueError, "split_lines: allocate gave a buffer too small");
            goto done;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t j = 0; j < nw; j++) {
        Py_ssize_t c = want[j];
        int32_t *o = (int32_t *)PyBytes_AS_STRING(offs[j]);
        char *w = (char *)views[j].buf, *w0 = w, *wend = w + total[j];
        o[0] = 0;
        if (j == 0) { /* the first wanted column: its bytes' range too */
            unsigned char mn = 0xff, mx = 0;
            for (Py_ssize_t r = 0; r < rows; r++) {
                const unsigned char *s = buf + AT(c, r), *e = buf + AT(c + 1, r) - 1;
                while (s < e) {
                    unsigned char b = *s++;
                    mn = b < mn ? b : mn;
                    mx = b > mx ? b : mx;
                    *w++ = (char)b;
                }
                o[r + 1] = (int32_t)(w - w0);
            }
            lo = total[j] ? mn : 256;
            hi = total[j] ? mx : -1;
            continue;
        }
        for (Py_ssize_t r = 0; r < rows; r++) {
            const uint32_t from = AT(c, r), size = AT(c + 1, r) - 1 - from;
            if (size <= 8 && from + 8 <= (uint64_t)len && w + 8 <= wend) {
                memcpy(w, buf + from, 8); /* a short field: one word (its room is there) */
                w += size;
            } else {
                memcpy(w, buf + from, size);
                w += size;
            }
            o[r + 1] = (int32_t)(w - w0);
        }
    }
    Py_END_ALLOW_THREADS
    if ((cols = PyList_New(nw)) == NULL) goto done;
    for (Py_ssize_t j = 0; j < nw; j++) {
        PyObject *t = Py_BuildValue("(OOnn)", offs[j], datas[j], shortest[j], longest[j]);
        if (t == NULL) goto done;
        PyList_SET_ITEM(cols, j, t);
    }
#undef AT
    result = Py_BuildValue("(nOiii)", rows, cols, lo, hi, utf8);

done:
    for (Py_ssize_t j = 0; j < got; j++) PyBuffer_Release(&views[j]);
    for (Py_ssize_t j = 0; j < nw; j++) {
        if (offs) Py_XDECREF(offs[j]);
        if (datas) Py_XDECREF(datas[j]);
    }
    PyMem_Free(offs);
    PyMem_Free(datas);
    Py_XDECREF(cols);
    PyMem_RawFree(pos);
    PyMem_Free(want);
    PyMem_Free(total);
    PyMem_Free(shortest);
    PyMem_Free(longest);
    PyMem_Free(views);
    PyBuffer_Release(&in);
    return result;
}

/* first_byte_in(offsets, data, table) -> bool: whether some non-empty text's first byte b has table[b] != 0 */
static PyObject *first_byte_in(PyObject *self, PyObject *args) {
    Py_buffer off_v, data_v, table_v;
    if (!PyArg_ParseTuple(args, "y*y*y*", &off_v, &data_v, &table_v)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = off_v.len / 4 - 1;
    const int32_t *off = (const int32_t *)off_v.buf;
    if (off_v.len % 4 != 0 || (uintptr_t)off_v.buf % 4 || table_v.len != 256) {
        PyErr_SetString(PyExc_ValueError, "first_byte_in: bad offsets or table");
        goto done;
    }
    if (n > 0 && (off[0] < 0 || (Py_ssize_t)off[n] > data_v.len)) {
        PyErr_SetString(PyExc_ValueError, "first_byte_in: offsets beyond the data");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (off[i + 1] < off[i]) {
            PyErr_SetString(PyExc_ValueError, "first_byte_in: offsets that go back");
            goto done;
        }
    }
    int hit = 0;
    const unsigned char *d = (const unsigned char *)data_v.buf, *t = (const unsigned char *)table_v.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && !hit; i++)
        if (off[i + 1] > off[i] && t[d[off[i]]]) hit = 1;
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(hit);
done:
    PyBuffer_Release(&off_v);
    PyBuffer_Release(&data_v);
    PyBuffer_Release(&table_v);
    return result;
}

/* repeats(offsets, data, n, k) -> bool: whether n runs of k texts all repeat the first run.
 * Read as periods: every text's offset is the one k texts before it plus the first run's width, and the
 * bytes from the second run on are the bytes one width before them (one memcmp over the column). */
static PyObject *repeats(PyObject *self, PyObject *args) {
    Py_buffer off_v, data_v;
    Py_ssize_t n, k;
    if (!PyArg_ParseTuple(args, "y*y*nn", &off_v, &data_v, &n, &k)) return NULL;
    PyObject *result = NULL;
    const int32_t *off = (const int32_t *)off_v.buf;
    if (off_v.len % 4 != 0 || (uintptr_t)off_v.buf % 4 || n < 0 || k < 0 ||
        (k && n > (off_v.len / 4 - 1) / k)) {
        PyErr_SetString(PyExc_ValueError, "repeats: the offsets do not hold n runs of k texts");
        goto done;
    }
    Py_ssize_t m = n * k;
    if (m > 0 && (off[0] < 0 || (Py_ssize_t)off[m] > data_v.len)) {
        PyErr_SetString(PyExc_ValueError, "repeats: offsets beyond the data");
        goto done;
    }
    int same = 1, back = 0;
    const char *d = (const char *)data_v.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < m; i++) back |= off[i + 1] < off[i];
    if (!back && m > 0 && n > 1) {
        const int32_t width = off[k] - off[0];
        int period = 1;
        for (Py_ssize_t i = 0; i + k <= m; i++) period &= off[i + k] - off[i] == width;
        same = period && memcmp(d + off[0] + width, d + off[0], (size_t)((n - 1) * (Py_ssize_t)width)) == 0;
    }
    Py_END_ALLOW_THREADS
    if (back) {
        PyErr_SetString(PyExc_ValueError, "repeats: offsets that go back");
        goto done;
    }
    result = PyBool_FromLong(same);
done:
    PyBuffer_Release(&off_v);
    PyBuffer_Release(&data_v);
    return result;
}

/* the number of decimal digits of v, by comparisons (no division) */
static inline int digits_of(uint64_t v) {
    int d = 1;
    uint64_t p = 10;
    while (d < 20 && v >= p) {
        d++;
        p *= 10;
    }
    return d;
}

static const char PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* format_ints(values, allocate) -> (offsets: bytes, data): str(v) of each int64, as an Arrow string array */
static PyObject *format_ints(PyObject *self, PyObject *args) {
    Py_buffer v_in, out_v;
    PyObject *allocate, *result = NULL, *off_obj = NULL, *data_obj = NULL;
    int has_out = 0;
    if (!PyArg_ParseTuple(args, "y*O", &v_in, &allocate)) return NULL;
    if (v_in.len % 8 != 0 || (uintptr_t)v_in.buf % 8) {
        PyErr_SetString(PyExc_ValueError, "format_ints: not an aligned int64 buffer");
        goto done;
    }
    Py_ssize_t n = v_in.len / 8;
    const int64_t *v = (const int64_t *)v_in.buf;
    if (n > INT32_MAX / 21) {
        PyErr_SetString(PyExc_OverflowError, "format_ints: the texts could exceed 2 GiB");
        goto done;
    }
    if ((off_obj = PyBytes_FromStringAndSize(NULL, (n + 1) * 4)) == NULL) goto done;
    int32_t *off = (int32_t *)PyBytes_AS_STRING(off_obj);
    int64_t total = 0;
    Py_BEGIN_ALLOW_THREADS
    off[0] = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint64_t m = v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i] : (uint64_t)v[i];
        total += digits_of(m) + (v[i] < 0);
        off[i + 1] = (int32_t)total;
    }
    Py_END_ALLOW_THREADS
    if ((data_obj = PyObject_CallFunction(allocate, "n", (Py_ssize_t)total)) == NULL) goto done;
    if (PyObject_GetBuffer(data_obj, &out_v, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0) goto done;
    has_out = 1;
    if (out_v.len < total) {
        PyErr_SetString(PyExc_ValueError, "format_ints: allocate gave a buffer too small");
        goto done;
    }
    char *d = (char *)out_v.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        char *w = d + off[i + 1];
        uint64_t m = v[i] < 0 ? (uint64_t)0 - (uint64_t)v[i] : (uint64_t)v[i];
        while (m >= 100) { /* two digits at a time */
            const char *pair = PAIRS + 2 * (m % 100);
            m /= 100;
            *--w = pair[1];
            *--w = pair[0];
        }
        if (m >= 10) {
            *--w = PAIRS[2 * m + 1];
            *--w = PAIRS[2 * m];
        } else {
            *--w = (char)('0' + m);
        }
        if (v[i] < 0) *--w = '-';
    }
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(2, off_obj, data_obj);
done:
    if (has_out) PyBuffer_Release(&out_v);
    Py_XDECREF(off_obj);
    Py_XDECREF(data_obj);
    PyBuffer_Release(&v_in);
    return result;
}

/* json_escapes(data, lo, hi) -> bool: whether some byte of data[lo:hi] is one a JSON string escapes (below
 * 0x20, a quote, a backslash) or 0x7f; eight bytes at a time, without the GIL */
static PyObject *json_escapes(PyObject *self, PyObject *args) {
    Py_buffer data_v;
    Py_ssize_t lo, hi;
    if (!PyArg_ParseTuple(args, "y*nn", &data_v, &lo, &hi)) return NULL;
    if (lo < 0 || hi < lo || hi > data_v.len) {
        PyBuffer_Release(&data_v);
        PyErr_SetString(PyExc_ValueError, "json_escapes: a range beyond the data");
        return NULL;
    }
    const unsigned char *d = (const unsigned char *)data_v.buf;
    uint64_t hit = 0;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t i = lo;
    for (; i + 8 <= hi && !hit; i += 8) {
        uint64_t v;
        memcpy(&v, d + i, 8);
        hit = zero_bytes(v & (ONES * 0xE0)) | zero_bytes(v ^ (ONES * '"')) | zero_bytes(v ^ (ONES * '\\')) |
              zero_bytes(v ^ (ONES * 0x7F));
    }
    for (; i < hi && !hit; i++) hit = d[i] < 0x20 || d[i] == '"' || d[i] == '\\' || d[i] == 0x7F;
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data_v);
    return PyBool_FromLong(hit != 0);
}

static PyMethodDef methods[] = {
    {"join", join, METH_VARARGS,
     "join(n, parts, allocate) -> (data, offsets): n lines, each the concatenation of the parts (see the "
     "module)."},
    {"parse_decimals", parse_decimals, METH_VARARGS,
     "parse_decimals(offsets, data, value, places, ok, empty, max_int_digits, max_places) -> scale, or -1 "
     "(see the module)."},
    {"split_lines", split_lines, METH_VARARGS,
     "split_lines(block, ncols, wanted, allocate) -> (rows, columns): the lines of a CSV block without quotes "
     "as text columns (see the module)."},
    {"first_byte_in", first_byte_in, METH_VARARGS,
     "first_byte_in(offsets, data, table) -> bool: whether a non-empty text's first byte is one the table "
     "marks (see the module)."},
    {"json_escapes", json_escapes, METH_VARARGS,
     "json_escapes(data, lo, hi) -> bool: whether a byte of data[lo:hi] is one JSON escapes, or 0x7f (see the "
     "module)."},
    {"repeats", repeats, METH_VARARGS,
     "repeats(offsets, data, n, k) -> bool: whether n runs of k texts each are the first run again (see the "
     "module)."},
    {"format_ints", format_ints, METH_VARARGS,
     "format_ints(values, allocate) -> (offsets, data): the decimal text of each int64 (see the module)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ctext",
    "The batch path's text kernels in C: the audit records' one-pass join, decimal cells as integers.", -1,
    methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__ctext(void) { return PyModule_Create(&module); }
