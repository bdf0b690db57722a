# Test storage servers for transfers through signed URLs (issue 9): S3
# (s3s-fs, verifies SigV4 pre-signed URLs), OpenStack Swift (tempurl) and a
# GCS stand-in (nginx WebDAV), each behind nginx TLS on 127.0.0.1.
#
#   make storage-deps       install what is missing (Debian packages as root,
#                           s3s-fs from crates.io into $(STORAGE_TOOLS))
#   make storage-selftest   start them, check that signatures are really
#                           verified (tampered/expired/unsigned URLs refused),
#                           stop, restart, die with the watched process
#
# The folder is tests/storage/ without a run.sh on purpose: the servers are
# infrastructure for the suites, not a suite of their own. See docs/testing.md,
# "Storage servers (S3, Swift, GCS)".

STORAGE_TOOLS ?= $(abspath $(BUILD))/storage-tools

.PHONY: storage-deps storage-selftest

storage-deps:
	@STORAGE_TOOLS='$(STORAGE_TOOLS)' tests/storage/install.sh

storage-selftest: storage-deps
	@STORAGE_TOOLS='$(STORAGE_TOOLS)' tests/storage/selftest.sh
