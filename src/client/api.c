/* rucio-lite: the REST calls: ping, whoami, get_signed_url. */
#include "rucio/client.h"

#include <string.h>

#include "client/api.h"
#include "client/auth.h"
#include "client/errors.h"
#include "client/request.h"
#include "core/ascii.h"
#include "http/text.h"
#include "json/json.h"

/* Tokens for one flat JSON object of up to this many members. */
#define OBJECT_TOKENS 64

/* A call starts with no error recorded and its deadline set. */
/* Every call starts here: a client, somewhere to put the answer (what:
 * the function's name, for the message); the call's deadline set and the
 * error record cleared. */
static rucio_status begin(rucio_client *c, int has_output, const char *what)
{
    if (!c)
        return RUCIO_E_INVALID_ARG;
    rl_call_begin(c);
    if (has_output)
        return RUCIO_OK;
    rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                 "InputValidationError", "%s needs a place for its answer",
                 what);
    return RUCIO_E_INVALID_ARG;
}

rucio_status rl_api_call(rucio_client *c, const rucio_call *call,
                         int with_token, int expect, size_t *out_len)
{
    rucio_status st = with_token ? rl_call_with_token(c, call, out_len)
                                 : rl_call_send(c, call, out_len);

    if (st != RUCIO_OK)
        return st;
    if (c->_internal.response.status != expect)
        return rl_error_from_response(&c->_internal.error,
                                      &c->_internal.response,
                                      c->_internal.scratch.body, *out_len);
    return RUCIO_OK;
}

/* Send a GET to the rucio host, with a token when with_token (ping needs
 * none); a status other than 200 becomes the error the server
 * described. */
static rucio_status get_200(rucio_client *c, const char *path,
                            const char *query, int with_token,
                            size_t *out_len)
{
    rucio_call call;

    memset(&call, 0, sizeof call);
    call.endpoint = RUCIO_ENDPOINT_API;
    call.path = path;
    call.query = query;
    return rl_api_call(c, &call, with_token, 200, out_len);
}

static rucio_status bad_answer(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_JSON, "RucioException",
                        "unexpected answer from the server: %s", what);
}

static rucio_status parse_object(rucio_client *c, size_t len, rucio_json *doc,
                                 rucio_json_token *tokens)
{
    if (rl_json_parse(doc, c->_internal.scratch.body, len, tokens,
                      OBJECT_TOKENS) != RUCIO_OK ||
        rl_json_type_of(doc, 0) != RUCIO_JSON_OBJECT)
        return bad_answer(c, "not a JSON object");
    return RUCIO_OK;
}

/* ---- ping ------------------------------------------------------------------ */

/* The Python client sends ping with its token; ping needs none, so it
 * works before (and without) authentication. */
rucio_status rucio_ping(rucio_client *c, char *out, size_t cap)
{
    rucio_json_token tokens[OBJECT_TOKENS];
    rucio_json doc;
    size_t len = 0;
    rucio_status st;

    st = begin(c, out && cap, "rucio_ping");
    if (st != RUCIO_OK)
        return st;
    st = get_200(c, "ping", NULL, 0, &len);
    if (st == RUCIO_OK)
        st = parse_object(c, len, &doc, tokens);
    if (st != RUCIO_OK)
        return st;
    st = rl_json_get_string(&doc, rl_json_object_get(&doc, 0, "version"),
                            out, cap, NULL);
    if (st == RUCIO_E_NO_SPACE)
        return rl_error_set(&c->_internal.error, st, "RucioException",
                            "version longer than the output buffer");
    return st == RUCIO_OK ? RUCIO_OK : bad_answer(c, "no \"version\"");
}

/* ---- whoami ---------------------------------------------------------------- */

/* A string member into out, null or absent as "". */
static rucio_status member(const rucio_json *doc, const char *key, char *out,
                           size_t cap)
{
    int tok = rl_json_object_get(doc, 0, key);

    out[0] = '\0';
    if (tok < 0 || rl_json_is_null(doc, tok))
        return RUCIO_OK;
    return rl_json_get_string(doc, tok, out, cap, NULL);
}

static rucio_status read_account(const rucio_json *doc, rucio_account_info *o)
{
    rucio_status st = RUCIO_OK;

#define MEMBER(name) \
    if (st == RUCIO_OK) \
        st = member(doc, #name, o->name, sizeof o->name)
    MEMBER(account);
    MEMBER(account_type);
    MEMBER(status);
    MEMBER(email);
    MEMBER(created_at);
    MEMBER(updated_at);
    MEMBER(suspended_at);
    MEMBER(deleted_at);
#undef MEMBER
    return st;
}

/* GET accounts/whoami answers 303 to accounts/<account>, which the
 * request loop follows. */
rucio_status rucio_whoami(rucio_client *c, rucio_account_info *out)
{
    rucio_json_token tokens[OBJECT_TOKENS];
    rucio_json doc;
    size_t len = 0;
    rucio_status st;

    st = begin(c, out != NULL, "rucio_whoami");
    if (st != RUCIO_OK)
        return st;
    memset(out, 0, sizeof *out);
    st = get_200(c, "accounts/whoami", NULL, 1, &len);
    if (st == RUCIO_OK)
        st = parse_object(c, len, &doc, tokens);
    if (st != RUCIO_OK)
        return st;
    if (read_account(&doc, out) != RUCIO_OK || !out->account[0])
        return bad_answer(c, "account fields missing or too long");
    return RUCIO_OK;
}

/* ---- get_signed_url ------------------------------------------------------ */

static int one_of(const char *value, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(value, *allowed) == 0)
            return 1;
    return 0;
}

