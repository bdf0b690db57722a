/* rucio-lite: Rucio's download of a file DID (rucio/upload.h). */
#include "rucio/upload.h"

#if RUCIO_WITH_TRANSFER

#include <string.h>

#include "client/api.h"
#include "client/catalog.h"
#include "client/errors.h"
#include "json/json.h"

/* Tokens for one line of replicas/list: about 12 plus 16 per PFN. */
#define LINE_TOKENS 256

static rucio_status invalid(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                        "InputValidationError", "%s", what);
}

static rucio_status bad_answer(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_JSON, "RucioException",
                        "unexpected answer from the server: %s", what);
}

/* Only spaces and line ends in text[0..len). */
static int blank(const char *text, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
            text[i] != '\n')
            return 0;
    return 1;
}

/* No line: the server lists nothing for a DID that does not exist, and
 * for one without a replica; one more request tells which. */
static rucio_status no_replica(rucio_client *c, const char *scope,
                               const char *name)
{
    rl_did_meta did;
    rucio_status st = rl_catalog_did(c, scope, name, &did);

    if (st != RUCIO_OK)
        return st;
    if (!did.exists)
        return rl_error_set(&c->_internal.error, RUCIO_E_SERVER,
                            "DataIdentifierNotFound",
                            "Data identifier '%s:%s' not found", scope, name);
    return rl_error_set(&c->_internal.error, RUCIO_E_SERVER,
                        "ReplicaNotFound",
                        "%s:%s has no available https replica", scope, name);
}

/* The answer is one JSON line per file: a file DID has one line; more
 * mean a dataset or container, which this call does not download. */
static rucio_status one_line(rucio_client *c, size_t len, size_t *out_line)
{
    const char *body = c->_internal.scratch.body;
    const char *nl = memchr(body, '\n', len);

    *out_line = nl ? (size_t)(nl - body) : len;
    if (blank(body + *out_line, len - *out_line))
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_UNSUPPORTED,
                        "InputValidationError",
                        "the DID holds several files: download them one by "
                        "one");
}

static int64_t priority_of(const rucio_json *doc, int info)
{
    int64_t p = 0;

    if (rl_json_get_int64(doc, rl_json_object_get(doc, info, "priority"), &p) !=
            RUCIO_OK ||
        p <= 0)
        return INT64_MAX;
    return p;
}

static int on_tape(const rucio_json *doc, int info)
{
    char type[16];

    return rl_json_get_string(doc, rl_json_object_get(doc, info, "type"), type,
                              sizeof type, NULL) == RUCIO_OK &&
           strcmp(type, "TAPE") == 0;
}

/* PFN key a is tried before key b: a smaller priority, or the same and
 * earlier in the line. */
static int tried_before(const rucio_json *doc, int a, int b)
{
    int64_t pa = priority_of(doc, a + 1), pb = priority_of(doc, b + 1);

    return pa < pb || (pa == pb && a < b);
}

/* The key of the disk PFN tried rank-th (0: first), or -1; *count says
 * how many disk PFNs the line has. A handful per file: quadratic is
 * fine, and needs no memory. */
static int ranked_pfn(const rucio_json *doc, int pfns, size_t rank,
                      size_t *count)
{
    int key, other, found = -1;
    size_t i, j, before;

    *count = 0;
    for (i = 0; (key = rl_json_object_key_at(doc, pfns, i)) >= 0; i++) {
        if (on_tape(doc, key + 1))
            continue;
        (*count)++;
        before = 0;
        for (j = 0; (other = rl_json_object_key_at(doc, pfns, j)) >= 0; j++)
            if (other != key && !on_tape(doc, other + 1) &&
                tried_before(doc, other, key))
                before++;
        if (before == rank)
            found = key;
    }
    return found;
}

/* The disk PFN tried rank-th into storage_url, and its RSE's name into
 * out->rse; *count: the disk PFNs there are. */
