/*
 * rucio-lite: the signature of Rucio's ssh authentication.
 *
 * The server sends a challenge token; the client answers with what the
 * Python client's ssh_sign (paramiko) produces for it: standard base64 of
 * the SSH signature blob
 *
 *     string "rsa-sha2-256"    (uint32-BE length 12, then the name)
 *     string signature         (uint32-BE length k, then k bytes)
 *
 * where the signature is RSASSA-PKCS1-v1_5 with SHA-256 over the token
 * bytes and k is the modulus size in bytes (276-byte blob, 368 base64
 * characters, for RSA-2048). PKCS#1 v1.5 is deterministic, so the output
 * equals the Python client's byte for byte.
 *
 * Accepted keys are unencrypted RSA private keys in one of three PEM
 * armors: "RSA PRIVATE KEY" (PKCS#1, `ssh-keygen -m PEM`), "PRIVATE KEY"
 * (PKCS#8; paramiko does not read it, it is accepted as a convenience) and
 * "OPENSSH PRIVATE KEY" (openssh-key-v1, the default of ssh-keygen since
 * OpenSSH 7.8). The key may be preceded or followed by other text; the
 * first armored block is used.
 */
#ifndef RUCIO_SSH_SIGN_H
#define RUCIO_SSH_SIGN_H

#include <stddef.h>

#include "rucio/build_config.h"
#include "rucio/status.h"

/* RUCIO_SSH_KEY_MAX_BITS (build_config.h) bounds the RSA modulus. */

/*
 * Sign message[0..message_len) with the RSA private key whose file text is
 * key[0..key_len) (it need not be NUL-terminated) and write the base64
 * signature blob, NUL-terminated, into out. out_len (may be NULL) receives
 * its length without the NUL. f_rng/p_rng (required) feed the RSA
 * blinding; the signature does not depend on them. Every buffer that held key material
 * is wiped before returning.
 *
 * RUCIO_E_NO_SPACE     out cannot hold the signature and its NUL; out_len
 *                      then receives the length needed (without the NUL).
 * RUCIO_E_UNSUPPORTED  an encrypted key, a key that is not RSA (ed25519,
 *                      ECDSA, DSA), or one larger than
 *                      RUCIO_SSH_KEY_MAX_BITS.
 * RUCIO_E_INVALID_ARG  a missing argument, a key that cannot be parsed or
 *                      fails mbedTLS's consistency check, or a signing
 *                      failure (f_rng failing, mbedTLS out of memory).
 * On any failure out holds "" (when cap > 0).
 */
rucio_status rl_ssh_sign(const char *key, size_t key_len,
                         const char *message, size_t message_len,
                         int (*f_rng)(void *, unsigned char *, size_t),
                         void *p_rng, char *out, size_t cap,
                         size_t *out_len);

#endif /* RUCIO_SSH_SIGN_H */
