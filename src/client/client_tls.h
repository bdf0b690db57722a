/*
 * rucio-lite (private): TLS material of the client for connections other
 * than the Rucio hosts'.
 */
#ifndef RUCIO_CLIENT_TLS_H
#define RUCIO_CLIENT_TLS_H

#include "rucio/client.h"

/* Make the client's TLS configuration (CA, verification) ready for a
 * connection to url, loading it now if neither Rucio host needed it at
 * init. RUCIO_OK for http URLs. Fills client->error on failure. */
rucio_status rl_client_tls_for(rucio_client *client, const rucio_url *url);

#endif /* RUCIO_CLIENT_TLS_H */
