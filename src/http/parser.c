/*
 * rucio-lite: incremental HTTP/1.1 response parser (RFC 9112).
 *
 * Up to the body, input is taken one byte at a time through a small state
 * machine (runs of ordinary bytes inside a line in one step: line_run),
 * so it may be split anywhere (inside a CR LF, a field name, a
 * chunk size) without buffering partial lines: the status line and header
 * fields go straight into resp->hdr_buf, chunk-size lines and trailer
 * fields are checked as they pass and dropped. Body bytes are handed to
 * the sink as runs of the caller's input, never copied.
 *
 * hdr_buf holds the status line, then name and value of every header
 * field, each ending with a NUL. The whitespace before a value is never
 * stored; the whitespace after it needs room until the line ends, since
 * until then it may be part of the value.
 */
#include "rucio/http.h"

#include <stdint.h>
#include <string.h>

#include "core/ascii.h"
#include "http/framing.h"
#include "http/text.h"

/* Which part of the message the next byte belongs to. */
enum parser_state {
    ST_STATUS_LINE,
    ST_HEADER_LINE,
    /* From here on the head of the final response is complete. */
    ST_BODY_LENGTH,
    ST_BODY_UNTIL_CLOSE,
    ST_CHUNK_SIZE_LINE,
    ST_CHUNK_DATA,
    ST_CHUNK_DATA_END,
    ST_TRAILER_LINE,
    ST_DONE
};

/* Parts of a field line (header or trailer): name ":" OWS value OWS. */
enum field_part { FIELD_START, FIELD_NAME, FIELD_VALUE_START, FIELD_VALUE };

/* Parts of a chunk-size line: 1*16HEXDIG [ BWS ] [ ";" chunk-ext ]. */
enum size_part { SIZE_START, SIZE_DIGITS, SIZE_AFTER_DIGITS, SIZE_EXTENSION };

/* What one byte means for the line it is part of. */
enum line_event { LINE_BYTE, LINE_END, LINE_WAIT, LINE_BAD };

/* 16 hex digits are 64 bits: one more could overflow remaining. */
#define CHUNK_SIZE_DIGITS_MAX 16

/* Header offsets are stored as uint32_t. */
_Static_assert(RUCIO_HTTP_HEADER_BUF >= 2 && RUCIO_HTTP_HEADER_BUF <= UINT32_MAX,
               "RUCIO_HTTP_HEADER_BUF out of range");

/* ---- Characters ---------------------------------------------------------- */

static int is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

/* Control characters other than HTAB, never allowed inside a line. */
static int is_bad_ctl(uint8_t c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* ---- Lines ------------------------------------------------------------------ */

/* Line ends are CR LF or a bare LF (RFC 9112 section 2.2); a CR followed
 * by anything else is refused, as it could end a line for someone else. */
static enum line_event line_event(rucio_http_parser *p, uint8_t c)
{
    if (p->saw_cr) {
        p->saw_cr = 0;
        return c == '\n' ? LINE_END : LINE_BAD;
    }
    if (c == '\r') {
        p->saw_cr = 1;
        return LINE_WAIT;
    }
    return c == '\n' ? LINE_END : LINE_BYTE;
}

/* Count one more byte of the current line. Lines are bounded so that a
 * peer cannot keep the parser inside one for ever. */
static rucio_status count_line_byte(rucio_http_parser *p, rucio_status too_long)
{
    if (p->line_len >= RUCIO_HTTP_LINE_MAX)
        return too_long;
    p->line_len++;
    return RUCIO_OK;
}

/* Append a byte to hdr_buf, always keeping one byte free for the NUL that
 * will end the current string: nothing is ever cut short. */
static rucio_status store_byte(rucio_http_response *r, uint8_t c)
{
    if (r->hdr_used >= sizeof r->hdr_buf - 1)
        return RUCIO_E_HEADER_TOO_LARGE;
    r->hdr_buf[r->hdr_used++] = (char)c;
    return RUCIO_OK;
}

static void end_string(rucio_http_response *r)
{
    r->hdr_buf[r->hdr_used++] = '\0';
}

/* ---- Status line ------------------------------------------------------------- */

static rucio_status status_line_byte(rucio_http_parser *p, uint8_t c)
{
    rucio_status st;

    if (is_bad_ctl(c))
        return RUCIO_E_PROTOCOL;
    st = count_line_byte(p, RUCIO_E_HEADER_TOO_LARGE);
    return st != RUCIO_OK ? st : store_byte(p->resp, c);
}

/* "HTTP/1.x" SP 3DIGIT [ SP reason ] with x 0 or 1 and a code 100..599. */
static int parse_status_line(const char *s, size_t n, int *minor, int *code)
{
    uint64_t value;

    if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0)
        return 0;
    if ((s[7] != '0' && s[7] != '1') || s[8] != ' ')
        return 0;
    if (!rl_ascii_parse_u64(s + 9, 3, &value) || (n > 12 && s[12] != ' '))
        return 0;
    *minor = s[7] - '0';
    *code = (int)value;
    return *code >= 100 && *code <= 599;
}

