/*
 * clockcheck: reads the clocks the way ordinary programs do and says whether the
 * results are sane. glibc answers clock_gettime and gettimeofday from the kernel's
 * vDSO, which reads the `time` CSR in U-mode (rdtime), so this works only if the
 * firmware and the kernel let U-mode read it (scounteren.TM); the program also reads
 * it directly. Prints one line per clock and "clockcheck: ok" (exit 0), or what was
 * wrong (exit 1).
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <time.h>

/* 2025-01-01T00:00:00Z: the virtual RTC of the cellvisor board starts there. */
#define NOT_BEFORE 1735689600LL

static int failures;

static void check(int ok, const char *what) {
  if (!ok) {
    printf("clockcheck: FAIL %s\n", what);
    failures++;
  }
}

static int64_t ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

int main(void) {
  printf("clockcheck: vdso=%s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");

  uint64_t t0, t1;
  __asm__ volatile("rdtime %0" : "=r"(t0));
  struct timespec real, mono, later;
  check(clock_gettime(CLOCK_REALTIME, &real) == 0, "clock_gettime(CLOCK_REALTIME)");
  check(clock_gettime(CLOCK_MONOTONIC, &mono) == 0, "clock_gettime(CLOCK_MONOTONIC)");
  struct timeval tv;
  check(gettimeofday(&tv, NULL) == 0, "gettimeofday");
  __asm__ volatile("rdtime %0" : "=r"(t1));

  printf("clockcheck: rdtime %llu %llu\n", (unsigned long long)t0, (unsigned long long)t1);
  printf("clockcheck: CLOCK_REALTIME %lld.%09ld\n", (long long)real.tv_sec, real.tv_nsec);
  printf("clockcheck: CLOCK_MONOTONIC %lld.%09ld\n", (long long)mono.tv_sec, mono.tv_nsec);
  printf("clockcheck: gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);

  check(t1 > t0, "rdtime does not advance");
  check(real.tv_sec >= NOT_BEFORE, "CLOCK_REALTIME before 2025");
  check(real.tv_nsec >= 0 && real.tv_nsec < 1000000000, "CLOCK_REALTIME tv_nsec out of range");
  check(mono.tv_sec >= 0 && mono.tv_nsec >= 0 && mono.tv_nsec < 1000000000, "CLOCK_MONOTONIC out of range");
  check(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "gettimeofday tv_usec out of range");
  /* gettimeofday came after CLOCK_REALTIME, within the same second or the next. */
  int64_t tod = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
  check(tod >= ns(real) - 1000 && tod - ns(real) < 1000000000, "gettimeofday disagrees with CLOCK_REALTIME");

  /* Monotonic means never backwards, and a 10 ms sleep shows as at least 10 ms. */
  int backwards = 0;
  struct timespec prev = mono;
  for (int i = 0; i < 1000; i++) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (ns(now) < ns(prev)) backwards++;
    prev = now;
  }
  check(backwards == 0, "CLOCK_MONOTONIC went backwards");
  struct timespec nap = {0, 10000000};
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &later);
  int64_t slept = ns(later) - ns(prev);
  printf("clockcheck: 10 ms sleep took %lld ns of CLOCK_MONOTONIC\n", (long long)slept);
  check(slept >= 10000000, "CLOCK_MONOTONIC advanced less than the sleep");

  if (failures) return 1;
  printf("clockcheck: ok\n");
  return 0;
}
