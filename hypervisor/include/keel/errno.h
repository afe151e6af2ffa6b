/* Internal error numbers are the public ABI's (negative on return). */
#ifndef KEEL_ERRNO_H
#define KEEL_ERRNO_H

#include <public/errno.h>

#define EPERM     KEEL_EPERM
#define ENOENT    KEEL_ENOENT
#define ESRCH     KEEL_ESRCH
#define EIO       KEEL_EIO
#define E2BIG     KEEL_E2BIG
#define EBADF     KEEL_EBADF
#define EAGAIN    KEEL_EAGAIN
#define ENOMEM    KEEL_ENOMEM
#define EACCES    KEEL_EACCES
#define EFAULT    KEEL_EFAULT
#define EBUSY     KEEL_EBUSY
#define EEXIST    KEEL_EEXIST
#define ENODEV    KEEL_ENODEV
#define EINVAL    KEEL_EINVAL
#define ENOSPC    KEEL_ENOSPC
#define ERANGE    KEEL_ERANGE
#define ENOSYS    KEEL_ENOSYS
#define EOVERFLOW KEEL_EOVERFLOW

#endif
