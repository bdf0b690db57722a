/*
 * rucio-lite: the shared TLS configuration.
 *
 * Everything lives in the caller's rucio_tls_config; mbedTLS keeps
 * pointers into it (the generator's entropy callback, the CA chain, the
 * client certificate), so the struct must stay where it was initialised.
 * The generator is seeded from port->random only: no mbedtls_entropy
 * context and no global state of ours.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_TLS /* else the Makefile leaves this file out */
#include "rucio/tls.h"
#include "rucio/strbuf.h"
#include "tls/tls_internal.h"

#include <stdarg.h>
#include <string.h>

#include <mbedtls/pem.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/version.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

static const unsigned char PERSONALIZATION[] = "rucio-lite tls client";

/* ---- errors ---------------------------------------------------------------- */

RUCIO_PRINTF_(4, 5)
static rucio_status fail(char *err, size_t cap, int mbed_error,
                         const char *fmt, ...)
{
    va_list ap;
    size_t len;

    if (!err || cap == 0)
        return RUCIO_E_TLS_CONFIG;
    va_start(ap, fmt);
    rucio_vformat(err, cap, fmt, ap);
    va_end(ap);
    len = strlen(err);
    if (mbed_error != 0 && len + 2 < cap) {
        memcpy(err + len, ": ", 3);
        rl_tls_error_text(mbed_error, err + len + 2, cap - len - 2);
    }
    return RUCIO_E_TLS_CONFIG;
}

/* ---- random generator ------------------------------------------------------ */

static int port_entropy(void *ctx, unsigned char *buf, size_t len)
{
    const rucio_tls_config *cfg = ctx;

    if (cfg->port->random(cfg->port->ctx, buf, len) != RUCIO_OK)
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    return 0;
}

static rucio_status seed_generator(rucio_tls_config *cfg, char *err,
                                   size_t cap)
{
    int ret = mbedtls_ctr_drbg_seed(&cfg->drbg, port_entropy, cfg,
                                    PERSONALIZATION,
                                    sizeof PERSONALIZATION - 1);

    if (ret != 0)
        return fail(err, cap, ret, "cannot seed the TLS random generator "
                                   "from the port");
    return RUCIO_OK;
}

/*
 * 3.x runs TLS 1.3's key exchange and key schedule, and in some
 * configurations hashes, AES and key parsing, through PSA, which must be
 * initialised first. It keeps its state inside mbedTLS and may be called
 * any number of times, so each configuration calls it rather than asking
 * the application to. PSA has its own random generator, fed by mbedTLS's
 * entropy sources and not by the port (a target without them needs
 * MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG). PSA is never shut down here: other
 * configurations in the process may still use it.
 */
/* NOLINTNEXTLINE(readability-non-const-parameter): written under mbedTLS 3 */
static rucio_status init_psa(char *err, size_t cap)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
    psa_status_t st = psa_crypto_init();

    if (st != PSA_SUCCESS)
        return fail(err, cap, 0, "cannot initialise PSA crypto (%d)",
                    (int)st);
#else
    (void)err;
    (void)cap;
#endif
    return RUCIO_OK;
}

/* ---- trusted CAs ------------------------------------------------------------ */

static size_t count_certs(const mbedtls_x509_crt *crt)
{
    size_t n = 0;

    for (; crt && crt->raw.p; crt = crt->next)
        n++;
    return n;
}

/*
 * mbedTLS returns a positive count of certificates it could not parse when
 * it parsed others. A bundle with one exotic certificate, or a CA
 * directory that also holds CRLs and READMEs, is still usable, so that is
 * only an error when the source added nothing at all.
 */
static rucio_status check_ca_result(rucio_tls_config *cfg, size_t before,
                                    int ret, const char *what,
                                    const char *name, char *err, size_t cap)
{
    if (ret < 0)
        return fail(err, cap, ret, "cannot load %s %s", what, name);
    if (count_certs(&cfg->ca) == before)
        return fail(err, cap, 0, "no certificate could be loaded from %s %s",
                    what, name);
    if (ret > 0)
        rucio_log(cfg->log, RUCIO_LOG_DEBUG,
                  "TLS: %d entries of %s %s are not certificates (skipped)",
                  ret, what, name);
    return RUCIO_OK;
}

