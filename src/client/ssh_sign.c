/*
 * rucio-lite: the rsa-sha2-256 SSH signature of Rucio's ssh
 * authentication, made with an RSA private key from its PEM text.
 *
 * PKCS#1 and PKCS#8 keys are parsed by mbedTLS. mbedTLS does not know the
 * openssh-key-v1 container, so it is parsed here, strictly: every length
 * is checked against what is left before it is used, and anything but a
 * single unencrypted ssh-rsa key is refused. Key text and decoded key
 * bytes live in one stack buffer that is wiped on every path; mbedTLS
 * wipes its own copies when the pk context is freed.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_SSH /* else the Makefile leaves this file out */
#include "client/ssh_sign.h"

#include <stdint.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/bignum.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>

#if RUCIO_SSH_KEY_MAX_BITS % 8 != 0 || RUCIO_SSH_KEY_MAX_BITS < 1024 || \
    RUCIO_SSH_KEY_MAX_BITS > MBEDTLS_MPI_MAX_BITS
#error "RUCIO_SSH_KEY_MAX_BITS: multiple of 8, 1024..MBEDTLS_MPI_MAX_BITS"
#endif

#define RSA_MAX_BYTES (RUCIO_SSH_KEY_MAX_BITS / 8)

/* Longest PEM block handed to mbedTLS: a PKCS#8 RSA key is at most about
 * 4.5 moduli of DER, so 6 of base64, plus line breaks and armor lines. */
#define PEM_TEXT_MAX (RSA_MAX_BYTES * 7 + 256)

/* Room for the comment of an OpenSSH key (ssh-keygen writes user@host). */
#define OPENSSH_COMMENT_ROOM 1024

/* A decoded openssh-key-v1 container: the modulus twice (public blob and
 * private section), d, and p, q, iqmp of half its size, plus framing. */
#define OPENSSH_BLOB_MAX \
    (RSA_MAX_BYTES * 9 / 2 + 256 + OPENSSH_COMMENT_ROOM)

#define KEY_WORK_MAX \
    (PEM_TEXT_MAX > OPENSSH_BLOB_MAX ? PEM_TEXT_MAX : OPENSSH_BLOB_MAX)

/* The private section is padded to the cipher's block size, 8 for "none". */
#define OPENSSH_BLOCK 8

/* Signature blob: string "rsa-sha2-256", then the signature's length. */
#define SIG_ALG "rsa-sha2-256"
#define SIG_ALG_LEN 12
#define SIG_HEADER_LEN (4 + SIG_ALG_LEN + 4)
#define SHA256_LEN 32

/* A string literal and its length, for the bounded comparisons below. */
#define LIT(s) s, sizeof(s) - 1

static const char OPENSSH_MAGIC[] = "openssh-key-v1"; /* 15 bytes with NUL */

/* ---- PEM armor ----------------------------------------------------------- */

typedef enum key_armor {
    ARMOR_UNKNOWN,
    ARMOR_OPENSSH,   /* openssh-key-v1, parsed here */
    ARMOR_PKCS,      /* PKCS#1 or PKCS#8 DER, parsed by mbedTLS */
    ARMOR_ENCRYPTED, /* PKCS#8 EncryptedPrivateKeyInfo */
    ARMOR_NOT_RSA    /* SEC1 EC and OpenSSL DSA keys */
} key_armor;

static const struct armor_label {
    const char *label;
    key_armor armor;
} armor_labels[] = {
    {"OPENSSH PRIVATE KEY", ARMOR_OPENSSH},
    {"RSA PRIVATE KEY", ARMOR_PKCS},
    {"PRIVATE KEY", ARMOR_PKCS},
    {"ENCRYPTED PRIVATE KEY", ARMOR_ENCRYPTED},
    {"EC PRIVATE KEY", ARMOR_NOT_RSA},
    {"DSA PRIVATE KEY", ARMOR_NOT_RSA},
};

/* The first "-----BEGIN label-----" ... "-----END label-----" block. */
typedef struct pem_block {
    const char *start;  /* first '-' of the BEGIN line */
    size_t len;         /* through the last '-' of the END line */
    const char *label;
    size_t label_len;
    const char *body;   /* after the BEGIN line's line break */
    size_t body_len;    /* up to the END line */
} pem_block;

