/* rucio-lite: ssh authentication (RUCIO_WITH_SSH): the server's challenge
 * signed with an RSA key, as the Python client's ssh auth does. */
#include "client/auth.h"

#if RUCIO_WITH_SSH
#include <string.h>

#include "client/errors.h"
#include "client/request.h"
#include "client/ssh_sign.h"
#include "core/wipe.h"

/* Longest ssh challenge kept ("challenge-<int>-<account>-<epoch>"). */
#define CHALLENGE_MAX 256
/* Base64 of the signature blob for the largest supported RSA key. */
#define SSH_SIGNATURE_MAX (((RUCIO_SSH_KEY_MAX_BITS / 8 + 20) / 3 + 1) * 4 + 1)

static int port_rng(void *ctx, unsigned char *buf, size_t len)
{
    const rucio_port *port = ctx;

    return port->random(port->ctx, buf, len) == RUCIO_OK ? 0 : -1;
}

static rucio_status sign_with_key(rucio_client *c, const char *key,
                                  size_t key_len, const char *challenge,
                                  char *signature, size_t cap)
{
    rucio_status st =
        rl_ssh_sign(key, key_len, challenge, strlen(challenge), port_rng,
                    &c->_internal.port, signature, cap, NULL);

    if (st == RUCIO_OK)
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_AUTH, "CannotAuthenticate",
                        "cannot sign the ssh challenge with the key %s: %s",
                        c->_internal.settings.ssh_key_mem
                            ? "given in memory"
                            : c->_internal.settings.ssh_private_key,
                        st == RUCIO_E_UNSUPPORTED
                            ? "only unencrypted RSA keys work"
                            : "not a usable RSA private key");
}

/* Sign the challenge with the configured key. A key file's text lives in
 * the scratch buffer only while signing and is wiped right after. */
static rucio_status sign_challenge(rucio_client *c, const char *challenge,
                                   char *signature, size_t cap)
{
    size_t key_len = 0;
    rucio_status st;

    if (c->_internal.settings.ssh_key_mem)
        return sign_with_key(c, c->_internal.settings.ssh_key_mem,
                             c->_internal.settings.ssh_key_mem_len, challenge,
                             signature, cap);
    if (!c->_internal.port.fs)
        return rl_error_set(&c->_internal.error, RUCIO_E_AUTH,
                            "CannotAuthenticate",
                            "ssh authentication needs the port's file "
                            "access or a key in memory");
    st = c->_internal.port.fs->read_file(
        c->_internal.port.ctx, c->_internal.settings.ssh_private_key,
        c->_internal.scratch.body, sizeof c->_internal.scratch.body, &key_len);
    if (st != RUCIO_OK) {
        /* A file too large for the buffer left its beginning there. */
        rl_wipe(c->_internal.scratch.body, sizeof c->_internal.scratch.body);
        return rl_error_set(&c->_internal.error, RUCIO_E_AUTH,
                            "CannotAuthenticate",
                            "cannot read the ssh private key %s",
                            c->_internal.settings.ssh_private_key);
    }
    st = sign_with_key(c, c->_internal.scratch.body, key_len, challenge,
                       signature, cap);
    rl_wipe(c->_internal.scratch.body, sizeof c->_internal.scratch.body);
    return st;
}

rucio_status rl_auth_ssh(rucio_client *c)
{
    char challenge[CHALLENGE_MAX];
    char signature[SSH_SIGNATURE_MAX];
    const char *header;
    rucio_call call;
    rucio_status st;

    memset(&call, 0, sizeof call);
    call.path = "auth/ssh_challenge_token";
    st = rl_auth_send(c, &call);
    if (st != RUCIO_OK)
        return st;
    header = rucio_http_response_header(&c->_internal.response,
                                        "X-Rucio-SSH-Challenge-Token");
    if (!header || !*header || strlen(header) >= sizeof challenge)
        return rl_error_set(&c->_internal.error, RUCIO_E_AUTH,
                            "CannotAuthenticate",
                            "the server sent no usable ssh challenge");
    rucio_strbuf_copy(challenge, sizeof challenge, header);
    st = sign_challenge(c, challenge, signature, sizeof signature);
    if (st != RUCIO_OK)
        return st;
    call.path = "auth/ssh";
    call.extra[0].name = "X-Rucio-SSH-Signature";
    call.extra[0].value = signature;
    call.extra_count = 1;
    st = rl_auth_send(c, &call);
    return st == RUCIO_OK ? rl_auth_accept_token(c) : st;
}
#endif /* RUCIO_WITH_SSH */