#if RUCIO_WITH_CERT_FILES
/* Keep the path for the handshakes (tls_castore.c) and check now that it
 * holds a certificate, so that a wrong setting is said at once. The CAs
 * themselves are parsed only when a server's chain names them. */
static rucio_status keep_store_path(rucio_tls_config *cfg, char *dst,
                                    const char *path, int is_dir, char *err,
                                    size_t cap)
{
    const char *what = is_dir ? "CA directory" : "CA file";
    size_t len = strlen(path);
    int ret;

    if (len == 0 || len >= RUCIO_PATH_MAX)
        return fail(err, cap, 0, "%s %s: empty or too long a path", what,
                    path);
    ret = rl_tls_store_check(cfg, path, is_dir);
    if (ret < 0)
        return fail(err, cap, ret, "cannot load %s %s", what, path);
    if (ret == 0)
        return fail(err, cap, 0, "no certificate could be loaded from %s %s",
                    what, path);
    memcpy(dst, path, len + 1);
    return RUCIO_OK;
}

/* CA files and directories are read through the port like every other
 * file (mbedTLS's own fopen is not used). */
static rucio_status load_ca_files(rucio_tls_config *cfg,
                                  const rucio_tls_options *opt, char *err,
                                  size_t cap)
{
    const rucio_port_fs *fs = cfg->port->fs;
    rucio_status st = RUCIO_OK;

    if (!opt->ca_file && !opt->ca_dir)
        return RUCIO_OK;
    if (!fs || !fs->read_file_at || !fs->list_dir || !fs->stat)
        return fail(err, cap, 0, "CA %s: the port cannot read CA files; "
                                 "pass the CA in memory",
                    opt->ca_file ? opt->ca_file : opt->ca_dir);
    if (!opt->file_buf || opt->file_buf_len < 1024)
        return fail(err, cap, 0, "CA files need a file buffer of 1 KiB or "
                                 "more");
    if (opt->ca_file)
        st = keep_store_path(cfg, cfg->ca_file, opt->ca_file, 0, err, cap);
    if (st == RUCIO_OK && opt->ca_dir)
        st = keep_store_path(cfg, cfg->ca_dir, opt->ca_dir, 1, err, cap);
    return st;
}

static int has_store(const rucio_tls_config *cfg)
{
    return cfg->ca_file[0] || cfg->ca_dir[0];
}
#else
static rucio_status load_ca_files(rucio_tls_config *cfg,
                                  const rucio_tls_options *opt, char *err,
                                  size_t cap)
{
    (void)cfg;
    if (opt->ca_file || opt->ca_dir)
        return fail(err, cap, 0, "CA %s: this build reads no CA files "
                                 "(RUCIO_WITH_CERT_FILES=0); pass the CA in "
                                 "memory",
                    opt->ca_file ? opt->ca_file : opt->ca_dir);
    return RUCIO_OK;
}

static int has_store(const rucio_tls_config *cfg)
{
    (void)cfg;
    return 0;
}
#endif

static rucio_status load_cas(rucio_tls_config *cfg,
                             const rucio_tls_options *opt, char *err,
                             size_t cap)
{
    rucio_status st = load_ca_files(cfg, opt, err, cap);

    if (st == RUCIO_OK && opt->ca_mem) {
        size_t before = count_certs(&cfg->ca);
        int ret = mbedtls_x509_crt_parse(&cfg->ca, opt->ca_mem,
                                         opt->ca_mem_len);

        st = check_ca_result(cfg, before, ret, "CA", "in memory", err, cap);
    }
    if (st == RUCIO_OK && count_certs(&cfg->ca) == 0 && !has_store(cfg) &&
        !cfg->insecure)
        st = fail(err, cap, 0, "no trusted CA: give a CA file, a CA "
                               "directory or CA certificates in memory");
    return st;
}

/* ---- client certificate and key --------------------------------------------- */

#if RUCIO_WITH_X509
/* id-pe-proxyCertInfo, 1.3.6.1.5.5.7.1.14 (RFC 3820). */
static const unsigned char OID_PROXY_CERT_INFO[] = {0x2b, 0x06, 0x01, 0x05,
                                                    0x05, 0x07, 0x01, 0x0e};

