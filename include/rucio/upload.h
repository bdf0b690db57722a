/*
 * rucio-lite: Rucio's upload and download, for RSEs that sign URLs.
 *
 * What `rucio upload` and `rucio download` do for an RSE whose sign_url
 * attribute is gcs, s3 or swift, in constant memory, with the transfers
 * of rucio/transfer.h:
 *
 * upload (register after upload: nothing is in the catalogue until the
 * object is on the storage with the right size):
 *   1. the RSE (GET rses/<rse>): its sign_url service, its https write
 *      protocol of highest priority, deterministic or not, lfn2pfn;
 *   2. the PFN: prefix + the path of the RSE's lfn2pfn algorithm
 *      ("hash": <scope>/<md5[0:2]>/<md5[2:4]>/<name>, "identity":
 *      <scope>/<name>; a scope starting with "user" or "group" has its
 *      dots turned into slashes), or the given PFN (non-deterministic);
 *   3. the DID (GET dids/<scope>/<name>/meta): an existing DID with
 *      another Adler-32 is refused (DataIdentifierAlreadyExists, as
 *      Python refuses it); one with the same and an AVAILABLE replica on
 *      the RSE is left as it is (result.already_there);
 *   4. a signed write URL and the PUT; the checksums of the bytes sent
 *      must equal those computed before (else the file changed while it
 *      was read: the object is deleted, RUCIO_E_CHECKSUM);
 *   5. a signed read URL and a ranged GET of one byte: the size the
 *      storage states (Content-Range) must equal the bytes sent (else
 *      the object is deleted, RUCIO_E_CHECKSUM);
 *   6. the dataset, if given, created with a rule on the RSE (an
 *      existing one is used as it is); the replica (POST replicas, state
 *      AVAILABLE, bytes, adler32, md5); a rule for the file when the DID
 *      was new and no dataset was given; the attachment to the dataset.
 *      When registering the replica fails, the object is deleted.
 * The Python client registers the replica (COPYING) before the transfer
 * and leaves it so when the transfer fails; here a failed upload leaves
 * no replica.
 *
 * download: POST replicas/list for the file DID (the server signs the
 * PFNs of sign_url RSEs for an account allowed to sign), the https
 * replica of highest priority, the GET into the caller's sink (resumed
 * after a cut, rucio/transfer.h); a replica that fails before any byte
 * reached the sink gives way to the next (replicas/list asked again),
 * as `rucio download` tries each source; then bytes, Adler-32 and MD5
 * (when the catalogue has one) compared with the catalogue's: a mismatch is
 * RUCIO_E_CHECKSUM, and the caller throws away what the sink received.
 * The CLI writes into a temporary file renamed into place only then.
 */
#ifndef RUCIO_UPLOAD_H
#define RUCIO_UPLOAD_H

#include "rucio/transfer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One file to upload. */
typedef struct rucio_upload_file {
    const char *rse;           /* the RSE; it must have sign_url */
    const char *scope;         /* NULL or "": "user.<account>" */
    const char *name;          /* the file DID's name */
    const char *dataset_scope; /* both set: attach to this dataset, */
    const char *dataset_name;  /* created (with a rule) if missing */
    const char *pfn;           /* non-deterministic RSEs only: the PFN */
    /* The body and its checksums. Without both checksums (8 and 32
     * lower-case hex digits) the source must rewind: it is read once to
     * compute them, then sent. */
    const rucio_http_source *body;
    const char *adler32;
    const char *md5;
} rucio_upload_file;

typedef struct rucio_upload_result {
    rucio_transfer_result transfer; /* what was sent, with its checksums */
    char scope[32];                 /* the scope used */
    char pfn[RUCIO_URL_MAX];        /* where the object is (not signed) */
    int already_there;              /* registered before: nothing moved */
} rucio_upload_result;

typedef struct rucio_download_result {
    rucio_transfer_result transfer; /* what was received, checksums */
    char rse[64];                   /* the RSE of the replica read */
    uint64_t catalogue_bytes;       /* the catalogue's size and */
    char catalogue_adler32[9];      /* checksums ("" when it has none) */
    char catalogue_md5[33];
} rucio_download_result;

/*
 * Upload f->body as f->scope:f->name to f->rse and register it (see
 * above). *out (may be NULL) says what was sent and where.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (a missing field, a bad
 * checksum text, no checksums and no rewind); RUCIO_E_UNSUPPORTED (the
 * RSE has no sign_url, no https write protocol, or an lfn2pfn algorithm
 * other than hash and identity; a non-deterministic RSE without pfn);
 * RUCIO_E_SERVER (the server refused a step, e.g.
 * DataIdentifierAlreadyExists); RUCIO_E_CHECKSUM (the file changed while
 * it was read, or the storage holds another size); the statuses of
 * rucio_transfer_put and of the call statuses (rucio/client.h).
 */
RUCIO_NODISCARD
rucio_status rucio_upload(rucio_client *client, const rucio_upload_file *f,
                          const rucio_transfer_options *opt,
                          rucio_upload_result *out);

/*
 * Download the file DID scope:name into sink from a replica on an RSE
 * matching rse_expression (NULL: any). *out (may be NULL) has what was
 * received and the catalogue's values.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG; RUCIO_E_SERVER (no such DID:
 * DataIdentifierNotFound; no https replica: ReplicaNotFound);
 * RUCIO_E_UNSUPPORTED (a dataset or container); RUCIO_E_CHECKSUM (size,
 * Adler-32 or MD5 differ from the catalogue's); the statuses of
 * rucio_transfer_get and the call statuses.
 */
RUCIO_NODISCARD
rucio_status rucio_download(rucio_client *client, const char *scope,
                            const char *name, const char *rse_expression,
                            const rucio_http_sink *sink,
                            const rucio_transfer_options *opt,
                            rucio_download_result *out);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_UPLOAD_H */