static rucio_status status_line_end(rucio_http_parser *p)
{
    rucio_http_response *r = p->resp;
    int minor;
    int code;

    if (!parse_status_line(r->hdr_buf, r->hdr_used, &minor, &code))
        return RUCIO_E_PROTOCOL;
    /* We never ask for a protocol switch, so we cannot follow one. */
    if (code == 101)
        return RUCIO_E_PROTOCOL;
    r->status = code;
    r->minor_version = minor;
    end_string(r);
    p->state = ST_HEADER_LINE;
    p->part = FIELD_START;
    return RUCIO_OK;
}

/* ---- Field lines (headers are kept, trailers only checked) ------------------- */

static size_t field_count(const rucio_http_parser *p, int keep)
{
    return keep ? p->resp->header_count : p->trailer_count;
}

static rucio_status field_start(rucio_http_parser *p, uint8_t c, int keep)
{
    rucio_http_response *r = p->resp;

    /* SP or HTAB here is obsolete line folding, or whitespace before the
     * first field; a client may refuse both (RFC 9112 sections 2.2, 5.2). */
    if (!rl_http_is_name_byte(c))
        return RUCIO_E_PROTOCOL;
    if (field_count(p, keep) >= RUCIO_HTTP_MAX_HEADERS)
        return RUCIO_E_TOO_MANY_HEADERS;
    p->part = FIELD_NAME;
    if (!keep)
        return RUCIO_OK;
    r->name_off[r->header_count] = (uint32_t)r->hdr_used;
    return store_byte(r, c);
}

static rucio_status field_name_byte(rucio_http_parser *p, uint8_t c, int keep)
{
    rucio_http_response *r = p->resp;
    rucio_status st;

    if (c != ':') {
        /* Whitespace before the colon must be refused (RFC 9112 5.1). */
        if (!rl_http_is_name_byte(c))
            return RUCIO_E_PROTOCOL;
        return keep ? store_byte(r, c) : RUCIO_OK;
    }
    p->part = FIELD_VALUE_START;
    if (!keep)
        return RUCIO_OK;
    st = store_byte(r, '\0');
    r->value_off[r->header_count] = (uint32_t)r->hdr_used;
    return st;
}

static rucio_status field_value_byte(rucio_http_parser *p, uint8_t c, int keep)
{
    if (p->part == FIELD_VALUE_START) {
        if (is_ws(c))
            return RUCIO_OK;
        p->part = FIELD_VALUE;
    }
    /* Bytes 0x80 and up (obs-text) are allowed and kept as they are. */
    if (is_bad_ctl(c))
        return RUCIO_E_PROTOCOL;
    return keep ? store_byte(p->resp, c) : RUCIO_OK;
}

static rucio_status field_byte(rucio_http_parser *p, uint8_t c, int keep)
{
    rucio_status st = count_line_byte(p, RUCIO_E_HEADER_TOO_LARGE);

    if (st != RUCIO_OK)
        return st;
    switch (p->part) {
    case FIELD_START:
        return field_start(p, c, keep);
    case FIELD_NAME:
        return field_name_byte(p, c, keep);
    default:
        return field_value_byte(p, c, keep);
    }
}

