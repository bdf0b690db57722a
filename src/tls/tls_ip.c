/*
 * rucio-lite: IP-literal hosts and the iPAddress entries of a certificate.
 *
 * Written here rather than taken from libc so that the library needs no
 * network headers outside the port. Why the check is ours and not
 * mbedTLS's is explained in tls_internal.h.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_TLS /* else the Makefile leaves this file out */
#include "tls/tls_internal.h"

#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/oid.h>

#include "core/ascii.h"

/* ---- text to bytes ------------------------------------------------------- */

/* One decimal part of a dotted quad: 0-255, no leading zero, no sign. */
static const char *parse_octet(const char *s, uint8_t *out)
{
    size_t digits = 0;
    uint64_t v;

    while (digits < 4 && rucio_ascii_is_digit(s[digits]))
        digits++;
    if (digits > 3 || (digits > 1 && s[0] == '0') ||
        !rl_ascii_parse_u64(s, digits, &v) || v > 255)
        return NULL;
    *out = (uint8_t)v;
    return s + digits;
}

/* The whole of s must be a dotted quad. */
static int parse_ipv4(const char *s, uint8_t out[4])
{
    int i;

    for (i = 0; i < 4; i++) {
        s = parse_octet(s, &out[i]);
        if (!s)
            return 0;
        if (i < 3 && *s++ != '.')
            return 0;
    }
    return *s == '\0';
}

/* One group of 1-4 hex digits. */
static const char *parse_group(const char *s, uint16_t *out)
{
    unsigned v = 0;
    int digits = 0;

    while (digits < 5 && rucio_ascii_hex_value(s[digits]) >= 0) {
        v = (v << 4) | (unsigned)rucio_ascii_hex_value(s[digits]);
        digits++;
    }
    if (digits == 0 || digits > 4)
        return NULL;
    *out = (uint16_t)v;
    return s + digits;
}

/* Spread the groups around the "::" gap into 16 bytes. */
static void expand_groups(const uint16_t *groups, size_t count, size_t gap,
                          uint8_t out[16])
{
    size_t tail = count - gap;
    size_t i;

    memset(out, 0, 16);
    for (i = 0; i < gap; i++) {
        out[2 * i] = (uint8_t)(groups[i] >> 8);
        out[2 * i + 1] = (uint8_t)groups[i];
    }
    for (i = 0; i < tail; i++) {
        size_t at = 8 - tail + i;

        out[2 * at] = (uint8_t)(groups[gap + i] >> 8);
        out[2 * at + 1] = (uint8_t)groups[gap + i];
    }
}

/* A final dotted quad stands for the last two groups (::ffff:1.2.3.4). */
static int take_ipv4_tail(const char *s, uint16_t *groups, size_t *count)
{
    uint8_t v4[4];

    if (*count > 6 || !parse_ipv4(s, v4))
        return 0;
    groups[(*count)++] = (uint16_t)(v4[0] << 8 | v4[1]);
    groups[(*count)++] = (uint16_t)(v4[2] << 8 | v4[3]);
    return 1;
}

/* After a group: the ':' that must follow it and, if a second one comes,
 * the one "::" allowed (gap = groups before it). NULL if malformed. */
static const char *take_separator(const char *s, size_t count, int *has_gap,
                                  size_t *gap)
{
    if (*s++ != ':' || *s == '\0')
        return NULL;
    if (*s != ':')
        return s;
    if (*has_gap)
        return NULL;
    *has_gap = 1;
    *gap = count;
    return s + 1;
}

/* RFC 4291 section 2.2 text forms, without zone or brackets. */
static int parse_ipv6(const char *s, uint8_t out[16])
{
    uint16_t groups[8];
    size_t count = 0;
    size_t gap = 0;  /* groups before the "::" */
    int has_gap = 0;

    if (s[0] == ':') {
        if (s[1] != ':')
            return 0;
        has_gap = 1;
        s += 2;
    }
    while (*s != '\0') {
        if (count == 8)
            return 0;
        if (!strchr(s, ':') && strchr(s, '.')) {
            if (!take_ipv4_tail(s, groups, &count))
                return 0;
            break;
        }
        s = parse_group(s, &groups[count]);
        if (!s)
            return 0;
        count++;
        if (*s == '\0')
            break;
        s = take_separator(s, count, &has_gap, &gap);
        if (!s)
            return 0;
    }
    /* Without "::" all eight groups are written; with it, at most seven. */
    if (has_gap ? count > 7 : count != 8)
        return 0;
    expand_groups(groups, count, has_gap ? gap : count, out);
    return 1;
}

