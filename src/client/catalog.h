/*
 * rucio-lite (private): the catalogue calls of an upload or download
 * (rucio/upload.h): the RSE and its PFNs, a DID's checksum and replica
 * state, and JSON requests that register things.
 */
#ifndef RUCIO_CATALOG_H
#define RUCIO_CATALOG_H

#include "rucio/client.h"

/* What an upload needs to know of an RSE. */
typedef struct rl_rse_info {
    char sign_service[8]; /* "gcs", "s3", "swift"; "" without sign_url */
    int deterministic;
    int lfn2pfn_identity; /* 0: the hash algorithm */
    char hostname[256];   /* of the https protocol of highest priority */
    uint64_t port;        /* for the operation asked for */
    char prefix[256];
} rl_rse_info;

/* GET rses/<rse>: settings and the https protocol of highest priority
 * for operation ("write", "read", "delete") on the wan domain.
 * RUCIO_E_UNSUPPORTED when there is none or lfn2pfn is neither hash nor
 * identity. */
rucio_status rl_catalog_rse(rucio_client *c, const char *rse,
                            const char *operation, rl_rse_info *out);

/* The deterministic PFN of scope:name on the RSE, as Rucio's lfn2pfn
 * and protocol code build it. */
rucio_status rl_catalog_pfn(rucio_client *c, const rl_rse_info *rse,
                            const char *scope, const char *name, char *out,
                            size_t cap);

/* A file DID as the catalogue knows it. */
typedef struct rl_did_meta {
    int exists;
    uint64_t bytes;
    char adler32[9]; /* "" when none */
    char md5[33];
} rl_did_meta;

/* GET dids/<scope>/<name>/meta; a DataIdentifierNotFound answer is
 * exists = 0, not an error. */
rucio_status rl_catalog_did(rucio_client *c, const char *scope,
                            const char *name, rl_did_meta *out);

/* POST replicas/list for the file DID scope:name, as the Python clients
 * ask: https PFNs (signed by the server for an account allowed to),
 * every state or only available ones, on RSEs matching rse_expression
 * (NULL: all). The JSON lines are in c->_internal.scratch.body. */
rucio_status rl_catalog_list_replicas(rucio_client *c, const char *scope,
                                      const char *name, int all_states,
                                      const char *rse_expression,
                                      size_t *out_len);

/* The state of scope:name's replica on rse ('A', 'C', ...; 0: none). */
rucio_status rl_catalog_replica_state(rucio_client *c, const char *scope,
                                      const char *name, const char *rse,
                                      char *out_state);

/* Send the JSON document b (built in c->_internal.query) to path with
 * method; success is expect (201 for POST), and so is an answer of
 * ExceptionClass `tolerated` (NULL: none), e.g. an existing dataset. A
 * document that did not fit b is refused before anything is sent. */
rucio_status rl_catalog_send(rucio_client *c, const rucio_strbuf *b,
                             const char *method, const char *path, int expect,
                             const char *tolerated);

/* Adler-32 texts equal once leading zeros are ignored (the catalogue may
 * hold "0f00ba1" for "00f00ba1", and the Python client compares so). */
int rl_catalog_adler_equal(const char *a, const char *b);

/* "dids/<scope>/<name><suffix>" with scope and name percent-encoded. */
rucio_status rl_catalog_did_path(rucio_client *c, const char *scope,
                                 const char *name, const char *suffix,
                                 char *out, size_t cap);

#endif /* RUCIO_CATALOG_H */
