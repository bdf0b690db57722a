# Test storage servers for transfers through signed URLs (issue 9): S3
# (s3s-fs, verifies SigV4 pre-signed URLs), OpenStack Swift (tempurl) and a
# GCS stand-in (nginx WebDAV), each behind nginx TLS on 127.0.0.1.
#
#   make storage-deps       install what is missing (Debian packages as root,
#                           s3s-fs from crates.io into $(STORAGE_TOOLS));
#                           make test, test-mbedtls228 and coverage run it
#   make storage-selftest   start them, check that signatures are really
#                           verified (tampered/expired/unsigned URLs refused),
#                           stop, restart, die with the watched process
#
# The folder is tests/storage/ without a run.sh on purpose: the servers are
# infrastructure for the suites, not a suite of their own. See docs/testing.md,
# "Storage servers (S3, Swift, GCS)".

# One s3s-fs for every BUILD folder (as build/mbedtls36 is shared): its
# cargo build takes about 5 min on 2 cores, once per clone. STORAGE_TOOLS=
# a folder outside the clone pays it once per machine. Exported: the
# transfer suite (tests/transfer/run.sh) and tests/storage/ find it there.
STORAGE_TOOLS ?= $(CURDIR)/build/storage-tools
export STORAGE_TOOLS

.PHONY: storage-deps storage-selftest

# After deps (the compiler that cargo links with comes from there).
storage-deps: deps
	@STORAGE_TOOLS='$(STORAGE_TOOLS)' tests/storage/install.sh

# The transfer suite runs in every pass over the integration suites.
test test-mbedtls228 coverage: storage-deps

storage-selftest: storage-deps
	@STORAGE_TOOLS='$(STORAGE_TOOLS)' tests/storage/selftest.sh
