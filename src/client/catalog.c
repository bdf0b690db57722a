/* rucio-lite: the catalogue calls of an upload or download. */
#include "client/catalog.h"

#if RUCIO_WITH_TRANSFER

#include <string.h>

#include "client/api.h"
#include "client/errors.h"
#include "core/checksum.h"
#include "json/json.h"

/* Tokens for GET rses/<rse> (about 30, and 40 per protocol) and for one
 * line of replicas/list. */
#define RSE_TOKENS 256

static rucio_status bad_answer(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_JSON, "RucioException",
                        "unexpected answer from the server: %s", what);
}

static rucio_status too_long(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_NO_SPACE,
                        "InputValidationError", "%s too long", what);
}

rucio_status rl_catalog_did_path(rucio_client *c, const char *scope,
                                 const char *name, const char *suffix,
                                 char *out, size_t cap)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_puts(&b, "dids/");
    rucio_url_quote_plus(&b, scope, strlen(scope));
    rucio_strbuf_putc(&b, '/');
    rucio_url_quote_plus(&b, name, strlen(name));
    rucio_strbuf_puts(&b, suffix);
    return b.status == RUCIO_OK ? RUCIO_OK : too_long(c, "scope and name");
}

static rucio_status get_json(rucio_client *c, const char *path, rucio_json *doc,
                             rucio_json_token *tokens)
{
    rucio_call call;
    size_t len = 0;
    rucio_status st;

    memset(&call, 0, sizeof call);
    call.path = path;
    st = rl_api_call(c, &call, 1, 200, &len);
    if (st != RUCIO_OK)
        return st;
    if (rl_json_parse(doc, c->_internal.scratch.body, len, tokens,
                      RSE_TOKENS) != RUCIO_OK ||
        rl_json_type_of(doc, 0) != RUCIO_JSON_OBJECT)
        return bad_answer(c, "not a JSON object");
    return RUCIO_OK;
}

/* ---- the RSE ------------------------------------------------------------ */

/* A string member into out; absent or null is "". */
static rucio_status string_member(const rucio_json *doc, int obj,
                                  const char *key, char *out, size_t cap)
{
    int tok = rl_json_object_get(doc, obj, key);

    out[0] = '\0';
    if (tok < 0 || rl_json_is_null(doc, tok))
        return RUCIO_OK;
    return rl_json_get_string(doc, tok, out, cap, NULL);
}

/* A number member, 0 when absent, null or not a whole number. */
static int64_t number_member(const rucio_json *doc, int obj, const char *key)
{
    int64_t v = 0;

    if (rl_json_get_int64(doc, rl_json_object_get(doc, obj, key), &v) !=
        RUCIO_OK)
        return 0;
    return v;
}

/* The priority of protocol p for operation on the wan domain (1 is
 * first), 0 when it does not do it or is not https. */
static int64_t https_priority(const rucio_json *doc, int p,
                              const char *operation)
{
    char scheme[8];
    int wan =
        rl_json_object_get(doc, rl_json_object_get(doc, p, "domains"), "wan");

    if (string_member(doc, p, "scheme", scheme, sizeof scheme) != RUCIO_OK ||
        strcmp(scheme, "https") != 0)
        return 0;
    return number_member(doc, wan, operation);
}

/* The https protocol of highest priority (lowest number) for operation. */
static rucio_status pick_protocol(rucio_client *c, const rucio_json *doc,
                                  const char *rse, const char *operation,
                                  rl_rse_info *out)
{
    int list = rl_json_object_get(doc, 0, "protocols");
    int best = -1, p;
    int64_t best_priority = 0, priority, port;
    size_t i;

    for (i = 0; (p = rl_json_array_get(doc, list, i)) >= 0; i++) {
        priority = https_priority(doc, p, operation);
        if (priority > 0 && (best < 0 || priority < best_priority)) {
            best = p;
            best_priority = priority;
        }
    }
    if (best < 0)
        return rl_error_set(
            &c->_internal.error, RUCIO_E_UNSUPPORTED, "RSEProtocolNotSupported",
            "RSE %s has no https protocol for %s", rse, operation);
    port = number_member(doc, best, "port");
    out->port = port > 0 && port < 65536 ? (uint64_t)port : 443;
    if (string_member(doc, best, "hostname", out->hostname,
                      sizeof out->hostname) != RUCIO_OK ||
        string_member(doc, best, "prefix", out->prefix, sizeof out->prefix) !=
            RUCIO_OK ||
        !out->hostname[0])
        return bad_answer(c, "protocol without hostname or prefix");
    return RUCIO_OK;
}

