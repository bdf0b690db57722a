/*
 * rucio-lite (private): getting and keeping an auth token.
 *
 * Sources, in order: the token held in memory (renewed when it expires
 * within a minute, which the Python client only notices at the next 401);
 * for oidc, WLCG bearer token discovery; the token cache file (once per
 * client); a new authentication at the auth host by the configured type.
 * Every token obtained from the server is written to the token cache.
 */
#ifndef RUCIO_AUTH_H
#define RUCIO_AUTH_H

#include "rucio/client.h"
#include "client/request.h"

/* Seconds before expiry at which a token is renewed before use. */
#define RUCIO_TOKEN_RENEW_MARGIN 60

/* Make sure client->token holds a token worth sending. */
rucio_status rl_auth_ensure(rucio_client *client);

/* The server refused client->token (401): get a new one, never from the
 * cache (which holds the refused one). */
rucio_status rl_auth_renew(rucio_client *client);

/* Parse an auth type name as the Python client spells it ("userpass",
 * "x509", "x509_proxy", "ssh", "oidc", "gss", and rucio-lite's "token").
 * RUCIO_AUTH_NONE for anything else. */
rucio_auth_type rl_auth_type_from_name(const char *name);

/* A call that needs a token: one is made sure of first (rl_auth_ensure)
 * and, when the server refuses it (401), renewed once and the call sent
 * again. Otherwise as rl_call_send, which this uses for everything it
 * sends, authentication requests included. */
rucio_status rl_call_with_token(rucio_client *client,
                                const rucio_call *call,
                                size_t *out_body_len);

/* Whether this build has the auth type (RUCIO_WITH_USERPASS, ...). */
int rl_auth_type_built_in(rucio_auth_type type);

/* ---- shared by the auth types (auth_*.c) --------------------------------- */

/* Send an authentication request to the auth host; RUCIO_OK only for a
 * 200, a refusal keeps the server's reason (CannotAuthenticate). */
rucio_status rl_auth_send(rucio_client *client, rucio_call *call);

/* Take the token of the auth response just received, cache it. */
rucio_status rl_auth_accept_token(rucio_client *client);

void rl_auth_forget_token(rucio_client *client);

rucio_status rl_auth_userpass(rucio_client *client); /* auth_userpass.c */
rucio_status rl_auth_ssh(rucio_client *client);      /* auth_ssh.c */

/* What bearer token discovery found: a token (now in client->token),
 * nothing, or a reason to stop (in client->error). */
typedef enum rucio_bearer {
    RUCIO_BEARER_FOUND,
    RUCIO_BEARER_NONE,
    RUCIO_BEARER_STOP
} rucio_bearer;

rucio_bearer rl_auth_discover_bearer(rucio_client *client); /* auth_oidc.c */

#endif /* RUCIO_AUTH_H */