static rucio_status invalid(rucio_client *c, const char *what,
                            const char *value)
{
    if (!value)
        return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                            "InputValidationError", "%s", what);
    return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                        "InputValidationError", "%s (got \"%s\")", what, value);
}

static int prefix_nocase(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);

    return strlen(s) >= n && rl_ascii_equal_nocase(s, n, prefix, n);
}

/* The URL only travels as a query value (percent-encoded), so it need
 * not be a valid request target: "http(s)://" and a host suffice, as the
 * server's urlparse needs; control characters are refused. */
static int storage_url(const char *url)
{
    size_t skip = prefix_nocase(url, "https://") ? 8
                  : prefix_nocase(url, "http://") ? 7 : 0;
    const unsigned char *p;

    if (!skip || !url[skip] || strchr("/?#", url[skip]))
        return 0;
    for (p = (const unsigned char *)url; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* The Python client sends anything and lets the server refuse it; here a
 * bad argument never leaves the device. */
static rucio_status check_signurl_args(rucio_client *c, const char *rse,
                                       const char *service,
                                       const char *operation, const char *url,
                                       int64_t lifetime)
{
    static const char *const services[] = {"gcs", "s3", "swift", NULL};
    static const char *const operations[] = {"read", "write", "delete", NULL};

    if (!rse || !*rse)
        return invalid(c, "rse must not be empty", NULL);
    if (!service || !one_of(service, services))
        return invalid(c, "service must be \"gcs\", \"s3\" or \"swift\"",
                       service);
    if (!operation || !one_of(operation, operations))
        return invalid(c, "operation must be \"read\", \"write\" or \"delete\"",
                       operation);
    if (!url || !*url)
        return invalid(c, "url must not be empty", NULL);
    if (!storage_url(url))
        return invalid(c, "url must be an absolute http or https URL", url);
    if (lifetime <= 0)
        return invalid(c, "lifetime must be a positive number of seconds",
                       NULL);
    return RUCIO_OK;
}

/* lifetime, rse, svc, op, url: the Python client's order and encoding. */
static rucio_status encode_signurl_query(rucio_client *c, const char *rse,
                                         const char *service,
                                         const char *operation,
                                         const char *url, int64_t lifetime)
{
    char lifetime_text[24];
    const rucio_query_param params[5] = {
        {"lifetime", lifetime_text}, {"rse", rse}, {"svc", service},
        {"op", operation}, {"url", url}};
    rucio_strbuf b;

    rucio_strbuf_init(&b, lifetime_text, sizeof lifetime_text);
    rucio_strbuf_put_i64(&b, lifetime);
    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    rucio_url_encode_query(&b, params, 5);
    if (b.status != RUCIO_OK)
        return invalid(c, "url too long for RUCIO_URL_MAX", NULL);
    return RUCIO_OK;
}

/* The answer must be one http(s) URL and nothing else: a NUL would cut
 * it short unnoticed, and a control byte (ESC) could rewrite the screen
 * of whoever prints it. Only the offset is reported: the URL is a
 * credential. */
static rucio_status check_signed_url(rucio_client *c, size_t len)
{
    const char *url = c->_internal.scratch.body;
    size_t i;

    if (len == 0)
        return bad_answer(c, "empty signed URL");
    /* Eight bytes at a time up to the word that holds a bad byte. */
    for (i = 0; len - i >= 8 && !rl_word_has_ctl((const uint8_t *)url + i, 0x21u);
         i += 8)
        ;
    for (; i < len; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
            break;
    if (i < len)
        return rl_error_set(&c->_internal.error, RUCIO_E_BAD_ANSWER,
                            "RucioException",
                            "the signed URL from the server holds a space "
                            "or control character at byte %zu",
                            i);
    if (!prefix_nocase(url, "https://") && !prefix_nocase(url, "http://"))
        return rl_error_set(&c->_internal.error, RUCIO_E_BAD_ANSWER,
                            "RucioException",
                            "the signed URL from the server is not an "
                            "http(s) URL");
    return RUCIO_OK;
}

rucio_status rucio_get_signed_url(rucio_client *c, const char *rse,
                                  const char *service, const char *operation,
                                  const char *url, int64_t lifetime,
                                  char *out, size_t cap)
{
    size_t len = 0;
    rucio_status st;

    st = begin(c, out && cap, "rucio_get_signed_url");
    if (st != RUCIO_OK)
        return st;
    out[0] = '\0';
    st = check_signurl_args(c, rse, service, operation, url, lifetime);
    if (st == RUCIO_OK)
        st = encode_signurl_query(c, rse, service, operation, url, lifetime);
    if (st == RUCIO_OK)
        st = get_200(c, "credentials/signurl", c->_internal.query, 1, &len);
    if (st != RUCIO_OK)
        return st;
    st = check_signed_url(c, len);
    if (st != RUCIO_OK)
        return st;
    if (len >= cap)
        return rl_error_set(&c->_internal.error, RUCIO_E_NO_SPACE,
                            "RucioException",
                            "signed URL longer than the output buffer");
    memcpy(out, c->_internal.scratch.body, len + 1);
    return RUCIO_OK;
}