/* Drop the whitespace after a header value and end it with a NUL. */
static void end_header_value(rucio_http_response *r)
{
    size_t start = r->value_off[r->header_count];

    while (r->hdr_used > start && is_ws((uint8_t)r->hdr_buf[r->hdr_used - 1]))
        r->hdr_used--;
    end_string(r);
    r->header_count++;
}

/* ---- Body framing --------------------------------------------------------- */

static void start_chunk_size(rucio_http_parser *p)
{
    p->state = ST_CHUNK_SIZE_LINE;
    p->part = SIZE_START;
    p->remaining = 0;
}

static void start_body(rucio_http_parser *p, rucio_http_body_kind kind)
{
    switch (kind) {
    case RUCIO_HTTP_BODY_LENGTH:
        p->remaining = p->resp->content_length;
        p->state = p->remaining ? ST_BODY_LENGTH : ST_DONE;
        break;
    case RUCIO_HTTP_BODY_CHUNKED:
        start_chunk_size(p);
        break;
    case RUCIO_HTTP_BODY_UNTIL_CLOSE:
        p->state = ST_BODY_UNTIL_CLOSE;
        break;
    default:
        p->state = ST_DONE;
        break;
    }
}

/* Read the next status line into the same storage: an interim (1xx)
 * response is dropped whole. */
static void start_head(rucio_http_parser *p)
{
    p->resp->header_count = 0;
    p->resp->hdr_used = 0;
    p->resp->hdr_buf[0] = '\0';
    p->state = ST_STATUS_LINE;
}

/* The empty line after the header fields. */
static rucio_status head_end(rucio_http_parser *p)
{
    rucio_http_body_kind kind;
    rucio_status st;

    if (p->resp->status < 200) {
        if (p->interim_count++ >= RUCIO_HTTP_MAX_INTERIM)
            return RUCIO_E_PROTOCOL;
        start_head(p);
        return RUCIO_OK;
    }
    st = rl_http_framing_decide(p->resp, p->no_body, &kind);
    if (st == RUCIO_OK)
        start_body(p, kind);
    return st;
}

static rucio_status header_line_end(rucio_http_parser *p)
{
    if (p->part == FIELD_START)
        return head_end(p);
    if (p->part == FIELD_NAME)
        return RUCIO_E_PROTOCOL; /* a field line without a colon */
    end_header_value(p->resp);
    p->part = FIELD_START;
    return RUCIO_OK;
}

static rucio_status trailer_line_end(rucio_http_parser *p)
{
    if (p->part == FIELD_START) {
        p->state = ST_DONE;
        return RUCIO_OK;
    }
    if (p->part == FIELD_NAME)
        return RUCIO_E_PROTOCOL;
    p->trailer_count++;
    p->part = FIELD_START;
    return RUCIO_OK;
}

/* ---- Chunk-size lines ---------------------------------------------------------- */

/* The size digits open the line, so line_len counts them. */
static rucio_status chunk_size_digit(rucio_http_parser *p, int digit)
{
    if (p->line_len >= CHUNK_SIZE_DIGITS_MAX)
        return RUCIO_E_PROTOCOL;
    p->remaining = (p->remaining << 4) | (uint64_t)digit;
    p->part = SIZE_DIGITS;
    return RUCIO_OK;
}

/* After the digits only whitespace, then ";" and an extension, may come:
 * anything else ("1x", "0x10") would be read as another size elsewhere. */
static rucio_status after_size_byte(rucio_http_parser *p, uint8_t c)
{
    if (is_ws(c))
        p->part = SIZE_AFTER_DIGITS;
    else if (c == ';')
        p->part = SIZE_EXTENSION;
    else
        return RUCIO_E_PROTOCOL;
    return RUCIO_OK;
}

