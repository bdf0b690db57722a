#!/bin/sh
# The library never allocates: no object of librucio.a may reference the
# C heap. mbedTLS allocates on its own and is linked separately.
lib=${1:?usage: check-heap.sh librucio.a}
bad=$(nm -u "$lib" | awk '{print $NF}' | grep -E '^(malloc|calloc|realloc|free|strdup|strndup|reallocarray|posix_memalign|aligned_alloc)$' | sort -u)
if [ -n "$bad" ]; then
    echo "FAIL  heap check: $lib references: $bad"
    nm -A -u "$lib" | grep -E ' U (malloc|calloc|realloc|free|strdup|strndup)$'
    exit 1
fi
echo "PASS  heap check: no heap function referenced by $lib"
