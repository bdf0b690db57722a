/*
 * rucio-lite (private): what the upload needs of the transfers besides
 * rucio/transfer.h.
 */
#ifndef RUCIO_TRANSFER_INTERNAL_H
#define RUCIO_TRANSFER_INTERNAL_H

#include "rucio/transfer.h"

/*
 * The size of the object behind a signed read URL, from a GET of its
 * first byte: a 206's Content-Range ("bytes 0-0/<size>"), a 416 (the
 * first byte does not exist: an empty object), or a 200's Content-Length (a
 * storage that ignores Range: the body is read and dropped). Another
 * answer is the storage's error.
 */
rucio_status rl_transfer_size(rucio_client *c, const char *signed_url,
                              uint64_t *out_size);

#endif /* RUCIO_TRANSFER_INTERNAL_H */