/*
 * RFC 3820 makes proxyCertInfo critical, and mbedTLS refuses a critical
 * extension it does not know, so an x509 proxy cannot be loaded without
 * this. Only restrictions for the verifier (the server) are in it; a
 * client merely presents the chain. Any other unknown critical extension
 * is still refused.
 */
static int accept_proxy_cert_info(void *ctx, mbedtls_x509_crt const *crt,
                                  mbedtls_x509_buf const *oid, int critical,
                                  const unsigned char *p,
                                  const unsigned char *end)
{
    (void)ctx;
    (void)crt;
    (void)critical;
    (void)p;
    (void)end;
    if (oid->len == sizeof OID_PROXY_CERT_INFO &&
        memcmp(oid->p, OID_PROXY_CERT_INFO, oid->len) == 0)
        return 0;
    return MBEDTLS_ERR_X509_INVALID_EXTENSIONS;
}

static int add_own_der(rucio_tls_config *cfg, const unsigned char *der,
                       size_t len)
{
    return mbedtls_x509_crt_parse_der_with_ext_cb(
        &cfg->own_cert, der, len, 1, accept_proxy_cert_info, NULL);
}

static int add_own_pem_block(rucio_tls_config *cfg, mbedtls_pem_context *pem)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    size_t len;
    const unsigned char *der = mbedtls_pem_get_buffer(pem, &len);

    return add_own_der(cfg, der, len);
#else
    return add_own_der(cfg, pem->buf, pem->buflen);
#endif
}

static int is_pem(const unsigned char *data, size_t len)
{
    return len > 0 && data[len - 1] == '\0' &&
           strstr((const char *)data, "-----BEGIN ") != NULL;
}

/* The certificates of data in order: every CERTIFICATE block of PEM text
 * (a proxy file's key block is passed over), or one DER certificate. */
static int parse_own_chain(rucio_tls_config *cfg, const unsigned char *data,
                           size_t len)
{
    if (!is_pem(data, len))
        return add_own_der(cfg, data, len);
    for (;;) {
        mbedtls_pem_context pem;
        size_t used = 0;
        int ret;

        mbedtls_pem_init(&pem);
        ret = mbedtls_pem_read_buffer(&pem, "-----BEGIN CERTIFICATE-----",
                                      "-----END CERTIFICATE-----", data, NULL,
                                      0, &used);
        if (ret == 0)
            ret = add_own_pem_block(cfg, &pem);
        mbedtls_pem_free(&pem);
        if (ret == MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT)
            break;
        if (ret != 0)
            return ret;
        data += used;
    }
    return count_certs(&cfg->own_cert) > 0 ? 0
                                           : MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT;
}

static int parse_own_key(rucio_tls_config *cfg, const unsigned char *key,
                         size_t len)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_parse_key(&cfg->own_key, key, len, NULL, 0,
                                mbedtls_ctr_drbg_random, &cfg->drbg);
#else
    return mbedtls_pk_parse_key(&cfg->own_key, key, len, NULL, 0);
#endif
}

static rucio_status load_chain(rucio_tls_config *cfg,
                               const unsigned char *data, size_t len,
                               const char *source, char *err, size_t cap)
{
    int ret = parse_own_chain(cfg, data, len);

    if (ret != 0)
        return fail(err, cap, ret, "cannot load the client certificate "
                                   "from %s", source);
    return RUCIO_OK;
}

static rucio_status load_key(rucio_tls_config *cfg, const unsigned char *data,
                             size_t len, const char *source, char *err,
                             size_t cap)
{
    int ret = parse_own_key(cfg, data, len);

    if (ret != 0)
        return fail(err, cap, ret, "cannot load the private key from %s",
                    source);
    return RUCIO_OK;
}

#if RUCIO_WITH_CERT_FILES
/* Read path whole into buf and NUL-terminate it (PEM parsers need the
 * terminator, counted in *out_len as mbedTLS expects for PEM). */