static rucio_status chunk_size_byte(rucio_http_parser *p, uint8_t c)
{
    int digit = rucio_ascii_hex_value(c);
    rucio_status st;

    switch (p->part) {
    case SIZE_START:
        st = digit >= 0 ? chunk_size_digit(p, digit) : RUCIO_E_PROTOCOL;
        break;
    case SIZE_DIGITS:
        st = digit >= 0 ? chunk_size_digit(p, digit) : after_size_byte(p, c);
        break;
    case SIZE_AFTER_DIGITS:
        st = after_size_byte(p, c);
        break;
    default: /* extensions carry nothing we use: checked and skipped */
        st = is_bad_ctl(c) ? RUCIO_E_PROTOCOL : RUCIO_OK;
        break;
    }
    return st != RUCIO_OK ? st : count_line_byte(p, RUCIO_E_PROTOCOL);
}

static rucio_status chunk_size_line_end(rucio_http_parser *p)
{
    if (p->part == SIZE_START)
        return RUCIO_E_PROTOCOL; /* empty chunk size */
    if (p->remaining > 0) {
        p->state = ST_CHUNK_DATA;
        return RUCIO_OK;
    }
    p->state = ST_TRAILER_LINE;
    p->part = FIELD_START;
    return RUCIO_OK;
}

/* ---- One byte of a line ---------------------------------------------------------- */

static rucio_status line_byte(rucio_http_parser *p, uint8_t c)
{
    switch (p->state) {
    case ST_STATUS_LINE:
        return status_line_byte(p, c);
    case ST_HEADER_LINE:
        return field_byte(p, c, 1);
    case ST_CHUNK_SIZE_LINE:
        return chunk_size_byte(p, c);
    case ST_TRAILER_LINE:
        return field_byte(p, c, 0);
    default: /* ST_CHUNK_DATA_END: chunk data must end with a line end */
        return RUCIO_E_PROTOCOL;
    }
}

static rucio_status line_end(rucio_http_parser *p)
{
    p->line_len = 0;
    switch (p->state) {
    case ST_STATUS_LINE:
        return status_line_end(p);
    case ST_HEADER_LINE:
        return header_line_end(p);
    case ST_CHUNK_SIZE_LINE:
        return chunk_size_line_end(p);
    case ST_TRAILER_LINE:
        return trailer_line_end(p);
    default: /* ST_CHUNK_DATA_END */
        start_chunk_size(p);
        return RUCIO_OK;
    }
}

static rucio_status framing_byte(rucio_http_parser *p, uint8_t c)
{
    switch (line_event(p, c)) {
    case LINE_BYTE:
        return line_byte(p, c);
    case LINE_END:
        return line_end(p);
    case LINE_WAIT:
        return RUCIO_OK;
    default:
        return RUCIO_E_PROTOCOL; /* CR not followed by LF */
    }
}

/* ---- Body data --------------------------------------------------------------- */

static int in_body_data(int state)
{
    return state == ST_BODY_LENGTH || state == ST_BODY_UNTIL_CLOSE ||
           state == ST_CHUNK_DATA;
}

static rucio_status deliver(rucio_http_parser *p, const uint8_t *data, size_t n)
{
    if (p->sink.write != NULL) {
        rucio_status st = p->sink.write(p->sink.user, data, n);

        if (st != RUCIO_OK)
            return st;
    }
    p->resp->body_length += n;
    return RUCIO_OK;
}

/* Hand over as much of data[0..avail) as belongs to the body (or to the
 * current chunk) in one piece, and say how much that was in *used. */
static rucio_status body_data(rucio_http_parser *p, const uint8_t *data,
                              size_t avail, size_t *used)
{
    size_t n = avail;
    rucio_status st;

    if (p->state != ST_BODY_UNTIL_CLOSE && p->remaining < n)
        n = (size_t)p->remaining;
    st = deliver(p, data, n);
    if (st != RUCIO_OK)
        return st;
    *used = n;
    if (p->state == ST_BODY_UNTIL_CLOSE)
        return RUCIO_OK;
    p->remaining -= n;
    if (p->remaining == 0)
        p->state = p->state == ST_BODY_LENGTH ? ST_DONE : ST_CHUNK_DATA_END;
    return RUCIO_OK;
}

