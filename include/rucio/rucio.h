/*
 * rucio-lite: everything a user of the library needs.
 *
 *   status.h      rucio_status and rucio_strerror
 *   port.h        the platform port interface; port_posix.h the POSIX one
 *   log.h         the log callback
 *   http.h        URL, query encoding, HTTP/1.1 requests and responses
 *   tls.h         TLS over the port (mbedTLS)
 *   client.h      the Rucio client: ping, whoami, get_signed_url
 *   transfer.h    PUT, GET and DELETE through signed URLs
 *   upload.h      Rucio's upload and download for RSEs that sign URLs
 */
#ifndef RUCIO_RUCIO_H
#define RUCIO_RUCIO_H

#include "rucio/build_config.h"
#include "rucio/client.h"
#include "rucio/http.h"
#include "rucio/log.h"
#include "rucio/port.h"
#include "rucio/port_posix.h"
#include "rucio/status.h"
#include "rucio/strbuf.h"
#if RUCIO_WITH_TRANSFER
#include "rucio/transfer.h"
#include "rucio/upload.h"
#endif
#if RUCIO_WITH_TLS
#include "rucio/tls.h"
#endif

#endif /* RUCIO_RUCIO_H */
