/*
 * The bit-manipulation guest: ordinary C that GCC compiles, with
 * -march=rv64gc_zba_zbb_zbs, into Zba/Zbb/Zbs instructions (popcount, leading and
 * trailing zeros, rotations, byte swaps, min/max, sign and zero extension, single-bit
 * set/clear/invert/extract, scaled-index address arithmetic), plus orc.b through
 * inline assembly (GCC 12 has no builtin for it). The output depends on nothing but
 * the program, so QEMU (-cpu rv64,zba=true,zbb=true,zbs=true) and cellvisor print the
 * same bytes.
 *
 * Built a second time with -DWITH_ZICOND as bitops-zicond.elf: that one also runs
 * branchless selects on czero.eqz/czero.nez (Zicond). Debian's GCC 12 cannot emit
 * Zicond and its binutils 2.40 cannot assemble it, so the two instructions are
 * written with .insn; QEMU 7.2 has no Zicond, so that part checks itself against the
 * same computation with branches and prints lines starting with "zicond".
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

/* xorshift64*: the same pseudo-random operands on every machine */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* FNV-1a over 64-bit words: one line per section instead of thousands of values */
static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ULL;
}

#define ROUNDS 4096

/* Zbb: cpop, cpopw, clz, ctz, clzw, ctzw */
static __attribute__((noinline)) uint64_t counts(uint64_t x)
{
	uint32_t w = (uint32_t)x;
	uint64_t h = 0;

	h = mix(h, (uint64_t)__builtin_popcountll(x));
	h = mix(h, (uint64_t)__builtin_popcount(w));
	h = mix(h, x ? (uint64_t)__builtin_clzll(x) : 64);
	h = mix(h, x ? (uint64_t)__builtin_ctzll(x) : 64);
	h = mix(h, w ? (uint64_t)__builtin_clz(w) : 32);
	h = mix(h, w ? (uint64_t)__builtin_ctz(w) : 32);
	return h;
}

/* Zbb: rol, ror, rori, rolw, rorw, roriw */
static __attribute__((noinline)) uint64_t rotl64(uint64_t x, unsigned r)
{
	return (x << (r & 63)) | (x >> (-r & 63));
}

static __attribute__((noinline)) uint64_t rotr64(uint64_t x, unsigned r)
{
	return (x >> (r & 63)) | (x << (-r & 63));
}

static __attribute__((noinline)) uint32_t rotl32(uint32_t x, unsigned r)
{
	return (x << (r & 31)) | (x >> (-r & 31));
}

static __attribute__((noinline)) uint32_t rotr32(uint32_t x, unsigned r)
{
	return (x >> (r & 31)) | (x << (-r & 31));
}

static __attribute__((noinline)) uint64_t rotations(uint64_t x, unsigned r)
{
	uint64_t h = 0;

	h = mix(h, rotl64(x, r));
	h = mix(h, rotr64(x, r));
	h = mix(h, (x >> 13) | (x << 51));
	h = mix(h, rotl32((uint32_t)x, r));
	h = mix(h, rotr32((uint32_t)x, r));
	h = mix(h, (uint64_t)(int64_t)(int32_t)rotl32((uint32_t)x, 7));
	return h;
}

/* orc.b: 0xff in each byte that is nonzero, 0x00 where it is zero */
static inline uint64_t orc_b(uint64_t x)
{
	uint64_t r;

	__asm__(".option push\n.option arch, +zbb\norc.b %0, %1\n.option pop" : "=r"(r) : "r"(x));
	return r;
}

/* Zbb: rev8, andn, orn, xnor, min/max, sext.b/h, zext.h; orc.b to find a zero byte */
static __attribute__((noinline)) uint64_t bytes_and_logic(uint64_t x, uint64_t y)
{
	uint64_t h = 0;

	h = mix(h, __builtin_bswap64(x));
	h = mix(h, __builtin_bswap32((uint32_t)y));
	h = mix(h, x & ~y);
	h = mix(h, x | ~y);
	h = mix(h, ~(x ^ y));
	h = mix(h, (int64_t)x < (int64_t)y ? x : y);
	h = mix(h, (int64_t)x > (int64_t)y ? x : y);
	h = mix(h, x < y ? x : y);
	h = mix(h, x > y ? x : y);
	h = mix(h, (uint64_t)(int64_t)(int8_t)x);
	h = mix(h, (uint64_t)(int64_t)(int16_t)y);
	h = mix(h, (uint16_t)(x ^ y));
	/* the index of the first zero byte, as strlen does it word by word */
	uint64_t z = ~orc_b(x & 0xff00ff00ffffff00ULL);
	h = mix(h, z ? (uint64_t)__builtin_ctzll(z) / 8 : 8);
	return h;
}

/* Zbs: bset, bclr, binv, bext and their immediate forms */
static __attribute__((noinline)) uint64_t single_bits(uint64_t x, unsigned n)
{
	uint64_t h = 0;

	n &= 63;
	h = mix(h, x | (1ULL << n));
	h = mix(h, x & ~(1ULL << n));
	h = mix(h, x ^ (1ULL << n));
	h = mix(h, (x >> n) & 1);
	h = mix(h, x | (1ULL << 63));
	h = mix(h, x & ~(1ULL << 40));
	h = mix(h, x ^ (1ULL << 33));
	h = mix(h, (x >> 47) & 1);
	return h;
}

/* Zbs in a real algorithm: the primes below 2^16, one bit per odd number */
static uint64_t sieve[(1 << 16) / 128];

