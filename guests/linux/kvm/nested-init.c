/*
 * /init of the nested guest's initrd (kvmhost linux ... /usr/share/kvm/nested.cpio): the
 * first line the nested kernel's userland prints, then power-off (SBI SRST through
 * the nested kernel, a KVM_EXIT_SYSTEM_EVENT to kvmhost). No libc: a few system calls,
 * so the initrd stays a few KiB.
 */
#include <stddef.h>

#define SYS_write 64
#define SYS_reboot 142
#define SYS_uname 160
#define SYS_exit 93

static long syscall3(long n, long a, long b, long c) {
  register long a0 asm("a0") = a, a1 asm("a1") = b, a2 asm("a2") = c, a7 asm("a7") = n;
  asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
  return a0;
}

static size_t length(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

static void say(const char *s) { syscall3(SYS_write, 1, (long)s, (long)length(s)); }

struct utsname { char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65]; };

/* No crt0 sets gp, which the linker uses for small data (relaxation): _start does. */
asm(".globl _start\n"
    "_start:\n"
    ".option push\n"
    ".option norelax\n"
    "  la gp, __global_pointer$\n"
    ".option pop\n"
    "  j init_main\n");

void init_main(void) {
  static struct utsname u;
  syscall3(SYS_uname, (long)&u, 0, 0);
  say("kvm-nested: init up (");
  say(u.sysname);
  say(" ");
  say(u.release);
  say(" ");
  say(u.machine);
  say(")\n");
  /* LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF */
  syscall3(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc);
  syscall3(SYS_exit, 1, 0, 0);
  for (;;) {}
}