static rucio_status pick_pfn(rucio_client *c, const rucio_json *doc,
                             size_t rank, rucio_download_result *out,
                             size_t *count)
{
    int best = ranked_pfn(doc, rl_json_object_get(doc, 0, "pfns"), rank,
                          count);

    if (best < 0)
        return rl_error_set(&c->_internal.error, RUCIO_E_SERVER,
                            "ReplicaNotFound",
                            "no available https replica of the DID");
    if (rl_json_get_string(doc, best, c->_internal.storage_url,
                           sizeof c->_internal.storage_url, NULL) != RUCIO_OK ||
        rl_json_get_string(doc, rl_json_object_get(doc, best + 1, "rse"),
                           out->rse, sizeof out->rse, NULL) != RUCIO_OK)
        return bad_answer(c, "PFN or RSE name too long");
    return RUCIO_OK;
}

/* What the catalogue says of the file: checked against the bytes. */
static rucio_status read_catalogue(rucio_client *c, const rucio_json *doc,
                                   rucio_download_result *out)
{
    int64_t bytes = -1;
    int tok;

    if (rl_json_get_int64(doc, rl_json_object_get(doc, 0, "bytes"), &bytes) !=
            RUCIO_OK ||
        bytes < 0)
        return bad_answer(c, "no size for the file");
    out->catalogue_bytes = (uint64_t)bytes;
    tok = rl_json_object_get(doc, 0, "adler32");
    if (tok >= 0 && !rl_json_is_null(doc, tok) &&
        rl_json_get_string(doc, tok, out->catalogue_adler32,
                           sizeof out->catalogue_adler32, NULL) != RUCIO_OK)
        return bad_answer(c, "adler32");
    tok = rl_json_object_get(doc, 0, "md5");
    if (tok >= 0 && !rl_json_is_null(doc, tok) &&
        rl_json_get_string(doc, tok, out->catalogue_md5,
                           sizeof out->catalogue_md5, NULL) != RUCIO_OK)
        return bad_answer(c, "md5");
    return RUCIO_OK;
}

/* The line is the DID's own: the server answers for a dataset with the
 * lines of its files, even when it holds only one. */
static rucio_status check_line_is(rucio_client *c, const rucio_json *doc,
                                  const char *scope, const char *name)
{
    char s[32], n[256]; /* Rucio: scopes up to 25, names up to 250 */

    if (rl_json_get_string(doc, rl_json_object_get(doc, 0, "scope"), s,
                           sizeof s, NULL) == RUCIO_OK &&
        rl_json_get_string(doc, rl_json_object_get(doc, 0, "name"), n,
                           sizeof n, NULL) == RUCIO_OK &&
        strcmp(s, scope) == 0 && strcmp(n, name) == 0)
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_UNSUPPORTED,
                        "InputValidationError",
                        "%s:%s is a dataset or container: download its "
                        "files one by one",
                        scope, name);
}

/* The replica to read rank-th and the values to check, from
 * replicas/list (asked again for each: the signed URLs of the last
 * answer are gone with the storage's error body); *count: how many
 * replicas there are to try. */
static rucio_status choose_replica(rucio_client *c, const char *scope,
                                   const char *name, const char *rse_expression,
                                   size_t rank, rucio_download_result *out,
                                   size_t *count)
{
    rucio_json_token tokens[LINE_TOKENS];
    rucio_json doc;
    size_t len = 0, line = 0;
    rucio_status st;

    st = rl_catalog_list_replicas(c, scope, name, 0, rse_expression, &len);
    if (st == RUCIO_OK && blank(c->_internal.scratch.body, len))
        return no_replica(c, scope, name);
    if (st == RUCIO_OK)
        st = one_line(c, len, &line);
    if (st != RUCIO_OK)
        return st;
    if (rl_json_parse(&doc, c->_internal.scratch.body, line, tokens,
                      LINE_TOKENS) != RUCIO_OK ||
        rl_json_type_of(&doc, 0) != RUCIO_JSON_OBJECT)
        return bad_answer(c, "replicas/list line is not a JSON object");
    st = check_line_is(c, &doc, scope, name);
    if (st == RUCIO_OK)
        st = read_catalogue(c, &doc, out);
    return st == RUCIO_OK ? pick_pfn(c, &doc, rank, out, count) : st;
}