static rucio_status read_whole_file(rucio_tls_config *cfg, const char *path,
                                    unsigned char *buf, size_t cap,
                                    size_t *out_len, char *err, size_t ecap)
{
    const rucio_port_fs *fs = cfg->port->fs;
    rucio_status st;

    if (!fs)
        return fail(err, ecap, 0, "cannot read %s: the port has no file "
                                  "functions; pass it in memory", path);
    st = fs->read_file(cfg->port->ctx, path, (char *)buf, cap - 1, out_len);
    if (st == RUCIO_E_NO_SPACE)
        return fail(err, ecap, 0, "%s is larger than %u bytes "
                                  "(RUCIO_TLS_CERT_FILE_MAX for a client)",
                    path, (unsigned)(cap - 1));
    if (st != RUCIO_OK)
        return fail(err, ecap, 0, "cannot read %s", path);
    buf[*out_len] = '\0';
    if (is_pem(buf, *out_len + 1))
        (*out_len)++;
    return RUCIO_OK;
}

/*
 * An RFC 3820 proxy file holds the proxy certificate, its key and the
 * chain up to the end-entity certificate in one PEM file, so with no
 * key_file the key is taken from cert_file. The buffer that held a key
 * is wiped before returning.
 */
static rucio_status load_cert_files(rucio_tls_config *cfg,
                                    const rucio_tls_options *opt, char *err,
                                    size_t cap)
{
    unsigned char *buf = opt->file_buf;
    const char *key_path = opt->key_file ? opt->key_file : opt->cert_file;
    size_t len = 0;
    rucio_status st;

    if (!buf || opt->file_buf_len < 2)
        return fail(err, cap, 0, "cannot read %s: no file buffer given",
                    opt->cert_file);
    st = read_whole_file(cfg, opt->cert_file, buf, opt->file_buf_len, &len,
                         err, cap);
    if (st == RUCIO_OK)
        st = load_chain(cfg, buf, len, opt->cert_file, err, cap);
    if (st == RUCIO_OK && opt->key_file)
        st = read_whole_file(cfg, key_path, buf, opt->file_buf_len, &len,
                             err, cap);
    if (st == RUCIO_OK)
        st = load_key(cfg, buf, len, key_path, err, cap);
    mbedtls_platform_zeroize(buf, opt->file_buf_len);
    return st;
}
#else
static rucio_status load_cert_files(rucio_tls_config *cfg,
                                    const rucio_tls_options *opt, char *err,
                                    size_t cap)
{
    (void)cfg;
    return fail(err, cap, 0, "cannot read %s: this build reads no "
                             "certificate files (RUCIO_WITH_CERT_FILES=0); "
                             "pass it in memory", opt->cert_file);
}
#endif

static rucio_status load_cert_mem(rucio_tls_config *cfg,
                                  const rucio_tls_options *opt, char *err,
                                  size_t cap)
{
    const uint8_t *key = opt->key_mem ? opt->key_mem : opt->cert_mem;
    size_t key_len = opt->key_mem ? opt->key_mem_len : opt->cert_mem_len;
    rucio_status st = load_chain(cfg, opt->cert_mem, opt->cert_mem_len,
                                 "memory", err, cap);

    if (st == RUCIO_OK)
        st = load_key(cfg, key, key_len, "memory", err, cap);
    return st;
}

static int check_key_pair(rucio_tls_config *cfg)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_pk_check_pair(&cfg->own_cert.pk, &cfg->own_key,
                                 mbedtls_ctr_drbg_random, &cfg->drbg);
#else
    return mbedtls_pk_check_pair(&cfg->own_cert.pk, &cfg->own_key);
#endif
}

/* Where the key came from, for messages. */
static const char *key_source(const rucio_tls_options *opt)
{
    if (opt->key_file)
        return opt->key_file;
    if (opt->cert_file)
        return opt->cert_file;
    return "memory";
}

