/* rucio-lite: Rucio's upload for RSEs that sign URLs (rucio/upload.h). */
#include "rucio/upload.h"

#if RUCIO_WITH_TRANSFER

#include <string.h>

#include "client/catalog.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/transfer_internal.h"
#include "core/checksum.h"
#include "json/json.h"

/* Lifetime of the URLs an upload signs: the transfer must start within
 * it (as the server's default for rucio upload). */
#define SIGNED_URL_LIFETIME 3600

/* One upload in progress. */
typedef struct upload {
    rucio_client *c;
    const rucio_upload_file *f;
    rucio_upload_result *out;
    const char *scope;
    rl_rse_info rse;
    rl_did_meta did;
    char adler32[9]; /* of the file, before it is sent */
    char md5[33];
    char dataset_path[1024]; /* dids/<scope>/<name> of the dataset and */
    char attach_path[1024];  /* its .../dids, made before anything moves */
} upload;

static rucio_status invalid(rucio_client *c, const char *what)
{
    return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                        "InputValidationError", "%s", what);
}

static int lower_hex(const char *s, size_t n)
{
    size_t i;

    if (!s || strlen(s) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int has_text(const char *s)
{
    return s && *s;
}

static rucio_status check_file(rucio_client *c, const rucio_upload_file *f)
{
    int with_sums = f->adler32 || f->md5;

    if (!has_text(f->rse) || !has_text(f->name))
        return invalid(c, "an upload needs an RSE and a name");
    if (!f->body || !f->body->read)
        return invalid(c, "an upload needs a body source");
    if (has_text(f->dataset_scope) != has_text(f->dataset_name))
        return invalid(c, "a dataset needs both a scope and a name");
    if (with_sums && (!lower_hex(f->adler32, 8) || !lower_hex(f->md5, 32)))
        return invalid(c, "checksums must be 8 (adler32) and 32 (md5) "
                          "lower-case hex digits, both given");
    if (!with_sums && !f->body->rewind)
        return invalid(c, "without checksums the body source must rewind "
                          "(it is read twice)");
    return RUCIO_OK;
}

/* The scope, as rucio upload defaults it: "user.<account>". */
static rucio_status choose_scope(upload *u)
{
    rucio_client *c = u->c;

    if (has_text(u->f->scope))
        return rucio_strbuf_copy(u->out->scope, sizeof u->out->scope,
                                 u->f->scope) == RUCIO_OK
                   ? RUCIO_OK
                   : invalid(c, "scope too long");
    if (!c->_internal.settings.account[0])
        return invalid(c, "no scope given and no account to make "
                          "user.<account> of");
    if (rucio_format(u->out->scope, sizeof u->out->scope, "user.%s",
                     c->_internal.settings.account) != RUCIO_OK)
        return invalid(c, "account too long for a scope");
    return RUCIO_OK;
}

/* ---- the file's checksums ------------------------------------------------ */

/* Read the whole body once (through the client's body buffer, which is
 * free at this point) and rewind it. */
static rucio_status checksum_body(upload *u)
{
    const rucio_http_source *src = u->f->body;
    uint8_t *buf = (uint8_t *)u->c->_internal.scratch.body;
    uint64_t total = 0;
    rucio_adler32 adler;
    uint8_t digest[16];
    rucio_md5 md5;
    size_t n;
    rucio_status st;

    rl_adler32_init(&adler);
    rl_md5_init(&md5);
    while (total < src->length) {
        st = src->read(src->user, buf, sizeof u->c->_internal.scratch.body, &n);
        if (st != RUCIO_OK || n == 0 || n > sizeof u->c->_internal.scratch.body)
            return rl_error_set(
                &u->c->_internal.error, st != RUCIO_OK ? st : RUCIO_E_CHECKSUM,
                st != RUCIO_OK ? "RucioException" : "FileConsistencyMismatch",
                "reading the file for its checksums failed "
                "after %llu of %llu bytes",
                (unsigned long long)total, (unsigned long long)src->length);
        rl_adler32_update(&adler, buf, n);
        rl_md5_update(&md5, buf, n);
        total += n;
    }
    rl_adler32_hex(rl_adler32_value(&adler), u->adler32);
    rl_md5_final(&md5, digest);
    rl_md5_hex(digest, u->md5);
    return src->rewind(src->user);
}

static rucio_status file_checksums(upload *u)
{
    if (u->f->adler32) {
        memcpy(u->adler32, u->f->adler32, sizeof u->adler32);
        memcpy(u->md5, u->f->md5, sizeof u->md5);
        return RUCIO_OK;
    }
    return checksum_body(u);
}

/* ---- before the transfer ---------------------------------------------- */

static rucio_status choose_pfn(upload *u)
{
    rucio_client *c = u->c;

    if (!u->rse.sign_service[0])
        return rl_error_set(&c->_internal.error, RUCIO_E_UNSUPPORTED,
                            "RSEProtocolNotSupported",
                            "RSE %s has no sign_url attribute: rucio-lite "
                            "uploads through signed URLs only",
                            u->f->rse);
    if (has_text(u->f->pfn))
        return rucio_strbuf_copy(u->out->pfn, sizeof u->out->pfn, u->f->pfn) ==
                       RUCIO_OK
                   ? RUCIO_OK
                   : invalid(c, "PFN too long");
    if (!u->rse.deterministic)
        return rl_error_set(
            &c->_internal.error, RUCIO_E_UNSUPPORTED, "InputValidationError",
            "RSE %s is not deterministic: give the PFN", u->f->rse);
    return rl_catalog_pfn(c, &u->rse, u->scope, u->f->name, u->out->pfn,
                          sizeof u->out->pfn);
}

/* An existing DID must hold the same bytes (Python compares Adler-32 as
 * here); with an available replica on the RSE there is nothing to do. */
static rucio_status check_did(upload *u, char *replica_state)
{
    rucio_client *c = u->c;
    rucio_status st;

    *replica_state = 0;
    st = rl_catalog_did(c, u->scope, u->f->name, &u->did);
    if (st != RUCIO_OK || !u->did.exists)
        return st;
    if (!rl_catalog_adler_equal(u->did.adler32, u->adler32))
        return rl_error_set(&c->_internal.error, RUCIO_E_SERVER,
                            "DataIdentifierAlreadyExists",
                            "%s:%s exists with adler32 %s; the local file "
                            "has %s",
                            u->scope, u->f->name, u->did.adler32, u->adler32);
    return rl_catalog_replica_state(c, u->scope, u->f->name, u->f->rse,
                                    replica_state);
}

/* ---- the transfer ----------------------------------------------------- */

static rucio_status sign(upload *u, const char *operation)
{
    return rucio_get_signed_url(u->c, u->f->rse, u->rse.sign_service, operation,
                                u->out->pfn, SIGNED_URL_LIFETIME,
                                u->c->_internal.storage_url,
                                sizeof u->c->_internal.storage_url);
}

/* Best effort: an object that will not be registered is removed, so that
 * no dark data stays behind. The error that led here is kept. */
static void remove_object(upload *u)
{
    rucio_error kept = u->c->_internal.error;
    rucio_transfer_result ignored;

    if (sign(u, "delete") == RUCIO_OK &&
        rucio_transfer_delete(u->c, u->c->_internal.storage_url, &ignored) ==
            RUCIO_OK)
        rucio_log(&u->c->_internal.logger, RUCIO_LOG_INFO,
                  "the object sent was deleted from the storage");
    u->c->_internal.error = kept;
}

static rucio_status mismatch(upload *u, const char *what, const char *expected,
                             const char *got)
{
    rl_error_set(&u->c->_internal.error, RUCIO_E_CHECKSUM,
                 "FileConsistencyMismatch",
                 "%s: %s before the upload, %s sent; nothing registered", what,
                 expected, got);
    remove_object(u);
    return RUCIO_E_CHECKSUM;
}

/* PUT, then the bytes sent must be the bytes checksummed before. */
static rucio_status put_object(upload *u, const rucio_transfer_options *opt)
{
    rucio_transfer_result *r = &u->out->transfer;
    rucio_status st = sign(u, "write");

    if (st == RUCIO_OK)
        st = rucio_transfer_put(u->c, u->c->_internal.storage_url, u->f->body,
                                opt, r);
    if (st != RUCIO_OK)
        return st;
    if (strcmp(r->adler32, u->adler32) != 0)
        return mismatch(u, "the file changed while it was uploaded (adler32)",
                        u->adler32, r->adler32);
    if (strcmp(r->md5, u->md5) != 0)
        return mismatch(u, "the file changed while it was uploaded (md5)",
                        u->md5, r->md5);
    return RUCIO_OK;
}

/* The size the storage holds, through a signed read URL. */
static rucio_status check_stored_size(upload *u)
{
    uint64_t size = 0;
    char want[24], got[24];
    rucio_status st = sign(u, "read");

    if (st == RUCIO_OK)
        st = rl_transfer_size(u->c, u->c->_internal.storage_url, &size);
    if (st != RUCIO_OK) {
        remove_object(u);
        return st;
    }
    if (size == u->out->transfer.bytes)
        return RUCIO_OK;
    rucio_format(want, sizeof want, "%llu bytes",
                 (unsigned long long)u->out->transfer.bytes);
    rucio_format(got, sizeof got, "%llu bytes", (unsigned long long)size);
    rl_error_set(&u->c->_internal.error, RUCIO_E_CHECKSUM,
                 "FileConsistencyMismatch",
                 "the storage holds %s where %s were sent; nothing "
                 "registered",
                 got, want);
    remove_object(u);
    return RUCIO_E_CHECKSUM;
}

/* ---- registration ----------------------------------------------------- */

/* The dataset with a rule on the RSE, as rucio upload creates it; an
 * existing one is used as it is. */
static rucio_status add_dataset(upload *u)
{
    rucio_client *c = u->c;
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    rucio_strbuf_puts(&b, "{\"type\":\"DATASET\",\"lifetime\":null,"
                          "\"rules\":[{\"account\":");
    rl_json_put_string(&b, c->_internal.settings.account);
    rucio_strbuf_puts(&b, ",\"copies\":1,\"rse_expression\":");
    rl_json_put_string(&b, u->f->rse);
    rucio_strbuf_puts(&b, ",\"grouping\":\"DATASET\",\"lifetime\":null}]}");
    return rl_catalog_send(c, &b, "POST", u->dataset_path, 201,
                           "DataIdentifierAlreadyExists");
}

/* {"scope":S,"name":N after open. */
static void put_file_did(rucio_strbuf *b, const char *open, const upload *u)
{
    rucio_strbuf_puts(b, open);
    rucio_strbuf_puts(b, "{\"scope\":");
    rl_json_put_string(b, u->scope);
    rucio_strbuf_puts(b, ",\"name\":");
    rl_json_put_string(b, u->f->name);
}

/* The replica as the Python client's add_replicas sends it, state A. */
static void put_new_replica(rucio_strbuf *b, const upload *u)
{
    rucio_strbuf_puts(b, ",\"bytes\":");
    rucio_strbuf_put_u64(b, u->out->transfer.bytes);
    rucio_strbuf_puts(b, ",\"adler32\":");
    rl_json_put_string(b, u->adler32);
    rucio_strbuf_puts(b, ",\"md5\":");
    rl_json_put_string(b, u->md5);
    if (has_text(u->f->pfn)) {
        rucio_strbuf_puts(b, ",\"pfn\":");
        rl_json_put_string(b, u->f->pfn);
    }
    rucio_strbuf_puts(b, ",\"state\":\"A\"}],\"ignore_availability\":true}");
}

/* POST replicas (state A); or, for a replica an earlier attempt left
 * behind (COPYING), PUT replicas to make it available. */
static rucio_status add_replica(upload *u, char replica_state)
{
    rucio_client *c = u->c;
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    rucio_strbuf_puts(&b, "{\"rse\":");
    rl_json_put_string(&b, u->f->rse);
    put_file_did(&b, ",\"files\":[", u);
    if (replica_state)
        rucio_strbuf_puts(&b, ",\"state\":\"A\"}]}");
    else
        put_new_replica(&b, u);
    if (replica_state)
        return rl_catalog_send(c, &b, "PUT", "replicas", 200, NULL);
    return rl_catalog_send(c, &b, "POST", "replicas", 201, NULL);
}

/* The rule rucio upload adds for a new file outside a dataset: the
 * members of the Python client's add_replication_rule, in its order. */
static rucio_status add_rule(upload *u)
{
    rucio_client *c = u->c;
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    put_file_did(&b, "{\"dids\":[", u);
    rucio_strbuf_puts(&b, "}],\"copies\":1,\"rse_expression\":");
    rl_json_put_string(&b, u->f->rse);
    rucio_strbuf_puts(
        &b, ",\"weight\":null,\"lifetime\":null,\"grouping\":\"DATASET\","
            "\"account\":null,\"locked\":false,"
            "\"source_replica_expression\":null,\"activity\":null,"
            "\"notify\":\"N\",\"purge_replicas\":false,"
            "\"ignore_availability\":false,\"comment\":null,"
            "\"ask_approval\":false,\"asynchronous\":false,"
            "\"delay_injection\":null,\"priority\":3,\"meta\":null}");
    /* A POST resent after a connection died may find its rule made. */
    return rl_catalog_send(c, &b, "POST", "rules/", 201, "DuplicateRule");
}

static rucio_status attach(upload *u)
{
    rucio_client *c = u->c;
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->_internal.query, sizeof c->_internal.query);
    put_file_did(&b, "{\"dids\":[", u);
    rucio_strbuf_puts(&b, "}]}");
    return rl_catalog_send(c, &b, "POST", u->attach_path, 201, NULL);
}

/* After the object is on the storage: the dataset, the replica, then a
 * rule or the attachment, in rucio upload's order. */
static rucio_status register_file(upload *u, char replica_state)
{
    int in_dataset = has_text(u->f->dataset_name);
    rucio_status st = in_dataset ? add_dataset(u) : RUCIO_OK;

    if (st == RUCIO_OK)
        st = add_replica(u, replica_state);
    if (st != RUCIO_OK) {
        remove_object(u);
        return st;
    }
    if (!in_dataset)
        return u->did.exists ? RUCIO_OK : add_rule(u);
    return attach(u);
}

/* ---- the call --------------------------------------------------------- */

/* The dataset's paths, so that a name too long fails before anything
 * is stored or registered. */
static rucio_status dataset_paths(upload *u)
{
    const rucio_upload_file *f = u->f;
    rucio_status st;

    if (!has_text(f->dataset_name))
        return RUCIO_OK;
    st = rl_catalog_did_path(u->c, f->dataset_scope, f->dataset_name, "",
                             u->dataset_path, sizeof u->dataset_path);
    if (st == RUCIO_OK)
        st = rl_catalog_did_path(u->c, f->dataset_scope, f->dataset_name,
                                 "/dids", u->attach_path,
                                 sizeof u->attach_path);
    return st;
}

static rucio_status run_upload(upload *u, const rucio_transfer_options *opt)
{
    char replica_state = 0;
    rucio_status st = choose_scope(u);

    u->scope = u->out->scope;
    if (st == RUCIO_OK)
        st = dataset_paths(u);
    if (st == RUCIO_OK)
        st = rl_catalog_rse(u->c, u->f->rse, "write", &u->rse);
    if (st == RUCIO_OK)
        st = choose_pfn(u);
    if (st == RUCIO_OK)
        st = file_checksums(u);
    if (st == RUCIO_OK)
        st = check_did(u, &replica_state);
    if (st != RUCIO_OK)
        return st;
    if (replica_state == 'A') {
        /* What the file is, as if it had been sent again. */
        u->out->already_there = 1;
        u->out->transfer.bytes = u->f->body->length;
        memcpy(u->out->transfer.adler32, u->adler32, sizeof u->adler32);
        memcpy(u->out->transfer.md5, u->md5, sizeof u->md5);
        return RUCIO_OK;
    }
    st = put_object(u, opt);
    if (st == RUCIO_OK)
        st = check_stored_size(u);
    return st == RUCIO_OK ? register_file(u, replica_state) : st;
}

rucio_status rucio_upload(rucio_client *c, const rucio_upload_file *f,
                          const rucio_transfer_options *opt,
                          rucio_upload_result *out)
{
    rucio_upload_result local;
    upload u;
    rucio_status st;

    if (!c)
        return RUCIO_E_INVALID_ARG;
    rl_call_begin(c);
    if (!f)
        return invalid(c, "rucio_upload needs a file");
    st = check_file(c, f);
    if (st != RUCIO_OK)
        return st;
    memset(&u, 0, sizeof u);
    u.c = c;
    u.f = f;
    u.out = out ? out : &local;
    memset(u.out, 0, sizeof *u.out);
    return run_upload(&u, opt);
}

#endif /* RUCIO_WITH_TRANSFER */
