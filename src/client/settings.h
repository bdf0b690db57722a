/*
 * rucio-lite (private): the client's settings, resolved as the Python
 * client resolves them (BaseClient.__init__, _get_auth_type, _get_creds,
 * _get_auth_tokens; rucio.common.config.Config).
 *
 * Each value comes from the first of: the caller's options, the
 * environment variable the Python client reads for it, rucio.cfg's
 * [client] section, a default. docs/user-guide.md has the full table.
 */
#ifndef RUCIO_SETTINGS_H
#define RUCIO_SETTINGS_H

#include "rucio/client.h"

/* Fill client->settings from opt, the environment and rucio.cfg (read
 * into client->scratch.config). Failures fill client->error with the
 * Python client's exception class and a message naming the file, line
 * or option at fault; no secret is ever part of it. A failure to resolve
 * the auth type, its credentials or the token cache does not fail this:
 * it is kept in client->credentials_error for the first call that needs
 * a token, so that ping works with hosts alone. */
rucio_status rl_settings_resolve(rucio_client *client,
                                 const rucio_client_options *opt);

/* Nonzero when the rucio host or the auth host is an https URL. */
int rl_settings_use_https(const rucio_settings *settings);

#endif /* RUCIO_SETTINGS_H */
