/* rucio-lite: Rucio exception classes, codes and error mapping. */
#include "client/errors.h"

#include <stdlib.h>
#include <string.h>

#include "json/json.h"

/* The code the Python client uses for a server class it does not know:
 * it raises a plain RucioException. */
#define GENERIC_RUCIO_CODE 1

#if RUCIO_WITH_ERROR_CODES
typedef struct exception_entry {
    const char *name;
    int code;
} exception_entry;

static const exception_entry exception_table[] = {
#include "client/exception_table.inc"
};

#define EXCEPTION_COUNT (sizeof exception_table / sizeof exception_table[0])

static int compare_entry(const void *key, const void *entry)
{
    const exception_entry *e = entry;

    return strcmp(key, e->name);
}

int rl_exception_code(const char *exception_class)
{
    const exception_entry *e =
        bsearch(exception_class, exception_table, EXCEPTION_COUNT,
                sizeof exception_table[0], compare_entry);

    return e ? e->code : 0;
}
#else
int rl_exception_code(const char *exception_class)
{
    (void)exception_class;
    return 0; /* no table in this build: classes only */
}
#endif

void rl_error_clear(rucio_error *e)
{
    e->status = RUCIO_OK;
    e->http_status = 0;
    e->code = 0;
    e->exception_class[0] = '\0';
    e->message[0] = '\0';
}

rucio_status rl_error_vset(rucio_error *e, rucio_status status,
                           const char *exception_class, const char *fmt,
                           va_list ap)
{
    e->status = status;
    e->http_status = 0;
    rucio_strbuf_copy(e->exception_class, sizeof e->exception_class,
                      exception_class);
    rucio_vformat(e->message, sizeof e->message, fmt, ap);
    e->code = rl_exception_code(e->exception_class);
    return status;
}

rucio_status rl_error_set(rucio_error *e, rucio_status status,
                          const char *exception_class, const char *fmt,
                          ...)
{
    va_list ap;

    va_start(ap, fmt);
    rl_error_vset(e, status, exception_class, fmt, ap);
    va_end(ap);
    return status;
}

static void read_body_fields(rucio_error *e, const char *body, size_t len,
                             int *got_class, int *got_message)
{
    rucio_json_token tokens[16];
    rucio_json doc;
    int tok;

    if (!body || rl_json_parse(&doc, body, len, tokens, 16) != RUCIO_OK ||
        rl_json_type_of(&doc, 0) != RUCIO_JSON_OBJECT)
        return;
    tok = rl_json_object_get(&doc, 0, "ExceptionClass");
    *got_class = rl_json_get_string(&doc, tok, e->exception_class,
                                    sizeof e->exception_class,
                                    NULL) == RUCIO_OK;
    tok = rl_json_object_get(&doc, 0, "ExceptionMessage");
    *got_message = rl_json_get_string(&doc, tok, e->message,
                                      sizeof e->message, NULL) == RUCIO_OK;
}

static void set_no_information(rucio_error *e, int http_status)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, e->message, sizeof e->message);
    rucio_strbuf_puts(&b, "no error information passed (http status code: ");
    rucio_strbuf_put_u64(&b, (uint64_t)http_status);
    rucio_strbuf_putc(&b, ')');
}

rucio_status rl_error_from_response(rucio_error *e,
                                    const rucio_http_response *resp,
                                    const char *body, size_t body_len)
{
    const char *header;
    int got_class = 0, got_message = 0;

    e->exception_class[0] = e->message[0] = '\0';
    read_body_fields(e, body, body_len, &got_class, &got_message);
    header = rucio_http_response_header(resp, "ExceptionClass");
    if (!got_class)
        rucio_strbuf_copy(e->exception_class, sizeof e->exception_class,
                  header ? header : "RucioException");
    header = rucio_http_response_header(resp, "ExceptionMessage");
    if (!got_message && header)
        rucio_strbuf_copy(e->message, sizeof e->message, header);
    else if (!got_message)
        set_no_information(e, resp->status);
    e->http_status = resp->status;
    e->code = rl_exception_code(e->exception_class);
    if (!e->code && RUCIO_WITH_ERROR_CODES)
        e->code = GENERIC_RUCIO_CODE;
    e->status = (resp->status == 401 ||
                 strcmp(e->exception_class, "CannotAuthenticate") == 0)
                    ? RUCIO_E_AUTH
                    : RUCIO_E_SERVER;
    return e->status;
}