/* Offset of the first needle[0..n) in hay[0..hay_len), or hay_len. */
static size_t find(const char *hay, size_t hay_len, const char *needle,
                   size_t n)
{
    size_t i;

    for (i = 0; n <= hay_len && i <= hay_len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return i;
    return hay_len;
}

/* Step *p over s[0..n) if the text at *p starts with it. */
static int skip(const char **p, const char *stop, const char *s, size_t n)
{
    if ((size_t)(stop - *p) < n || memcmp(*p, s, n) != 0)
        return 0;
    *p += n;
    return 1;
}

static int skip_line_break(const char **p, const char *stop)
{
    return skip(p, stop, LIT("\r\n")) || skip(p, stop, LIT("\n"));
}

static rucio_status find_pem_block(const char *text, size_t len, pem_block *b)
{
    const char *stop = text + len;
    const char *p;
    size_t at;

    at = find(text, len, LIT("-----BEGIN "));
    if (at == len)
        return RUCIO_E_INVALID_ARG;
    b->start = text + at;
    b->label = b->start + sizeof("-----BEGIN ") - 1;
    /* RFC 7468 labels contain no '-', so the first one ends the label. */
    for (p = b->label; p < stop && *p != '-'; p++)
        ;
    b->label_len = (size_t)(p - b->label);
    if (!skip(&p, stop, LIT("-----")) || !skip_line_break(&p, stop))
        return RUCIO_E_INVALID_ARG;
    b->body = p;
    at = find(p, (size_t)(stop - p), LIT("-----END "));
    if (at == (size_t)(stop - p))
        return RUCIO_E_INVALID_ARG;
    b->body_len = at;
    p += at + sizeof("-----END ") - 1;
    if (!skip(&p, stop, b->label, b->label_len) ||
        !skip(&p, stop, LIT("-----")))
        return RUCIO_E_INVALID_ARG;
    b->len = (size_t)(p - b->start);
    return RUCIO_OK;
}

static key_armor armor_of(const pem_block *b)
{
    size_t i;

    for (i = 0; i < sizeof armor_labels / sizeof armor_labels[0]; i++)
        if (strlen(armor_labels[i].label) == b->label_len &&
            memcmp(armor_labels[i].label, b->label, b->label_len) == 0)
            return armor_labels[i].armor;
    return ARMOR_UNKNOWN;
}

/* ---- PKCS#1 and PKCS#8, through mbedTLS ---------------------------------- */

static rucio_status status_of_parse_error(int ret)
{
    /* mbedTLS may add a low-level code to the high-level one (bits
     * 0x7F80), which alone says what was wrong with the key. */
    switch (-(-ret & 0x7F80)) {
    case MBEDTLS_ERR_PK_UNKNOWN_PK_ALG:      /* ed25519, ed448 in PKCS#8 */
    case MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE: /* EC on a curve not built */
        return RUCIO_E_UNSUPPORTED;
    default:
        return RUCIO_E_INVALID_ARG;
    }
}

/* mbedTLS parses PEM only from a NUL-terminated string, and the caller's
 * text need not be one: the block is copied into work first. */
static rucio_status load_pkcs_key(mbedtls_pk_context *pk, const pem_block *b,
                                  unsigned char *work, size_t cap,
                                  int (*f_rng)(void *, unsigned char *, size_t),
                                  void *p_rng)
{
    int ret;

    /* RFC 1421 headers are only found in passphrase-protected PEM
     * ("Proc-Type: 4,ENCRYPTED"); base64 never contains ':'. */
    if (find(b->body, b->body_len, LIT("Proc-Type:")) != b->body_len)
        return RUCIO_E_UNSUPPORTED;
    if (b->len >= cap)
        return RUCIO_E_UNSUPPORTED; /* longer than any key we accept */
    memcpy(work, b->start, b->len);
    work[b->len] = '\0';
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ret = mbedtls_pk_parse_key(pk, work, b->len + 1, NULL, 0, f_rng, p_rng);
#else
    (void)f_rng;
    (void)p_rng;
    ret = mbedtls_pk_parse_key(pk, work, b->len + 1, NULL, 0);
#endif
    return ret == 0 ? RUCIO_OK : status_of_parse_error(ret);
}

/* ---- openssh-key-v1 ------------------------------------------------------ */

/* Bytes inside the decoded container. */
typedef struct ssh_bytes {
    const unsigned char *p;
    size_t len;
} ssh_bytes;

/* What is left to read of a container or of one of its strings. */
typedef struct ssh_reader {
    const unsigned char *p;
    size_t left;
} ssh_reader;

/* The numbers mbedtls_rsa_import_raw needs, big-endian, no leading 0. */
typedef struct rsa_numbers {
    ssh_bytes n, e, d, p, q;
} rsa_numbers;

static ssh_reader reader_of(const ssh_bytes *s)
{
    ssh_reader r;

    r.p = s->p;
    r.left = s->len;
    return r;
}

static rucio_status read_u32(ssh_reader *r, uint32_t *v)
{
    if (r->left < 4)
        return RUCIO_E_INVALID_ARG;
    *v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
         (uint32_t)r->p[2] << 8 | (uint32_t)r->p[3];
    r->p += 4;
    r->left -= 4;
    return RUCIO_OK;
}

/* SSH string: uint32-BE length, then that many bytes. */
static rucio_status read_string(ssh_reader *r, ssh_bytes *s)
{
    uint32_t n;

    if (read_u32(r, &n) != RUCIO_OK || n > r->left)
        return RUCIO_E_INVALID_ARG;
    s->p = r->p;
    s->len = n;
    r->p += n;
    r->left -= n;
    return RUCIO_OK;
}

/* SSH mpint holding an RSA number. Negative is refused, leading zero
 * bytes (one is required before a high bit) are dropped, and longer than
 * the largest modulus accepted is a key too large, not a broken one.
 * The values themselves are judged by mbedTLS. */
static rucio_status read_rsa_number(ssh_reader *r, ssh_bytes *v)
{
    if (read_string(r, v) != RUCIO_OK)
        return RUCIO_E_INVALID_ARG;
    if (v->len > 0 && (v->p[0] & 0x80) != 0)
        return RUCIO_E_INVALID_ARG; /* negative */
    while (v->len > 0 && v->p[0] == 0) {
        v->p++;
        v->len--;
    }
    return v->len > RSA_MAX_BYTES ? RUCIO_E_UNSUPPORTED : RUCIO_OK;
}

static int bytes_are(const ssh_bytes *s, const char *text, size_t n)
{
    return s->len == n && memcmp(s->p, text, n) == 0;
}

static int bytes_equal(const ssh_bytes *a, const ssh_bytes *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Public key blob: string "ssh-rsa", mpint e, mpint n. Its type is the
 * first thing that tells whether the key can be used at all. */
static rucio_status parse_public_key(const ssh_bytes *blob, ssh_bytes *n,
                                     ssh_bytes *e)
{
    ssh_reader r = reader_of(blob);
    ssh_bytes type;
    rucio_status st;

    if (read_string(&r, &type) != RUCIO_OK)
        return RUCIO_E_INVALID_ARG;
    /* ed25519, ECDSA, DSA, security keys, certificates: the server
     * verifies only RSA. */
    if (!bytes_are(&type, LIT("ssh-rsa")))
        return RUCIO_E_UNSUPPORTED;
    st = read_rsa_number(&r, e);
    if (st == RUCIO_OK)
        st = read_rsa_number(&r, n);
    if (st == RUCIO_OK && r.left != 0)
        st = RUCIO_E_INVALID_ARG;
    return st;
}

/* What follows the comment pads the section: bytes 1, 2, 3, ... shorter
 * than a block. */
static rucio_status check_padding(const ssh_reader *r)
{
    size_t i;

    if (r->left >= OPENSSH_BLOCK)
        return RUCIO_E_INVALID_ARG;
    for (i = 0; i < r->left; i++)
        if (r->p[i] != i + 1)
            return RUCIO_E_INVALID_ARG;
    return RUCIO_OK;
}

/*
 * Private section: uint32 check, uint32 check, string "ssh-rsa", mpints
 * n, e, d, iqmp, p, q, string comment, padding. iqmp is not used:
 * mbedtls_rsa_complete derives the CRT values from p, q and d, and
 * mbedtls_rsa_check_privkey checks them.
 */
static rucio_status parse_private_section(const ssh_bytes *section,
                                          const ssh_bytes *pub_n,
                                          const ssh_bytes *pub_e,
                                          rsa_numbers *k)
{
    ssh_reader r = reader_of(section);
    uint32_t check1, check2;
    ssh_bytes type, iqmp, comment;
    ssh_bytes *const numbers[] = {&k->n, &k->e, &k->d, &iqmp, &k->p, &k->q};
    rucio_status st;
    size_t i;

    if (section->len % OPENSSH_BLOCK != 0 ||
        read_u32(&r, &check1) != RUCIO_OK ||
        read_u32(&r, &check2) != RUCIO_OK ||
        read_string(&r, &type) != RUCIO_OK)
        return RUCIO_E_INVALID_ARG;
    /* Equal check words are how OpenSSH recognises a good decryption; in
     * an unencrypted key a difference means the section is corrupt. */
    if (check1 != check2 || !bytes_are(&type, LIT("ssh-rsa")))
        return RUCIO_E_INVALID_ARG;
    for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        st = read_rsa_number(&r, numbers[i]);
        if (st != RUCIO_OK)
            return st;
    }
    if (!bytes_equal(&k->n, pub_n) || !bytes_equal(&k->e, pub_e) ||
        read_string(&r, &comment) != RUCIO_OK)
        return RUCIO_E_INVALID_ARG;
    return check_padding(&r);
}

/* "openssh-key-v1\0", string ciphername, string kdfname, string
 * kdfoptions, uint32 number of keys, string public key, string private
 * section, and nothing after it. */
static rucio_status parse_openssh_container(const unsigned char *blob,
                                            size_t len, rsa_numbers *k)
{
    ssh_reader r;
    ssh_bytes cipher, kdf, kdf_options, public_key, private_section;
    ssh_bytes pub_n, pub_e;
    uint32_t nkeys;
    rucio_status st;

    if (len < sizeof OPENSSH_MAGIC ||
        memcmp(blob, OPENSSH_MAGIC, sizeof OPENSSH_MAGIC) != 0)
        return RUCIO_E_INVALID_ARG;
    r.p = blob + sizeof OPENSSH_MAGIC;
    r.left = len - sizeof OPENSSH_MAGIC;
    if (read_string(&r, &cipher) != RUCIO_OK ||
        read_string(&r, &kdf) != RUCIO_OK ||
        read_string(&r, &kdf_options) != RUCIO_OK ||
        read_u32(&r, &nkeys) != RUCIO_OK ||
        read_string(&r, &public_key) != RUCIO_OK ||
        read_string(&r, &private_section) != RUCIO_OK || r.left != 0)
        return RUCIO_E_INVALID_ARG;
    /* Any cipher means a passphrase; we have none to give. */
    if (!bytes_are(&cipher, LIT("none")))
        return RUCIO_E_UNSUPPORTED;
    /* OpenSSH writes exactly one key, and no KDF without a cipher. */
    if (!bytes_are(&kdf, LIT("none")) || kdf_options.len != 0 || nkeys != 1)
        return RUCIO_E_INVALID_ARG;
    st = parse_public_key(&public_key, &pub_n, &pub_e);
    if (st != RUCIO_OK)
        return st;
    return parse_private_section(&private_section, &pub_n, &pub_e, k);
}

static rucio_status import_rsa_numbers(mbedtls_pk_context *pk,
                                       const rsa_numbers *k)
{
    mbedtls_rsa_context *rsa;

    if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0)
        return RUCIO_E_INVALID_ARG;
    rsa = mbedtls_pk_rsa(*pk);
    if (mbedtls_rsa_import_raw(rsa, k->n.p, k->n.len, k->p.p, k->p.len,
                               k->q.p, k->q.len, k->d.p, k->d.len, k->e.p,
                               k->e.len) != 0 ||
        mbedtls_rsa_complete(rsa) != 0)
        return RUCIO_E_INVALID_ARG;
    return RUCIO_OK;
}

