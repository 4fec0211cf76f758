/* A second, hardware reference for test/hart/fpu.test.ts: the host's x86-64 SSE unit
 * (and FMA3 through fma()/fmaf(), libgcc's soft-fp for _Float16), driven in the four
 * rounding modes x86 has. Reads lines "op rm a b c" (hex operands), writes "result flags"
 * with the flags already in RISC-V order (NV DZ OF UF NX). NaN results are reported as
 * they come; the test canonicalises them. */
#include <fenv.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#pragma STDC FENV_ACCESS ON

static float f32(uint64_t v) { uint32_t u = (uint32_t)v; float f; memcpy(&f, &u, 4); return f; }
static double f64(uint64_t v) { double d; memcpy(&d, &v, 8); return d; }
static _Float16 f16(uint64_t v) { uint16_t u = (uint16_t)v; _Float16 h; memcpy(&h, &u, 2); return h; }
static uint64_t b32(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static uint64_t b64(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint64_t b16(_Float16 h) { uint16_t u; memcpy(&u, &h, 2); return u; }

static int riscvFlags(void) {
  int r = 0;
  if (fetestexcept(FE_INVALID)) r |= 16;
  if (fetestexcept(FE_DIVBYZERO)) r |= 8;
  if (fetestexcept(FE_OVERFLOW)) r |= 4;
  if (fetestexcept(FE_UNDERFLOW)) r |= 2;
  if (fetestexcept(FE_INEXACT)) r |= 1;
  return r;
}

int main(void) {
  static const int modes[4] = {FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD};
  char op[32];
  int rm;
  uint64_t a, b, c;
  while (scanf("%31s %d %" SCNx64 " %" SCNx64 " %" SCNx64, op, &rm, &a, &b, &c) == 5) {
    volatile float fa = f32(a), fb = f32(b), fc = f32(c);
    volatile double da = f64(a), db = f64(b), dc = f64(c);
    volatile _Float16 ha = f16(a);
    volatile uint64_t ia = a;
    uint64_t r = 0;
    fesetround(modes[rm]);
    feclearexcept(FE_ALL_EXCEPT);
    if (!strcmp(op, "f32_add")) r = b32(fa + fb);
    else if (!strcmp(op, "f32_sub")) r = b32(fa - fb);
    else if (!strcmp(op, "f32_mul")) r = b32(fa * fb);
    else if (!strcmp(op, "f32_div")) r = b32(fa / fb);
    else if (!strcmp(op, "f32_sqrt")) r = b32(__builtin_sqrtf(fa));
    else if (!strcmp(op, "f32_madd")) r = b32(fmaf(fa, fb, fc));
    else if (!strcmp(op, "f32_msub")) r = b32(fmaf(fa, fb, -fc));
    else if (!strcmp(op, "f32_nmsub")) r = b32(fmaf(-fa, fb, fc));
    else if (!strcmp(op, "f32_nmadd")) r = b32(fmaf(-fa, fb, -fc));
    else if (!strcmp(op, "f64_add")) r = b64(da + db);
    else if (!strcmp(op, "f64_sub")) r = b64(da - db);
    else if (!strcmp(op, "f64_mul")) r = b64(da * db);
    else if (!strcmp(op, "f64_div")) r = b64(da / db);
    else if (!strcmp(op, "f64_sqrt")) r = b64(__builtin_sqrt(da));
    else if (!strcmp(op, "f64_madd")) r = b64(fma(da, db, dc));
    else if (!strcmp(op, "f64_msub")) r = b64(fma(da, db, -dc));
    else if (!strcmp(op, "f64_nmsub")) r = b64(fma(-da, db, dc));
    else if (!strcmp(op, "f64_nmadd")) r = b64(fma(-da, db, -dc));
    else if (!strcmp(op, "f32_to_f64")) r = b64((double)fa);
    else if (!strcmp(op, "f64_to_f32")) r = b32((float)da);
    else if (!strcmp(op, "f16_to_f32")) r = b32((float)ha);
    else if (!strcmp(op, "f16_to_f64")) r = b64((double)ha);
    else if (!strcmp(op, "f32_to_f16")) r = b16((_Float16)fa);
    else if (!strcmp(op, "f64_to_f16")) r = b16((_Float16)da);
    else if (!strcmp(op, "i32_to_f32")) r = b32((float)(int32_t)ia);
    else if (!strcmp(op, "u32_to_f32")) r = b32((float)(uint32_t)ia);
    else if (!strcmp(op, "i64_to_f32")) r = b32((float)(int64_t)ia);
    else if (!strcmp(op, "u64_to_f32")) r = b32((float)(uint64_t)ia);
    else if (!strcmp(op, "i32_to_f64")) r = b64((double)(int32_t)ia);
    else if (!strcmp(op, "u32_to_f64")) r = b64((double)(uint32_t)ia);
    else if (!strcmp(op, "i64_to_f64")) r = b64((double)(int64_t)ia);
    else if (!strcmp(op, "u64_to_f64")) r = b64((double)(uint64_t)ia);
    else {
      fprintf(stderr, "fpu-host: unknown op %s\n", op);
      return 2;
    }
    int flags = riscvFlags();
    fesetround(FE_TONEAREST);
    printf("%" PRIx64 " %d\n", r, flags);
  }
  return 0;
}
