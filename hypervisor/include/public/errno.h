/*
 * Error numbers returned (negated) by hypercalls.  The values are those of
 * Linux on x86, so the dom0 module can hand them to user space unchanged.
 */
#ifndef KEEL_PUBLIC_ERRNO_H
#define KEEL_PUBLIC_ERRNO_H

#define KEEL_EPERM      1   /* caller lacks the privilege for this call   */
#define KEEL_ENOENT     2   /* no such object                             */
#define KEEL_ESRCH      3   /* no such domain                             */
#define KEEL_EIO        5
#define KEEL_E2BIG      7   /* argument list or batch too long            */
#define KEEL_EBADF      9   /* bad port or handle                         */
#define KEEL_EAGAIN    11   /* try again                                  */
#define KEEL_ENOMEM    12   /* out of memory                              */
#define KEEL_EACCES    13   /* access to the object is not granted        */
#define KEEL_EFAULT    14   /* a buffer is not in the caller's memory     */
#define KEEL_EBUSY     16   /* object in use                              */
#define KEEL_EEXIST    17   /* object exists already                      */
#define KEEL_ENODEV    19
#define KEEL_EINVAL    22   /* an argument is out of range or malformed   */
#define KEEL_ENOSPC    28   /* no room left                               */
#define KEEL_ERANGE    34   /* result does not fit the buffer             */
#define KEEL_ENOSYS    38   /* no such hypercall or sub-command           */
#define KEEL_EOVERFLOW 75

#endif