rucio_tls_host_kind rl_tls_parse_host(const char *host,
                                      uint8_t ip[RUCIO_TLS_IP_MAX],
                                      size_t *out_len)
{
    *out_len = 0;
    if (strchr(host, ':')) {
        if (!parse_ipv6(host, ip))
            return RUCIO_TLS_HOST_INVALID;
        *out_len = 16;
        return RUCIO_TLS_HOST_IP;
    }
    if (parse_ipv4(host, ip)) {
        *out_len = 4;
        return RUCIO_TLS_HOST_IP;
    }
    return RUCIO_TLS_HOST_NAME;
}

/* ---- the certificate's subjectAltName ------------------------------------- */

/* Read the tag and length of the next element, whatever its tag. */
static int next_element(unsigned char **p, const unsigned char *end,
                        unsigned char *out_tag, size_t *out_len)
{
    if (end - *p < 1)
        return -1;
    *out_tag = **p;
    (*p)++;
    return mbedtls_asn1_get_len(p, end, out_len);
}

/* GeneralNames ::= SEQUENCE OF GeneralName; iPAddress is [7] OCTET STRING. */
static int general_names_have_ip(unsigned char *p, const unsigned char *end,
                                 const uint8_t *ip, size_t ip_len)
{
    const unsigned char ip_tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC |
                                 MBEDTLS_X509_SAN_IP_ADDRESS;
    size_t len;

    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return 0;
    end = p + len;
    while (p < end) {
        unsigned char tag;

        if (next_element(&p, end, &tag, &len))
            return 0;
        if (tag == ip_tag && len == ip_len && memcmp(p, ip, len) == 0)
            return 1;
        p += len;
    }
    return 0;
}

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE,
 * extnValue OCTET STRING }. Returns the extnValue of subjectAltName. */
static int find_san_value(unsigned char *p, const unsigned char *end,
                          unsigned char **out_p, size_t *out_len)
{
    size_t len;

    if (mbedtls_asn1_get_tag(&p, end, &len,
                             MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE))
        return -1;
    end = p + len;
    while (p < end) {
        unsigned char *ext_end;
        mbedtls_asn1_buf oid;

        if (mbedtls_asn1_get_tag(&p, end, &len, MBEDTLS_ASN1_CONSTRUCTED |
                                                    MBEDTLS_ASN1_SEQUENCE))
            return -1;
        ext_end = p + len;
        if (mbedtls_asn1_get_tag(&p, ext_end, &oid.len, MBEDTLS_ASN1_OID))
            return -1;
        oid.p = p;
        p += oid.len;
        if (MBEDTLS_OID_CMP(MBEDTLS_OID_SUBJECT_ALT_NAME, &oid) == 0) {
            int critical;

            if (p < ext_end && *p == MBEDTLS_ASN1_BOOLEAN &&
                mbedtls_asn1_get_bool(&p, ext_end, &critical))
                return -1;
            if (mbedtls_asn1_get_tag(&p, ext_end, out_len,
                                     MBEDTLS_ASN1_OCTET_STRING))
                return -1;
            *out_p = p;
            return 0;
        }
        p = ext_end;
    }
    return -1;
}

int rl_tls_crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip,
                      size_t len)
{
    /* The extensions are the [3] element of TBSCertificate; the elements
     * before it are skipped whatever they are. */
    const unsigned char ext_tag = MBEDTLS_ASN1_CONTEXT_SPECIFIC |
                                  MBEDTLS_ASN1_CONSTRUCTED | 3;
    unsigned char *p = crt->tbs.p;
    const unsigned char *end;
    size_t n;

    if (!p)
        return 0;
    end = p + crt->tbs.len;
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED |
                                              MBEDTLS_ASN1_SEQUENCE))
        return 0;
    end = p + n;
    while (p < end) {
        unsigned char tag;

        if (next_element(&p, end, &tag, &n))
            return 0;
        if (tag == ext_tag) {
            unsigned char *san;
            size_t san_len;

            if (find_san_value(p, p + n, &san, &san_len))
                return 0;
            return general_names_have_ip(san, san + san_len, ip, len);
        }
        p += n;
    }
    return 0;
}
#endif /* RUCIO_WITH_TLS */