/* "hash" (also the server's "default") or "identity"; others are
 * policy packages' own code, which only Python can run. */
static rucio_status read_lfn2pfn(rucio_client *c, const rucio_json *doc,
                                 const char *rse, rl_rse_info *out)
{
    char algorithm[32];

    if (string_member(doc, 0, "lfn2pfn_algorithm", algorithm,
                      sizeof algorithm) != RUCIO_OK)
        return bad_answer(c, "lfn2pfn_algorithm");
    out->lfn2pfn_identity = strcmp(algorithm, "identity") == 0;
    if (out->lfn2pfn_identity || !algorithm[0] ||
        strcmp(algorithm, "hash") == 0 || strcmp(algorithm, "default") == 0)
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_UNSUPPORTED,
                        "RSEProtocolNotSupported",
                        "RSE %s uses lfn2pfn algorithm \"%s\"; rucio-lite "
                        "knows hash and identity",
                        rse, algorithm);
}

rucio_status rl_catalog_rse(rucio_client *c, const char *rse,
                            const char *operation, rl_rse_info *out)
{
    rucio_json_token tokens[RSE_TOKENS];
    rucio_json doc;
    char path[160];
    rucio_strbuf b;
    rucio_status st;

    memset(out, 0, sizeof *out);
    rucio_strbuf_init(&b, path, sizeof path);
    rucio_strbuf_puts(&b, "rses/");
    rucio_url_quote_plus(&b, rse, strlen(rse));
    if (b.status != RUCIO_OK)
        return too_long(c, "RSE name");
    st = get_json(c, path, &doc, tokens);
    if (st != RUCIO_OK)
        return st;
    out->deterministic =
        rl_json_type_of(&doc, rl_json_object_get(&doc, 0, "deterministic")) !=
        RUCIO_JSON_FALSE;
    if (string_member(&doc, 0, "sign_url", out->sign_service,
                      sizeof out->sign_service) != RUCIO_OK)
        out->sign_service[0] = '\0';
    st = read_lfn2pfn(c, &doc, rse, out);
    return st == RUCIO_OK ? pick_protocol(c, &doc, rse, operation, out) : st;
}

/* Rucio turns the dots of "user.jdoe" and "group.x" into directories. */
static void put_scope_path(rucio_strbuf *b, const char *scope)
{
    int split =
        strncmp(scope, "user", 4) == 0 || strncmp(scope, "group", 5) == 0;

    for (; *scope; scope++) {
        if (split && *scope == '.')
            rucio_strbuf_putc(b, '/');
        else
            rucio_strbuf_putc(b, *scope);
    }
}

/* hash: <scope>/<md5[0:2]>/<md5[2:4]>/<name>, md5 of "<scope>:<name>". */
static void put_hash_dirs(rucio_strbuf *b, const char *scope, const char *name)
{
    uint8_t digest[16];
    char hex[33];
    rucio_md5 md5;

    rl_md5_init(&md5);
    rl_md5_update(&md5, (const uint8_t *)scope, strlen(scope));
    rl_md5_update(&md5, (const uint8_t *)":", 1);
    rl_md5_update(&md5, (const uint8_t *)name, strlen(name));
    rl_md5_final(&md5, digest);
    rl_md5_hex(digest, hex);
    rucio_strbuf_putc(b, '/');
    rucio_strbuf_append(b, hex, 2);
    rucio_strbuf_putc(b, '/');
    rucio_strbuf_append(b, hex + 2, 2);
}

rucio_status rl_catalog_pfn(rucio_client *c, const rl_rse_info *rse,
                            const char *scope, const char *name, char *out,
                            size_t cap)
{
    const char *prefix = rse->prefix;
    size_t plen = strlen(prefix);
    rucio_strbuf b;

    /* Python's lfns2pfns: "https://" host ":" port, the prefix with one
     * leading and one trailing slash, then the path. */
    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_puts(&b, "https://");
    rucio_strbuf_puts(&b, rse->hostname);
    rucio_strbuf_putc(&b, ':');
    rucio_strbuf_put_u64(&b, rse->port);
    if (prefix[0] != '/')
        rucio_strbuf_putc(&b, '/');
    rucio_strbuf_puts(&b, prefix);
    if (plen > 0 && prefix[plen - 1] != '/')
        rucio_strbuf_putc(&b, '/');
    put_scope_path(&b, scope);
    if (!rse->lfn2pfn_identity)
        put_hash_dirs(&b, scope, name);
    rucio_strbuf_putc(&b, '/');
    rucio_strbuf_puts(&b, name);
    return b.status == RUCIO_OK ? RUCIO_OK : too_long(c, "PFN");
}