/* ---- Runs of a line --------------------------------------------------------------- */

/*
 * The fast path of the byte-at-a-time machine above. What the machine
 * would do byte by byte without anything that can fail or end the head
 * (status line text; a field line from its name to its line end) is done
 * here in runs: one table lookup per name byte, eight value bytes at a
 * time, one memcpy per run. Anything else stops the run before the byte
 * concerned (a refused byte, a CR whose LF is not in this input, the
 * empty line that ends the head, the line or buffer limit, the header
 * count): that byte goes through the machine, which gives the same
 * result and the same error as ever. Each part returns the bytes it
 * took; 0 hands the next byte to the machine.
 */

/* Bytes that may be stored now; trailers are not stored at all. */
static size_t store_room(const rucio_http_parser *p, int keep)
{
    return keep ? sizeof p->resp->hdr_buf - 1 - p->resp->hdr_used : SIZE_MAX;
}

static void store_run(rucio_http_parser *p, int keep, const uint8_t *data,
                      size_t n)
{
    if (keep) {
        memcpy(p->resp->hdr_buf + p->resp->hdr_used, data, n);
        p->resp->hdr_used += n;
    }
}

/* The status line up to its line end. */
static size_t status_run(rucio_http_parser *p, const uint8_t *data, size_t lim)
{
    size_t n;

    if (lim > store_room(p, 1))
        lim = store_room(p, 1);
    n = rl_http_text_run(data, lim);
    store_run(p, 1, data, n);
    return n;
}

/* A field line's first byte (as field_start) and the rest of its name. */
static size_t name_run(rucio_http_parser *p, int keep, const uint8_t *data,
                       size_t lim)
{
    rucio_http_response *r = p->resp;
    size_t n = 0;

    if (lim > store_room(p, keep))
        lim = store_room(p, keep);
    if (lim == 0 || !rl_http_is_name_byte(data[0]))
        return 0;
    if (p->part == FIELD_START) {
        if (field_count(p, keep) >= RUCIO_HTTP_MAX_HEADERS)
            return 0;
        if (keep)
            r->name_off[r->header_count] = (uint32_t)r->hdr_used;
        p->part = FIELD_NAME;
    }
    while (n < lim && rl_http_is_name_byte(data[n]))
        n++;
    store_run(p, keep, data, n);
    return n;
}

/* The colon after a name (as field_name_byte). */
static size_t name_end(rucio_http_parser *p, int keep)
{
    rucio_http_response *r = p->resp;

    if (store_room(p, keep) == 0)
        return 0;
    p->part = FIELD_VALUE_START;
    if (keep) {
        r->hdr_buf[r->hdr_used++] = '\0';
        r->value_off[r->header_count] = (uint32_t)r->hdr_used;
    }
    return 1;
}

/* The whitespace before a value (never stored), then the value. */
static size_t value_run(rucio_http_parser *p, int keep, const uint8_t *data,
                        size_t lim)
{
    size_t ws = 0;
    size_t n;

    if (p->part == FIELD_VALUE_START) {
        while (ws < lim && is_ws(data[ws]))
            ws++;
        if (ws == lim || !rl_http_is_text_byte(data[ws]))
            return ws;
        p->part = FIELD_VALUE;
    }
    if (lim - ws > store_room(p, keep))
        lim = ws + store_room(p, keep);
    n = rl_http_text_run(data + ws, lim - ws);
    store_run(p, keep, data + ws, n);
    return ws + n;
}

/* CR LF or a bare LF after a value (as line_end); 0 for anything else. */
static size_t value_line_end(rucio_http_parser *p, int keep,
                             const uint8_t *data, size_t avail)
{
    size_t n = data[0] == '\n'                                 ? 1
               : data[0] == '\r' && avail >= 2 && data[1] == '\n' ? 2
                                                                 : 0;

    if (n == 0 || p->part == FIELD_START || p->part == FIELD_NAME)
        return 0;
    p->line_len = 0;
    /* Neither can fail once a value has begun. */
    (void)(keep ? header_line_end(p) : trailer_line_end(p));
    return n;
}