static rucio_status load_client_cert(rucio_tls_config *cfg,
                                     const rucio_tls_options *opt, char *err,
                                     size_t cap)
{
    rucio_status st;

    if (!opt->cert_file && !opt->cert_mem) {
        if (opt->key_file || opt->key_mem)
            return fail(err, cap, 0, "a client key is given without a "
                                     "client certificate");
        return RUCIO_OK;
    }
    st = opt->cert_file ? load_cert_files(cfg, opt, err, cap)
                        : load_cert_mem(cfg, opt, err, cap);
    if (st != RUCIO_OK)
        return st;
    if (check_key_pair(cfg) != 0)
        return fail(err, cap, 0, "the private key from %s does not match "
                                 "the client certificate",
                    key_source(opt));
    cfg->has_own_cert = 1;
    return RUCIO_OK;
}
#else
static rucio_status load_client_cert(rucio_tls_config *cfg,
                                     const rucio_tls_options *opt, char *err,
                                     size_t cap)
{
    (void)cfg;
    if (opt->cert_file || opt->cert_mem || opt->key_file || opt->key_mem)
        return fail(err, cap, 0, "client certificates are left out of this "
                                 "build (RUCIO_WITH_X509=0)");
    return RUCIO_OK;
}
#endif /* RUCIO_WITH_X509 */

/* ---- mbedtls_ssl_config ------------------------------------------------------ */

/*
 * Key-exchange groups in order of preference. P-256 first: 2.28 otherwise
 * offers P-521 first, several times slower on a small CPU, and every
 * server takes P-256.
 */
static void fill_groups(rucio_tls_config *cfg)
{
    size_t n = 0;

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    cfg->groups[n++] = MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1;
#endif
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    cfg->groups[n++] = MBEDTLS_SSL_IANA_TLS_GROUP_X25519;
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    cfg->groups[n++] = MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1;
#endif
    cfg->groups[n] = MBEDTLS_SSL_IANA_TLS_GROUP_NONE;
#else
#if defined(MBEDTLS_ECP_DP_SECP256R1_ENABLED)
    cfg->curves[n++] = MBEDTLS_ECP_DP_SECP256R1;
#endif
#if defined(MBEDTLS_ECP_DP_CURVE25519_ENABLED)
    cfg->curves[n++] = MBEDTLS_ECP_DP_CURVE25519;
#endif
#if defined(MBEDTLS_ECP_DP_SECP384R1_ENABLED)
    cfg->curves[n++] = MBEDTLS_ECP_DP_SECP384R1;
#endif
    cfg->curves[n] = MBEDTLS_ECP_DP_NONE;
#endif
}

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/* The signature algorithms offered, RSA PKCS#1 v1.5 before RSA-PSS.
 * mbedTLS 3.6 offers PSS first for TLS 1.3 (which needs it), but its TLS
 * 1.2 code cannot check a PSS ServerKeyExchange: a TLS 1.2-only server
 * with an RSA key that honours the client's order (OpenSSL, nginx) would
 * pick PSS and the handshake fail with "illegal parameter". TLS 1.3
 * servers never sign the handshake with PKCS#1 v1.5, so they still pick
 * PSS there. */
static const uint16_t sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
    MBEDTLS_TLS1_3_SIG_NONE};
#endif

/* Settings that are spelt differently in 2.28 and 3.x. */
static void set_version_specifics(rucio_tls_config *cfg,
                                  mbedtls_ssl_config *conf)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_groups(conf, cfg->groups);
    mbedtls_ssl_conf_sig_algs(conf, sig_algs);
#if defined(MBEDTLS_SSL_PROTO_TLS1_3) &&                                        \
    defined(MBEDTLS_SSL_SESSION_TICKETS) &&                                     \
    defined(MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED)
    /* 3.6.1+ hides TLS 1.3 tickets unless asked; we need them to resume. */
    mbedtls_ssl_conf_tls13_enable_signal_new_session_tickets(
        conf, MBEDTLS_SSL_TLS1_3_SIGNAL_NEW_SESSION_TICKETS_ENABLED);
#endif
#else
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3,
                                 MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_curves(conf, cfg->curves);
#endif
}

/* An mbedTLS built with receive records smaller than the 16 KiB a server
 * may send (a firmware's MBEDTLS_SSL_IN_CONTENT_LEN) asks the server for
 * the largest fragment length that still fits (RFC 6066 section 4). */