static rucio_status load_openssh_key(mbedtls_pk_context *pk,
                                     const pem_block *b, unsigned char *work,
                                     size_t cap)
{
    rsa_numbers k;
    size_t len;
    rucio_status st;
    int ret;

    ret = mbedtls_base64_decode(work, cap, &len,
                                (const unsigned char *)b->body, b->body_len);
    if (ret == MBEDTLS_ERR_BASE64_BUFFER_TOO_SMALL)
        return RUCIO_E_UNSUPPORTED; /* longer than any key we accept */
    if (ret != 0)
        return RUCIO_E_INVALID_ARG;
    st = parse_openssh_container(work, len, &k);
    if (st != RUCIO_OK)
        return st;
    return import_rsa_numbers(pk, &k);
}

/* ---- Loading and signing ------------------------------------------------- */

static rucio_status check_rsa_key(const mbedtls_pk_context *pk)
{
    /* A PKCS#8 file may hold an EC key. */
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA)
        return RUCIO_E_UNSUPPORTED;
    if (mbedtls_rsa_check_privkey(mbedtls_pk_rsa(*pk)) != 0)
        return RUCIO_E_INVALID_ARG;
    return RUCIO_OK;
}

static rucio_status load_private_key(mbedtls_pk_context *pk,
                                     const pem_block *b,
                                     int (*f_rng)(void *, unsigned char *,
                                                  size_t),
                                     void *p_rng)
{
    unsigned char work[KEY_WORK_MAX];
    rucio_status st;

    switch (armor_of(b)) {
    case ARMOR_OPENSSH:
        st = load_openssh_key(pk, b, work, sizeof work);
        break;
    case ARMOR_PKCS:
        st = load_pkcs_key(pk, b, work, sizeof work, f_rng, p_rng);
        break;
    case ARMOR_ENCRYPTED:
    case ARMOR_NOT_RSA:
        st = RUCIO_E_UNSUPPORTED;
        break;
    default:
        st = RUCIO_E_INVALID_ARG;
        break;
    }
    mbedtls_platform_zeroize(work, sizeof work);
    return st == RUCIO_OK ? check_rsa_key(pk) : st;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static size_t base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

static rucio_status sign_rsa_sha256(mbedtls_rsa_context *rsa,
                                    const unsigned char *message,
                                    size_t message_len,
                                    int (*f_rng)(void *, unsigned char *,
                                                 size_t),
                                    void *p_rng, char *out, size_t cap,
                                    size_t *out_len)
{
    unsigned char blob[SIG_HEADER_LEN + RSA_MAX_BYTES];
    unsigned char hash[SHA256_LEN];
    size_t sig_len = mbedtls_rsa_get_len(rsa);
    size_t blob_len = SIG_HEADER_LEN + sig_len;
    size_t text_len;
    int ret;

    if (sig_len > RSA_MAX_BYTES)
        return RUCIO_E_UNSUPPORTED;
    if (base64_len(blob_len) >= cap) {
        if (out_len)
            *out_len = base64_len(blob_len);
        return RUCIO_E_NO_SPACE;
    }
    if (mbedtls_md(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), message,
                   message_len, hash) != 0)
        return RUCIO_E_INVALID_ARG;
    put_u32(blob, SIG_ALG_LEN);
    memcpy(blob + 4, SIG_ALG, SIG_ALG_LEN);
    put_u32(blob + 4 + SIG_ALG_LEN, (uint32_t)sig_len);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    ret = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, f_rng, p_rng,
                                            MBEDTLS_MD_SHA256, SHA256_LEN,
                                            hash, blob + SIG_HEADER_LEN);
