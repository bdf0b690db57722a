#!/bin/sh
# Two rules of the library, checked on its objects:
#  - it never allocates: no heap function is referenced (mbedTLS, linked
#    separately, allocates on its own);
#  - it has no global mutable state: no object has a non-empty .data or
#    .bss section (const tables live in .rodata or .data.rel.ro).
lib=${1:?usage: check-heap.sh librucio.a}
status=0
bad=$(nm -u "$lib" | awk '{print $NF}' | grep -E '^(malloc|calloc|realloc|free|strdup|strndup|reallocarray|posix_memalign|aligned_alloc)$' | sort -u)
if [ -n "$bad" ]; then
    echo "FAIL  heap check: $lib references:" $bad
    nm -A -u "$lib" | grep -E ' U (malloc|calloc|realloc|free|strdup|strndup)$'
    status=1
else
    echo "PASS  heap check: no heap function referenced by $lib"
fi
writable=$(objdump -h "$lib" | awk '
    /file format/ { obj = $1 }
    ($2 == ".data" || $2 == ".bss") && $3 !~ /^0+$/ { print obj, $2, "0x" $3 }')
if [ -n "$writable" ]; then
    echo "FAIL  global state check: writable sections in $lib:"
    echo "$writable"
    status=1
else
    echo "PASS  global state check: no .data or .bss in any object of $lib"
fi
exit $status