static void ask_for_small_records(mbedtls_ssl_config *conf)
{
#if RUCIO_TLS_ASKS_MFL
#if MBEDTLS_SSL_IN_CONTENT_LEN >= 4096
    unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_4096;
#elif MBEDTLS_SSL_IN_CONTENT_LEN >= 2048
    unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_2048;
#elif MBEDTLS_SSL_IN_CONTENT_LEN >= 1024
    unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_1024;
#else
    unsigned char code = MBEDTLS_SSL_MAX_FRAG_LEN_512;
#endif

    (void)mbedtls_ssl_conf_max_frag_len(conf, code);
#else
    (void)conf;
#endif
}

static rucio_status setup_conf(rucio_tls_config *cfg, mbedtls_ssl_config *conf,
                               int with_cert, char *err, size_t cap)
{
    int ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT,
                                          MBEDTLS_SSL_TRANSPORT_STREAM,
                                          MBEDTLS_SSL_PRESET_DEFAULT);

    if (ret != 0)
        return fail(err, cap, ret, "cannot set up the TLS configuration");
    mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &cfg->drbg);
    mbedtls_ssl_conf_authmode(conf, cfg->insecure
                                        ? MBEDTLS_SSL_VERIFY_NONE
                                        : MBEDTLS_SSL_VERIFY_REQUIRED);
    /* With a store, the chain may be empty: the verify callback looks
     * the CAs up (tls_conn.c); mbedTLS refuses to verify without one. */
    if (count_certs(&cfg->ca) > 0 || has_store(cfg))
        mbedtls_ssl_conf_ca_chain(conf, &cfg->ca, NULL);
    set_version_specifics(cfg, conf);
    ask_for_small_records(conf);
    if (with_cert) {
        ret = mbedtls_ssl_conf_own_cert(conf, &cfg->own_cert, &cfg->own_key);
        if (ret != 0)
            return fail(err, cap, ret, "cannot use the client certificate");
    }
    return RUCIO_OK;
}

/* ---- public ---------------------------------------------------------------- */

static void init_members(rucio_tls_config *cfg, const rucio_port *port,
                         const rucio_tls_options *opt,
                         const rucio_logger *log)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->port = port;
    cfg->log = log;
    cfg->insecure = opt->insecure != 0;
    mbedtls_ssl_config_init(&cfg->conf);
    mbedtls_ssl_config_init(&cfg->conf_cert);
    mbedtls_ctr_drbg_init(&cfg->drbg);
    mbedtls_x509_crt_init(&cfg->ca);
    mbedtls_x509_crt_init(&cfg->own_cert);
    mbedtls_pk_init(&cfg->own_key);
    fill_groups(cfg);
}

rucio_status rucio_tls_config_init(rucio_tls_config *cfg,
                                   const rucio_port *port,
                                   const rucio_tls_options *opt,
                                   const rucio_logger *log,
                                   char *err, size_t err_cap)
{
    rucio_status st;

    if (err && err_cap > 0)
        err[0] = '\0';
    if (!cfg || !port || !port->random || !opt) {
        fail(err, err_cap, 0, "TLS configuration: missing argument");
        return RUCIO_E_INVALID_ARG;
    }
    init_members(cfg, port, opt, log);
    st = init_psa(err, err_cap);
    if (st == RUCIO_OK)
        st = seed_generator(cfg, err, err_cap);
    if (st == RUCIO_OK)
        st = load_cas(cfg, opt, err, err_cap);
    if (st == RUCIO_OK)
        st = load_client_cert(cfg, opt, err, err_cap);
    if (st == RUCIO_OK)
        st = setup_conf(cfg, &cfg->conf, 0, err, err_cap);
    if (st == RUCIO_OK && cfg->has_own_cert)
        st = setup_conf(cfg, &cfg->conf_cert, 1, err, err_cap);
    if (st != RUCIO_OK)
        rucio_tls_config_free(cfg);
    return st;
}

void rucio_tls_config_free(rucio_tls_config *cfg)
{
    if (!cfg)
        return;
    mbedtls_ssl_config_free(&cfg->conf);
    mbedtls_ssl_config_free(&cfg->conf_cert);
    mbedtls_ctr_drbg_free(&cfg->drbg);
    mbedtls_x509_crt_free(&cfg->ca);
    mbedtls_x509_crt_free(&cfg->own_cert);
    mbedtls_pk_free(&cfg->own_key);
    cfg->has_own_cert = 0;
}
#endif /* RUCIO_WITH_TLS */