#else
    ret = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, f_rng, p_rng,
                                            MBEDTLS_RSA_PRIVATE,
                                            MBEDTLS_MD_SHA256, SHA256_LEN,
                                            hash, blob + SIG_HEADER_LEN);
#endif
    if (ret != 0)
        return RUCIO_E_INVALID_ARG;
    if (mbedtls_base64_encode((unsigned char *)out, cap, &text_len, blob,
                              blob_len) != 0)
        return RUCIO_E_NO_SPACE;
    if (out_len)
        *out_len = text_len;
    return RUCIO_OK;
}

rucio_status rl_ssh_sign(const char *key, size_t key_len,
                         const char *message, size_t message_len,
                         int (*f_rng)(void *, unsigned char *, size_t),
                         void *p_rng, char *out, size_t cap,
                         size_t *out_len)
{
    mbedtls_pk_context pk;
    pem_block block;
    rucio_status st;

    if (out && cap)
        out[0] = '\0';
    if (!key || (!message && message_len) || !f_rng || !out)
        return RUCIO_E_INVALID_ARG;
    st = find_pem_block(key, key_len, &block);
    if (st != RUCIO_OK)
        return st;
    mbedtls_pk_init(&pk);
    st = load_private_key(&pk, &block, f_rng, p_rng);
    if (st == RUCIO_OK)
        st = sign_rsa_sha256(mbedtls_pk_rsa(pk),
                             message ? (const unsigned char *)message
                                     : (const unsigned char *)"",
                             message_len, f_rng, p_rng, out, cap, out_len);
    mbedtls_pk_free(&pk);
    return st;
}
#endif /* RUCIO_WITH_SSH */
