# Long transfer test (issue 9): a 256 MiB object up and down through signed
# S3 URLs, byte-identical, with the checksums rucio-lite prints compared to
# Python's, and the peak RSS at 16 MiB and 256 MiB (it must not grow with
# the size). Not part of `make test` (about a minute, 1 GB of disk).
#
#   make test-long                     16 and 256 MiB
#   make test-long LONG_SIZES_MIB=16   a quick run of the same check
#
# Builds into $(LONG_BUILD), starts its own storage servers (S3 + GCS
# stand-in; needs `make storage-deps`). See bench/transfer.sh and
# docs/testing.md, "Long transfer tests".

LONG_BUILD ?= build/test-long
LONG_SIZES_MIB ?= 16,256

.PHONY: test-long

test-long: storage-deps
	@LONG_SIZES_MIB='$(LONG_SIZES_MIB)' bench/transfer.sh $(LONG_BUILD) long