/* ---- DIDs and replicas ------------------------------------------------- */

rucio_status rl_catalog_did(rucio_client *c, const char *scope,
                            const char *name, rl_did_meta *out)
{
    rucio_json_token tokens[RSE_TOKENS];
    rucio_json doc;
    char path[1024];
    int64_t bytes;
    rucio_status st;

    memset(out, 0, sizeof *out);
    st = rl_catalog_did_path(c, scope, name, "/meta", path, sizeof path);
    if (st == RUCIO_OK)
        st = get_json(c, path, &doc, tokens);
    if (st == RUCIO_E_SERVER && strcmp(c->_internal.error.exception_class,
                                       "DataIdentifierNotFound") == 0) {
        rl_error_clear(&c->_internal.error);
        return RUCIO_OK;
    }
    if (st != RUCIO_OK)
        return st;
    out->exists = 1;
    bytes = number_member(&doc, 0, "bytes");
    out->bytes = bytes > 0 ? (uint64_t)bytes : 0;
    if (string_member(&doc, 0, "adler32", out->adler32, sizeof out->adler32) !=
            RUCIO_OK ||
        string_member(&doc, 0, "md5", out->md5, sizeof out->md5) != RUCIO_OK)
        return bad_answer(c, "checksums of the DID");
    return RUCIO_OK;
}

rucio_status rl_catalog_list_replicas(rucio_client *c, const char *scope,
                                      const char *name, int all_states,
                                      const char *rse_expression,
                                      size_t *out_len)
{
    rucio_strbuf b;
    rucio_call call;

    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    rucio_strbuf_puts(&b, "{\"dids\":[{\"scope\":");
    rl_json_put_string(&b, scope);
    rucio_strbuf_puts(&b, ",\"name\":");
    rl_json_put_string(&b, name);
    rucio_strbuf_puts(&b, "}],\"schemes\":[\"https\"],\"all_states\":");
    rucio_strbuf_puts(&b, all_states ? "true" : "false");
    rucio_strbuf_puts(&b, ",\"resolve_archives\":true,"
                          "\"resolve_parents\":false");
    if (rse_expression && *rse_expression) {
        rucio_strbuf_puts(&b, ",\"rse_expression\":");
        rl_json_put_string(&b, rse_expression);
    }
    rucio_strbuf_putc(&b, '}');
    if (b.status != RUCIO_OK)
        return too_long(c, "scope, name or RSE expression");
    memset(&call, 0, sizeof call);
    call.method = "POST";
    call.path = "replicas/list";
    call.body = b.data;
    return rl_api_call(c, &call, 1, 200, out_len);
}

rucio_status rl_catalog_replica_state(rucio_client *c, const char *scope,
                                      const char *name, const char *rse,
                                      char *out_state)
{
    rucio_json_token tokens[RSE_TOKENS];
    rucio_json doc;
    char state[24];
    size_t len = 0;
    rucio_status st;

    *out_state = 0;
    st = rl_catalog_list_replicas(c, scope, name, 1, rse, &len);
    if (st != RUCIO_OK || len == 0)
        return st; /* no line: no replica there */
    if (rl_json_parse(&doc, c->_internal.scratch.body, len, tokens,
                      RSE_TOKENS) != RUCIO_OK)
        return bad_answer(c, "replicas/list");
    if (string_member(&doc, rl_json_object_get(&doc, 0, "states"), rse, state,
                      sizeof state) != RUCIO_OK)
        return bad_answer(c, "replica state");
    if (strcmp(state, "AVAILABLE") == 0)
        *out_state = 'A';
    else
        *out_state = state[0];
    return RUCIO_OK;
}

rucio_status rl_catalog_send(rucio_client *c, const rucio_strbuf *b,
                             const char *method, const char *path, int expect,
                             const char *tolerated)
{
    rucio_call call;
    size_t len = 0;
    rucio_status st;

    if (b->status != RUCIO_OK)
        return too_long(c, "request");
    memset(&call, 0, sizeof call);
    call.method = method;
    call.path = path;
    call.body = b->data;
    st = rl_api_call(c, &call, 1, expect, &len);
    if (st == RUCIO_E_SERVER && tolerated &&
        strcmp(c->_internal.error.exception_class, tolerated) == 0) {
        rl_error_clear(&c->_internal.error);
        return RUCIO_OK;
    }
    return st;
}

int rl_catalog_adler_equal(const char *a, const char *b)
{
    while (*a == '0')
        a++;
    while (*b == '0')
        b++;
    return strcmp(a, b) == 0;
}

#endif /* RUCIO_WITH_TRANSFER */