static __attribute__((noinline)) void primes(unsigned *count, unsigned *largest)
{
	const unsigned limit = 1 << 16;

	for (unsigned i = 0; i < sizeof sieve / sizeof sieve[0]; i++)
		sieve[i] = 0;
	*count = 1; /* 2 */
	*largest = 2;
	for (unsigned i = 3; i < limit; i += 2) {
		unsigned bit = i / 2;

		if ((sieve[bit / 64] >> (bit % 64)) & 1)
			continue;
		++*count;
		*largest = i;
		for (unsigned j = i * i; j < limit; j += 2 * i)
			sieve[j / 128] |= 1ULL << ((j / 2) % 64);
	}
}

/* Zba: sh1add/sh2add/sh3add for indexing, .uw forms for 32-bit unsigned indices */
static uint64_t table64[256];
static uint32_t table32[256];
static uint16_t table16[256];

static __attribute__((noinline)) uint64_t indexing(uint64_t x, uint32_t i, uint32_t j)
{
	uint64_t h = 0;

	i &= 255;
	j &= 255;
	table64[i] += x;
	table32[j] ^= (uint32_t)x;
	table16[i ^ j] += (uint16_t)(x >> 16);
	h = mix(h, table64[j] + table32[i] + table16[j]);
	h = mix(h, (uint64_t)i + (x << 1));
	h = mix(h, (uint64_t)j + (x << 2));
	h = mix(h, (uint64_t)(i ^ j) + (x << 3));
	h = mix(h, (uint64_t)(uint32_t)x + x);      /* add.uw / zext.w */
	h = mix(h, (uint64_t)(uint32_t)x << 5);     /* slli.uw */
	return h;
}

#ifdef WITH_ZICOND
/* czero.eqz rd, rs1, rs2: rs2 == 0 ? 0 : rs1; czero.nez: rs2 != 0 ? 0 : rs1 */
static inline uint64_t czero_eqz(uint64_t v, uint64_t cond)
{
	uint64_t r;

	__asm__(".insn r OP, 5, 7, %0, %1, %2" : "=r"(r) : "r"(v), "r"(cond));
	return r;
}

static inline uint64_t czero_nez(uint64_t v, uint64_t cond)
{
	uint64_t r;

	__asm__(".insn r OP, 7, 7, %0, %1, %2" : "=r"(r) : "r"(v), "r"(cond));
	return r;
}

/* cond ? a : b without a branch */
static inline uint64_t cselect(uint64_t cond, uint64_t a, uint64_t b)
{
	return czero_eqz(a, cond) | czero_nez(b, cond);
}

/* The same with a branch the compiler must keep (volatile condition). */
static uint64_t select_branchy(uint64_t cond, uint64_t a, uint64_t b)
{
	volatile uint64_t c = cond;

	if (c)
		return a;
	return b;
}

static void zicond(void)
{
	unsigned bad = 0;
	uint64_t h = 0;

	for (int k = 0; k < ROUNDS; k++) {
		uint64_t a = rnd(), b = rnd(), c = rnd();
		/* conditions: zero, only bit 63, only bit 32, only bit 0, random */
		uint64_t conds[5] = { 0, 1ULL << 63, 1ULL << 32, 1, c };

		for (int i = 0; i < 5; i++) {
			uint64_t got = cselect(conds[i], a, b);

			h = mix(h, got);
			if (got != select_branchy(conds[i], a, b))
				bad++;
		}
		/* max, abs and a conditional increment, branchless */
		uint64_t max = cselect((int64_t)a > (int64_t)b, a, b);
		uint64_t abs = cselect((int64_t)a < 0, -a, a);
		uint64_t inc = b + czero_eqz(a & 0xff, c & 1);

		if (max != ((int64_t)a > (int64_t)b ? a : b) || abs != ((int64_t)a < 0 ? -a : a) ||
		    inc != b + ((c & 1) ? (a & 0xff) : 0))
			bad++;
		h = mix(mix(mix(h, max), abs), inc);
	}
	printf("zicond: %d rounds of czero selects, hash %016" PRIx64 "\n", ROUNDS, h);
	printf("zicond: %u results differ from the same with branches\n", bad);
	if (bad != 0)
		printf("zicond: MISMATCH\n");
}
#endif

int main(void)
{
	uint64_t hc = 0, hr = 0, hb = 0, hs = 0, hi = 0;
	unsigned count, largest;

	puts("bit manipulation: Zba, Zbb, Zbs from C");
	printf("  %d rounds of pseudo-random operands\n", ROUNDS);
	for (int k = 0; k < ROUNDS; k++) {
		uint64_t x = rnd(), y = rnd();
		unsigned r = (unsigned)(y >> 58);

		/* every fourth round: operands with few bits set or none */
		if (k % 4 == 1)
			x &= y >> (r & 31);
		if (k % 64 == 3)
			x = 0;
		hc = mix(hc, counts(x));
		hr = mix(hr, rotations(x, r));
		hb = mix(hb, bytes_and_logic(x, y));
		hs = mix(hs, single_bits(x, r));
		hi = mix(hi, indexing(x, (uint32_t)y, (uint32_t)(y >> 32)));
	}
	printf("  counts (cpop, clz, ctz)      %016" PRIx64 "\n", hc);
	printf("  rotations (rol, ror)         %016" PRIx64 "\n", hr);
	printf("  bytes and logic (rev8, ...)  %016" PRIx64 "\n", hb);
	printf("  single bits (bset, ...)      %016" PRIx64 "\n", hs);
	printf("  indexing (shNadd, add.uw)    %016" PRIx64 "\n", hi);
	primes(&count, &largest);
	printf("  primes below 65536: %u, the largest %u\n", count, largest);
#ifdef WITH_ZICOND
	zicond();
#endif
	puts("done: exiting with code 0");
	return 0;
}
