/*
 * kvmhost: a small KVM host, against Linux's /dev/kvm API and nothing else. It creates a
 * VM with one vCPU and one memory slot (RAM at 0x80000000), loads a guest, sets the
 * vCPU's pc, a0 (hart id) and a1 (device tree) with KVM_SET_ONE_REG, and runs it:
 *
 *   kvmhost bare FILE [-m MiB]
 *       a flat S-mode binary at the start of RAM (guests/linux/kvm/bare.c)
 *   kvmhost linux IMAGE [INITRD] [-m MiB] [-a BOOTARGS]
 *       a Linux Image (a file or a block device holding one) at RAM + 2 MiB, with a
 *       device tree written here (memory, one cpu with the ISA KVM gives the vCPU,
 *       the timebase, /chosen with the command line and the initrd)
 *
 * The exits it handles: KVM_EXIT_RISCV_SBI (the SBI v0.1 console; everything else KVM
 * forwards is answered SBI_ERR_NOT_SUPPORTED), KVM_EXIT_MMIO (a device of its own at
 * 0x10000000, below), KVM_EXIT_SYSTEM_EVENT (SBI SRST or legacy shutdown: the run ends).
 *
 * The device at MMIO_BASE: offset 0 is a 64-bit register; what is written is stored,
 * and a read returns the stored value with its bytes reversed (so a guest sees that
 * the host, not memory, answered). Offset 8 (32 bits, read-only) counts the device's
 * accesses so far, this one included.
 *
 * Prints its own lines as "kvmhost: ...", the guest's console as it comes (a line at a
 * time). Exits 0 when the guest shuts down normally, 1 on a failure shutdown or error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RAM_BASE 0x80000000UL
#define LINUX_OFFSET 0x200000UL /* where an RV64 Image wants to be: 2 MiB into RAM */
#define MMIO_BASE 0x10000000UL
#define MMIO_SIZE 0x1000UL

#define SBI_EXT_0_1_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_0_1_CONSOLE_GETCHAR 0x02
#define SBI_ERR_NOT_SUPPORTED (-2L)

static const char *prog = "kvmhost";

/* The guest's console, a line at a time (each write is a syscall of the host kernel). */
static char line[256];
static size_t line_len;