/* One step of a field line: the run for the part it is in. */
static size_t field_step(rucio_http_parser *p, int keep, const uint8_t *data,
                         size_t avail, size_t lim)
{
    switch (p->part) {
    case FIELD_START:
        return name_run(p, keep, data, lim);
    case FIELD_NAME:
        return data[0] == ':' ? name_end(p, keep)
                              : name_run(p, keep, data, lim);
    default: {
        size_t n = value_line_end(p, keep, data, avail);

        return n ? n : value_run(p, keep, data, lim);
    }
    }
}

static size_t line_run(rucio_http_parser *p, const uint8_t *data, size_t avail)
{
    int keep = p->state == ST_HEADER_LINE;
    size_t used = 0;

    if (p->saw_cr)
        return 0;
    if (p->state == ST_STATUS_LINE) {
        used = status_run(p, data, RUCIO_HTTP_LINE_MAX - p->line_len < avail
                                       ? RUCIO_HTTP_LINE_MAX - p->line_len
                                       : avail);
        p->line_len += used;
        return used;
    }
    if (!keep && p->state != ST_TRAILER_LINE)
        return 0;
    while (used < avail) {
        size_t left = avail - used;
        size_t lim = RUCIO_HTTP_LINE_MAX - p->line_len < left
                         ? RUCIO_HTTP_LINE_MAX - p->line_len
                         : left;
        int at_line_end = data[used] == '\r' || data[used] == '\n';
        size_t n;

        /* Every byte of a line counts against the limit; its end does
         * not. A byte past the limit is the machine's to refuse. */
        if (lim == 0 && !at_line_end)
            break;
        n = field_step(p, keep, data + used, left, lim);
        if (n == 0)
            break;
        if (!at_line_end)
            p->line_len += n;
        used += n;
    }
    return used;
}

/* ---- Public functions ------------------------------------------------------------ */

static void reset_response(rucio_http_response *r)
{
    r->status = 0;
    r->minor_version = 0;
    r->keep_alive = 0;
    r->chunked = 0;
    r->has_content_length = 0;
    r->content_length = 0;
    r->body_length = 0;
    r->header_count = 0;
    r->hdr_used = 0;
    r->hdr_buf[0] = '\0';
}

void rucio_http_parser_init(rucio_http_parser *p, rucio_http_response *resp,
                            int is_head, const rucio_http_sink *sink)
{
    *p = (rucio_http_parser){ .resp = resp, .no_body = is_head != 0,
                              .state = ST_STATUS_LINE, .error = RUCIO_OK };
    if (sink != NULL)
        p->sink = *sink;
    reset_response(resp);
}

rucio_status rucio_http_parser_feed(rucio_http_parser *p, const uint8_t *data,
                                    size_t len, size_t *out_consumed)
{
    size_t i = 0;

    while (p->error == RUCIO_OK && i < len && p->state != ST_DONE) {
        size_t used = 0;

        if (in_body_data(p->state))
            p->error = body_data(p, data + i, len - i, &used);
        else if ((used = line_run(p, data + i, len - i)) == 0) {
            used = 1;
            p->error = framing_byte(p, data[i]);
        }
        if (p->error == RUCIO_OK)
            i += used;
    }
    *out_consumed = i;
    return p->error;
}

rucio_status rucio_http_parser_finish(rucio_http_parser *p)
{
    if (p->error != RUCIO_OK)
        return p->error;
    if (p->state == ST_BODY_UNTIL_CLOSE)
        p->state = ST_DONE;
    return p->state == ST_DONE ? RUCIO_OK : RUCIO_E_TRUNCATED;
}

int rucio_http_parser_done(const rucio_http_parser *p)
{
    return p->state == ST_DONE;
}

int rucio_http_parser_head_done(const rucio_http_parser *p)
{
    return p->state > ST_HEADER_LINE;
}
