// glibc's allocator tuning (`mallopt` and its `M_*` parameters), which the Glibc module does not import.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif
