/*
 * The hypervisor's own C library (common/lib.c, common/vsnprintf.c), built
 * under hv_* names so that it links beside the host libc: the lib suite
 * tests these functions, and the cmdline suite takes parse_u64 and strlcpy
 * from here (it builds cmdline.c with -Dparse_u64=hv_parse_u64
 * -Dstrlcpy=hv_strlcpy).  hv_lib.h declares the renamed functions.
 */
#define memcpy     hv_memcpy
#define memmove    hv_memmove
#define memset     hv_memset
#define memcmp     hv_memcmp
#define strlen     hv_strlen
#define strnlen    hv_strnlen
#define strcmp     hv_strcmp
#define strncmp    hv_strncmp
#define strchr     hv_strchr
#define strlcpy    hv_strlcpy
#define vsnprintf  hv_vsnprintf
#define snprintf   hv_snprintf
#define parse_u64  hv_parse_u64

#include "../../../../hypervisor/common/lib.c"
#include "../../../../hypervisor/common/vsnprintf.c"