static void flush_console(void) {
  size_t off = 0;
  while (off < line_len) {
    ssize_t n = write(1, line + off, line_len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    off += (size_t)n;
  }
  line_len = 0;
}

static void console_putc(char c) {
  line[line_len++] = c;
  if (c == '\n' || line_len == sizeof line) flush_console();
}

static void say(const char *fmt, ...) {
  va_list ap;
  flush_console();
  printf("%s: ", prog);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

__attribute__((noreturn)) static void die(const char *fmt, ...) {
  va_list ap;
  flush_console();
  fflush(stdout);
  fprintf(stderr, "%s: error: ", prog);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* --- the VM ---------------------------------------------------------------------------- */

static int vcpu_fd;
static uint8_t *ram;
static size_t ram_size;

static uint64_t reg_id(uint64_t type, uint64_t index) {
  return KVM_REG_RISCV | KVM_REG_SIZE_U64 | type | index;
}

static void set_reg(uint64_t id, uint64_t value, const char *name) {
  struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
  if (ioctl(vcpu_fd, KVM_SET_ONE_REG, &r) < 0) die("KVM_SET_ONE_REG %s: %s", name, strerror(errno));
}

/* A register's value, or `fallback` when KVM does not have it. */
static uint64_t get_reg(uint64_t id, uint64_t fallback) {
  uint64_t value = 0;
  struct kvm_one_reg r = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
  return ioctl(vcpu_fd, KVM_GET_ONE_REG, &r) < 0 ? fallback : value;
}

#define CORE(field) reg_id(KVM_REG_RISCV_CORE, KVM_REG_RISCV_CORE_REG(field))
#define CONFIG(field) reg_id(KVM_REG_RISCV_CONFIG, KVM_REG_RISCV_CONFIG_REG(field))
#define TIMER(field) reg_id(KVM_REG_RISCV_TIMER, KVM_REG_RISCV_TIMER_REG(field))
#define ISA_EXT(id) reg_id(KVM_REG_RISCV_ISA_EXT, (id))

/* Reads `path` (a file or a block device) into guest RAM at `offset`; at most `max` bytes. */
static size_t load(const char *path, size_t offset, size_t max) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) die("%s: %s", path, strerror(errno));
  if (offset >= ram_size) die("%s: no room in %zu MiB of guest RAM", path, ram_size >> 20);
  size_t room = ram_size - offset, got = 0;
  if (max > room) max = room;
  while (got < max) {
    ssize_t n = read(fd, ram + offset + got, max - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die("%s: %s", path, strerror(errno));
    if (n == 0) break;
    got += (size_t)n;
  }
  if (got == max && max == room) {
    char c;
    if (read(fd, &c, 1) == 1) die("%s does not fit in %zu MiB of guest RAM", path, ram_size >> 20);
  }
  close(fd);
  return got;
}

/* --- a flattened device tree, written by hand (devicetree spec 0.4, chapter 5) --------- */

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_END 9

static uint8_t fdt_struct[4096], fdt_strings[512];
static size_t struct_len, strings_len;

static void be32_at(uint8_t *p, uint32_t v) {
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void put_bytes(const void *data, size_t len) {
  if (struct_len + len + 4 > sizeof fdt_struct) die("device tree too large");
  memcpy(fdt_struct + struct_len, data, len);
  struct_len += len;
  while (struct_len % 4) fdt_struct[struct_len++] = 0;
}

static void put_u32(uint32_t v) {
  uint8_t b[4];
  be32_at(b, v);
  put_bytes(b, 4);
}

static uint32_t string_offset(const char *name) {
  for (size_t i = 0; i < strings_len; i += strlen((char *)fdt_strings + i) + 1)
    if (!strcmp((char *)fdt_strings + i, name)) return (uint32_t)i;
  size_t len = strlen(name) + 1;
  if (strings_len + len > sizeof fdt_strings) die("device tree strings too large");
  memcpy(fdt_strings + strings_len, name, len);
  strings_len += len;
  return (uint32_t)(strings_len - len);
}

static void begin_node(const char *name) {
  put_u32(FDT_BEGIN_NODE);
  put_bytes(name, strlen(name) + 1);
}

static void end_node(void) { put_u32(FDT_END_NODE); }

static void prop(const char *name, const void *value, size_t len) {
  put_u32(FDT_PROP);
  put_u32((uint32_t)len);
  put_u32(string_offset(name));
  if (len) put_bytes(value, len);
}

static void prop_str(const char *name, const char *value) { prop(name, value, strlen(value) + 1); }

static void prop_cells(const char *name, int n, ...) {
  uint8_t b[16 * 4];
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) be32_at(b + 4 * i, va_arg(ap, uint32_t));
  va_end(ap);
  prop(name, b, 4 * (size_t)n);
}

static void prop_u64(const char *name, uint64_t v) { prop_cells(name, 2, (uint32_t)(v >> 32), (uint32_t)v); }

/* Writes the blob at guest RAM offset `offset`; returns its size. */
static size_t fdt_finish(size_t offset) {
  put_u32(FDT_END);
  const uint32_t header = 40, rsvmap = 16;
  uint32_t off_struct = header + rsvmap, off_strings = off_struct + (uint32_t)struct_len;
  uint32_t total = off_strings + (uint32_t)strings_len;
  if (offset + total > ram_size) die("no room for the device tree");
  uint8_t *p = ram + offset;
  memset(p, 0, header + rsvmap);
  uint32_t fields[10] = { 0xd00dfeed, total, off_struct, off_strings, header, 17, 16, 0,
                          (uint32_t)strings_len, (uint32_t)struct_len };
  for (int i = 0; i < 10; i++) be32_at(p + 4 * i, fields[i]);
  memcpy(p + off_struct, fdt_struct, struct_len);
  memcpy(p + off_strings, fdt_strings, strings_len);
  return total;
}

/* The ISA string of the vCPU as KVM configured it: base letters, then the extensions. */
static void vcpu_isa(char *out, size_t size) {
  uint64_t letters = get_reg(CONFIG(isa), 0);
  size_t n = (size_t)snprintf(out, size, "rv64");
  /* In the canonical order (unprivileged spec, "ISA Extension Naming Conventions"); no H:
     KVM has no nested virtualization. */
  for (const char *c = "imafdqlcbkjtpv"; *c; c++)
    if ((letters >> (*c - 'a')) & 1 && n + 1 < size) out[n++] = *c;
  out[n] = 0;
  static const struct { int id; const char *name; } exts[] = {
    { KVM_RISCV_ISA_EXT_SSTC, "sstc" }, { KVM_RISCV_ISA_EXT_SVINVAL, "svinval" },
    { KVM_RISCV_ISA_EXT_SVPBMT, "svpbmt" }, { KVM_RISCV_ISA_EXT_ZICBOM, "zicbom" },
    { KVM_RISCV_ISA_EXT_ZIHINTPAUSE, "zihintpause" },
  };
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (get_reg(ISA_EXT(exts[i].id), 0)) n += (size_t)snprintf(out + n, size - n, "_%s", exts[i].name);
}

struct boot_info {
  const char *bootargs;
  uint64_t initrd_start, initrd_end; /* guest physical; 0, 0 for none */
};

static size_t write_dtb(size_t offset, const struct boot_info *b) {
  char isa[128];
  vcpu_isa(isa, sizeof isa);
  uint64_t timebase = get_reg(TIMER(frequency), 10000000);
  uint64_t cbom = get_reg(CONFIG(zicbom_block_size), 0);

  begin_node("");
  prop_cells("#address-cells", 1, 2);
  prop_cells("#size-cells", 1, 2);
  prop_str("compatible", "linux,dummy-virt");
  prop_str("model", "kvmhost");

  begin_node("chosen");
  if (b->bootargs) prop_str("bootargs", b->bootargs);
  if (b->initrd_end > b->initrd_start) {
    prop_u64("linux,initrd-start", b->initrd_start);
    prop_u64("linux,initrd-end", b->initrd_end);
  }
  end_node();

  begin_node("cpus");
  prop_cells("#address-cells", 1, 1);
  prop_cells("#size-cells", 1, 0);
  prop_cells("timebase-frequency", 1, (uint32_t)timebase);
  begin_node("cpu@0");
  prop_str("device_type", "cpu");
  prop_cells("reg", 1, 0);
  prop_str("compatible", "riscv");
  prop_str("riscv,isa", isa);
  prop_str("mmu-type", "riscv,sv48");
  if (cbom && strstr(isa, "zicbom")) prop_cells("riscv,cbom-block-size", 1, (uint32_t)cbom);
  prop_str("status", "okay");
  begin_node("interrupt-controller");
  prop_cells("#interrupt-cells", 1, 1);
  prop("interrupt-controller", NULL, 0);
  prop_str("compatible", "riscv,cpu-intc");
  prop_cells("phandle", 1, 1);
  end_node();
  end_node();
  end_node();

  char name[32];
  snprintf(name, sizeof name, "memory@%lx", RAM_BASE);
  begin_node(name);
  prop_str("device_type", "memory");
  prop_cells("reg", 4, 0, (uint32_t)RAM_BASE, (uint32_t)(ram_size >> 32), (uint32_t)ram_size);
  end_node();

  end_node();
  say("device tree: riscv,isa \"%s\", timebase %llu Hz, %zu MiB at 0x%lx", isa,
      (unsigned long long)timebase, ram_size >> 20, RAM_BASE);
  return fdt_finish(offset);
}

/* --- exits ----------------------------------------------------------------------------- */

static uint64_t dev_value;
static uint32_t dev_accesses;
static unsigned long sbi_exits, mmio_exits;

static uint64_t le_get(const uint8_t *p, uint32_t len) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < len; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void le_put(uint8_t *p, uint32_t len, uint64_t v) {
  for (uint32_t i = 0; i < len; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void mmio(struct kvm_run *run) {
  uint64_t addr = run->mmio.phys_addr;
  uint32_t len = run->mmio.len;
  mmio_exits++;
  if (addr < MMIO_BASE || addr + len > MMIO_BASE + MMIO_SIZE || len > 8) {
    say("mmio %s of %u bytes at 0x%llx: no device there (reads 0)", run->mmio.is_write ? "write" : "read", len,
        (unsigned long long)addr);
    if (!run->mmio.is_write) memset(run->mmio.data, 0, sizeof run->mmio.data);
    return;
  }
  uint64_t off = addr - MMIO_BASE;
  dev_accesses++;
  if (run->mmio.is_write) {
    uint64_t v = le_get(run->mmio.data, len);
    if (off == 0 && len == 8) dev_value = v;
    say("mmio write 0x%llx <- 0x%llx (%u bytes)", (unsigned long long)addr, (unsigned long long)v, len);
    return;
  }
  uint64_t v = 0;
  if (off == 0 && len == 8) v = __builtin_bswap64(dev_value);
  else if (off == 8 && len == 4) v = dev_accesses;
  le_put(run->mmio.data, len, v);
  say("mmio read 0x%llx -> 0x%llx (%u bytes)", (unsigned long long)addr, (unsigned long long)v, len);
}

static int console_getc(void) {
  struct pollfd p = { .fd = 0, .events = POLLIN };
  unsigned char c;
  if (poll(&p, 1, 0) == 1 && (p.revents & POLLIN) && read(0, &c, 1) == 1) return c;
  return -1;
}

static void sbi(struct kvm_run *run) {
  sbi_exits++;
  switch (run->riscv_sbi.extension_id) {
  case SBI_EXT_0_1_CONSOLE_PUTCHAR:
    console_putc((char)run->riscv_sbi.args[0]);
    run->riscv_sbi.ret[0] = 0;
    break;
  case SBI_EXT_0_1_CONSOLE_GETCHAR:
    flush_console();
    run->riscv_sbi.ret[0] = (unsigned long)(long)console_getc();
    break;
  default:
    run->riscv_sbi.ret[0] = (unsigned long)SBI_ERR_NOT_SUPPORTED;
    run->riscv_sbi.ret[1] = 0;
  }
}

static int run_vcpu(struct kvm_run *run) {
  double t0 = now();
  for (;;) {
    if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      die("KVM_RUN: %s", strerror(errno));
    }
    switch (run->exit_reason) {
    case KVM_EXIT_RISCV_SBI:
      sbi(run);
      break;
    case KVM_EXIT_MMIO:
      mmio(run);
      break;
    case KVM_EXIT_SYSTEM_EVENT: {
      int failed = run->system_event.type != KVM_SYSTEM_EVENT_SHUTDOWN ||
                   (run->system_event.ndata > 0 && run->system_event.data[0] != 0);
      say("guest %s (system event %u, reason %llu) after %.2f s; %lu SBI and %lu MMIO exits to kvmhost",
          run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "shut down" : "reset or crashed",
          run->system_event.type, run->system_event.ndata ? (unsigned long long)run->system_event.data[0] : 0ULL,
          now() - t0, sbi_exits, mmio_exits);
      return failed;
    }
    case KVM_EXIT_INTERNAL_ERROR:
      die("KVM internal error, suberror %u", run->internal.suberror);
    case KVM_EXIT_FAIL_ENTRY:
      die("KVM could not enter the guest (reason 0x%llx)",
          (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
    default:
      die("unexpected exit %u; pc 0x%llx", run->exit_reason, (unsigned long long)get_reg(CORE(regs.pc), 0));
    }
  }
}

/* --- main ------------------------------------------------------------------------------ */

static __attribute__((noreturn)) void usage(void) {
  fprintf(stderr, "usage: %s bare FILE [-m MiB]\n"
                  "       %s linux IMAGE [INITRD] [-m MiB] [-a BOOTARGS]\n", prog, prog);
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 3) usage();
  const char *mode = argv[1], *image = argv[2], *initrd = NULL;
  const char *bootargs = "console=hvc0 earlycon=sbi";
  unsigned long mib = 0;
  int is_linux = !strcmp(mode, "linux");
  if (!is_linux && strcmp(mode, "bare")) usage();
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "-m") && i + 1 < argc) {
      char *end;
      mib = strtoul(argv[++i], &end, 0);
      if (*end || mib < 2 || mib > 2048) die("-m %s: give the guest's RAM in MiB, 2 to 2048", argv[i]);
    } else if (!strcmp(argv[i], "-a") && i + 1 < argc) {
      bootargs = argv[++i];
    } else if (is_linux && !initrd && argv[i][0] != '-') {
      initrd = argv[i];
    } else {
      usage();
    }
  }
  ram_size = (mib ? mib : is_linux ? 64 : 4) << 20;

  int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (kvm < 0) die("/dev/kvm: %s (a kernel with CONFIG_KVM on a hart with the H extension)", strerror(errno));
  int api = ioctl(kvm, KVM_GET_API_VERSION, 0);
  if (api != KVM_API_VERSION) die("KVM API version %d, expected %d", api, KVM_API_VERSION);
  int vm = ioctl(kvm, KVM_CREATE_VM, 0);
  if (vm < 0) die("KVM_CREATE_VM: %s", strerror(errno));

  ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (ram == MAP_FAILED) die("mmap of %zu MiB: %s", ram_size >> 20, strerror(errno));
  struct kvm_userspace_memory_region region = {
    .slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = ram_size, .userspace_addr = (uint64_t)(uintptr_t)ram,
  };
  if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) die("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));

  vcpu_fd = ioctl(vm, KVM_CREATE_VCPU, 0);
  if (vcpu_fd < 0) die("KVM_CREATE_VCPU: %s", strerror(errno));
  int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (run_size < (int)sizeof(struct kvm_run)) die("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
  struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
  if (run == MAP_FAILED) die("mmap of kvm_run: %s", strerror(errno));

  uint64_t entry, dtb;
  if (!is_linux) {
    size_t n = load(image, 0, ram_size / 2);
    entry = RAM_BASE;
    dtb = RAM_BASE + ram_size - 0x10000;
    struct boot_info b = { .bootargs = NULL };
    write_dtb(dtb - RAM_BASE, &b);
    say("bare-metal guest %s: %zu bytes at 0x%llx", image, n, (unsigned long long)entry);
  } else {
    /* The Image header (Documentation/riscv/boot-image-header.rst): image_size at 16
       (what the kernel occupies, bss included), "RSC\x05" at 56. Reading that many
       bytes lets IMAGE be a block device whose size is rounded up. */
    uint8_t h[64];
    int fd = open(image, O_RDONLY);
    if (fd < 0) die("%s: %s", image, strerror(errno));
    if (read(fd, h, sizeof h) != (ssize_t)sizeof h || memcmp(h + 56, "RSC\x05", 4))
      die("%s: not a RISC-V Linux Image (no RSC\\x05 magic at 56)", image);
    close(fd);
    uint64_t image_size = le_get(h + 16, 8);
    if (image_size > ram_size - LINUX_OFFSET)
      die("%s: needs %llu bytes, more than the guest's RAM", image, (unsigned long long)image_size);
    load(image, LINUX_OFFSET, image_size);
    entry = RAM_BASE + LINUX_OFFSET;
    /* The device tree in the last 64 KiB, the initrd right below it. */
    size_t dtb_off = ram_size - 0x10000;
    struct boot_info b = { .bootargs = bootargs };
    if (initrd) {
      struct stat st;
      if (stat(initrd, &st) < 0) die("%s: %s", initrd, strerror(errno));
      size_t size = (size_t)st.st_size, off = (dtb_off - size) & ~0xfffUL;
      if (size >= dtb_off || off < LINUX_OFFSET + image_size) die("%s: no room for the initrd in the guest's RAM", initrd);
      load(initrd, off, size);
      b.initrd_start = RAM_BASE + off;
      b.initrd_end = RAM_BASE + off + size;
    }
    dtb = RAM_BASE + dtb_off;
    write_dtb(dtb_off, &b);
    say("Linux %s: %llu bytes at 0x%llx; initrd %s; bootargs \"%s\"", image, (unsigned long long)image_size,
        (unsigned long long)entry, initrd ? initrd : "none", bootargs);
  }

  set_reg(CORE(regs.pc), entry, "pc");
  set_reg(CORE(regs.a0), 0, "a0");
  set_reg(CORE(regs.a1), dtb, "a1");
  return run_vcpu(run);
}
