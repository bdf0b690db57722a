/*
 * rucio-lite: moving a file through a signed URL.
 *
 * A URL from rucio_get_signed_url works without further authentication
 * until it expires. These calls use it: PUT a body of known 64-bit length
 * from a source, GET into a sink, DELETE. Memory stays constant whatever
 * the size: bytes pass from the source to the connection, or from the
 * connection to the sink, through the connection's own buffers.
 *
 * The URL is split once into host, port and path-with-query, and the
 * query is sent exactly as the server signed it, never re-encoded. Only
 * Host (and Content-Length for a PUT, Range when a download resumes) is
 * sent: S3 presigned URLs sign `host` alone, and GCS V2 and Swift temp
 * URLs sign no header at all. Nothing of the Rucio session (token,
 * account, password) ever goes to the storage.
 *
 * The storage gets a connection of its own, kept alive between
 * transfers, with the client's TLS rules (CA, verification, SNI) but
 * never the client certificate. Adler-32 and MD5, the checksums Rucio
 * records, are computed on the fly both ways. A download cut by the
 * network resumes with a Range request from the last byte received. A
 * storage error becomes RUCIO_E_STORAGE with the storage's own code (S3
 * and GCS <Code>, else "StorageError") as the error class and its
 * message.
 */
#ifndef RUCIO_TRANSFER_H
#define RUCIO_TRANSFER_H

#include <stdint.h>

#include "rucio/build_config.h"
#include "rucio/client.h"
#include "rucio/http.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Called as bytes move: done of total (total 0 when not yet known). */
typedef void (*rucio_progress_fn)(void *user, uint64_t done, uint64_t total);

typedef struct rucio_transfer_options {
    rucio_progress_fn progress;   /* NULL: no reports */
    void *progress_user;
} rucio_transfer_options;

/* What a transfer did. */
typedef struct rucio_transfer_result {
    int http_status;              /* of the last response */
    uint64_t bytes;               /* body bytes sent (PUT) or received (GET) */
    uint64_t total;               /* object size the storage stated (GET) */
    uint32_t resumed;             /* Range requests after a cut (GET) */
    char adler32[9];              /* of the bytes moved, as Rucio writes it */
    char md5[33];
} rucio_transfer_result;

/* Fill with defaults: no progress reports. */
void rucio_transfer_options_default(rucio_transfer_options *opt);

/*
 * PUT body (body->length bytes) to signed_url. A source with rewind lets
 * a request that failed before any response byte go out once more on a
 * new connection. RUCIO_OK when the storage answered 2xx; *out (may be
 * NULL) has the checksums of what was sent.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (client or body NULL);
 * RUCIO_E_BAD_URL (not an absolute http(s) URL); RUCIO_E_ABORTED (the
 * source or the progress callback stopped it); RUCIO_E_STORAGE (the
 * storage refused: its code and message in rucio_client_last_error);
 * the network statuses of the call statuses (rucio/client.h).
 */
RUCIO_NODISCARD
rucio_status rucio_transfer_put(rucio_client *client, const char *signed_url,
                                const rucio_http_source *body,
                                const rucio_transfer_options *opt,
                                rucio_transfer_result *out);

/*
 * GET signed_url into sink. A connection lost after the request was sent
 * (before the answer, or during a 2xx one) is tried again, with
 * "Range: bytes=<received>-" once bytes arrived (3 attempts in all); the
 * storage must answer 206
 * from exactly that byte, else the call fails rather than deliver a
 * different object. The sink sees every byte once, in order.
 * Statuses: as rucio_transfer_put (the sink for the source), and
 * RUCIO_E_BAD_ANSWER when a resumed answer does not start at the byte
 * asked for.
 */
RUCIO_NODISCARD
rucio_status rucio_transfer_get(rucio_client *client, const char *signed_url,
                                const rucio_http_sink *sink,
                                const rucio_transfer_options *opt,
                                rucio_transfer_result *out);

/* DELETE signed_url. Statuses: as rucio_transfer_put. */
RUCIO_NODISCARD
rucio_status rucio_transfer_delete(rucio_client *client,
                                   const char *signed_url,
                                   rucio_transfer_result *out);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_TRANSFER_H */