static rucio_status verify(rucio_client *c, const rucio_download_result *r)
{
    const rucio_transfer_result *t = &r->transfer;

    if (t->bytes != r->catalogue_bytes)
        return rl_error_set(&c->_internal.error, RUCIO_E_CHECKSUM,
                            "FileConsistencyMismatch",
                            "received %llu bytes; the catalogue says %llu",
                            (unsigned long long)t->bytes,
                            (unsigned long long)r->catalogue_bytes);
    if (r->catalogue_adler32[0] &&
        !rl_catalog_adler_equal(r->catalogue_adler32, t->adler32))
        return rl_error_set(&c->_internal.error, RUCIO_E_CHECKSUM,
                            "FileConsistencyMismatch",
                            "adler32 of the data received is %s; the "
                            "catalogue says %s",
                            t->adler32, r->catalogue_adler32);
    if (r->catalogue_md5[0] && strcmp(r->catalogue_md5, t->md5) != 0)
        return rl_error_set(&c->_internal.error, RUCIO_E_CHECKSUM,
                            "FileConsistencyMismatch",
                            "md5 of the data received is %s; the catalogue "
                            "says %s",
                            t->md5, r->catalogue_md5);
    return RUCIO_OK;
}

/* A failure of the storage or of the way to it, before any byte reached
 * the sink: another replica may do (the caller's own stop, its sink's
 * failure or a full buffer would recur). */
static int another_replica_may_help(rucio_status st,
                                    const rucio_download_result *r)
{
    if (r->transfer.bytes > 0)
        return 0;
    switch (st) {
    case RUCIO_E_STORAGE:
    case RUCIO_E_BAD_URL:
    case RUCIO_E_DNS:
    case RUCIO_E_CONNECT:
    case RUCIO_E_TIMEOUT:
    case RUCIO_E_IO:
    case RUCIO_E_CLOSED:
    case RUCIO_E_TLS:
    case RUCIO_E_TLS_VERIFY:
    case RUCIO_E_PROTOCOL:
    case RUCIO_E_TRUNCATED:
    case RUCIO_E_HEADER_TOO_LARGE:
    case RUCIO_E_TOO_MANY_HEADERS:
        return 1;
    default:
        return 0;
    }
}

rucio_status rucio_download(rucio_client *c, const char *scope,
                            const char *name, const char *rse_expression,
                            const rucio_http_sink *sink,
                            const rucio_transfer_options *opt,
                            rucio_download_result *out)
{
    rucio_download_result local;
    rucio_status st;
    size_t rank, count = 0;

    if (!c)
        return RUCIO_E_INVALID_ARG;
    rl_call_begin(c);
    if (!scope || !*scope || !name || !*name || !sink || !sink->write)
        return invalid(c, "a download needs a scope, a name and a sink");
    if (!out)
        out = &local;
    for (rank = 0;; rank++) {
        memset(out, 0, sizeof *out);
        st = choose_replica(c, scope, name, rse_expression, rank, out, &count);
        if (st != RUCIO_OK)
            return st;
        st = rucio_transfer_get(c, c->_internal.storage_url, sink, opt,
                                &out->transfer);
        if (st == RUCIO_OK)
            return verify(c, out);
        if (rank + 1 >= count || !another_replica_may_help(st, out))
            return st;
        rucio_log(&c->_internal.logger, RUCIO_LOG_WARN,
                  "%s:%s: the replica on %s failed (%s: %s); trying the "
                  "next",
                  scope, name, out->rse, c->_internal.error.exception_class,
                  c->_internal.error.message);
    }
}

#endif /* RUCIO_WITH_TRANSFER */
