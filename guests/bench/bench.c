/*
 * The benchmark guest: an integer workload for measuring a RISC-V machine's speed.
 * Four kernels (sorting, hashing, matrix multiply, string processing) run for ROUNDS
 * rounds on data from a fixed pseudo-random sequence, and everything they compute is
 * folded into one checksum, so two machines agree on the output only if they executed
 * the workload correctly. The same object is linked twice: M-mode without translation
 * (bench.elf) and S-mode under Sv39 (bench-sv39.elf, with guests/lib/sv39.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* About 1.2 billion instructions in all (bench/run.ts reports the exact count). */
#ifndef ROUNDS
#define ROUNDS 150
#endif

#define SORT_N 8192
#define RECORDS_N 4096
#define HASH_BYTES (64 * 1024)
#define MAT_N 64
#define TEXT_WORDS 6000
#define TABLE_SLOTS 4096 /* power of two, > distinct words */
#define WORD_MAX 24

static uint64_t rng_state = 0x853c49e6748fea9bULL;

/* xorshift64* */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* Folds a value into a running digest: order matters, every bit counts. */
static uint64_t fold(uint64_t digest, uint64_t value)
{
	digest ^= value + 0x9e3779b97f4a7c15ULL + (digest << 6) + (digest >> 2);
	return rotl64(digest * 0xff51afd7ed558ccdULL, 29);
}

/* ---- sorting: quicksort of 32-bit keys, merge sort of records ---- */

static uint32_t keys[SORT_N];

static void insertion_sort(uint32_t *a, int n)
{
	for (int i = 1; i < n; i++) {
		uint32_t v = a[i];
		int j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quicksort(uint32_t *a, int n)
{
	while (n > 16) {
		uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
		uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
		int i = 0, j = n - 1;

		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			uint32_t t = a[i];
			a[i++] = a[j];
			a[j--] = t;
		}
		/* Recurse into the smaller part, loop on the larger: the stack stays shallow. */
		if (j + 1 < n - j - 1) {
			quicksort(a, j + 1);
			a += j + 1;
			n -= j + 1;
		} else {
			quicksort(a + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	insertion_sort(a, n);
}

struct record {
	uint32_t key;
	uint32_t serial;
	uint64_t payload;
};

static struct record records[RECORDS_N], scratch[RECORDS_N];

/* Stable bottom-up merge sort by key. */
static void merge_sort(struct record *a, struct record *tmp, int n)
{
	for (int width = 1; width < n; width *= 2) {
		for (int lo = 0; lo < n; lo += 2 * width) {
			int mid = lo + width < n ? lo + width : n;
			int hi = lo + 2 * width < n ? lo + 2 * width : n;
			int i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = a[j].key < a[i].key ? a[j++] : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, (size_t)n * sizeof *a);
	}
}

static uint64_t kernel_sort(void)
{
	uint64_t digest = 0;

	for (int i = 0; i < SORT_N; i++)
		keys[i] = (uint32_t)rng_next();
	quicksort(keys, SORT_N);
	for (int i = 0; i < SORT_N; i += 97)
		digest = fold(digest, keys[i]);
	for (int i = 1; i < SORT_N; i++)
		if (keys[i - 1] > keys[i])
			digest = fold(digest, 0xbad); /* unsorted: the checksum shows it */

	for (int i = 0; i < RECORDS_N; i++) {
		uint64_t r = rng_next();
		records[i] = (struct record){ (uint32_t)(r >> 52), (uint32_t)i, r };
	}
	merge_sort(records, scratch, RECORDS_N);
	for (int i = 0; i < RECORDS_N; i += 31)
		digest = fold(digest, ((uint64_t)records[i].key << 32) | records[i].serial);
	return digest;
}

/* ---- hashing: CRC-32, FNV-1a and a multiply-rotate mix over one buffer ---- */

static uint8_t buffer[HASH_BYTES];
static uint32_t crc_table[256];

static void crc32_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	while (n--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Four independent lanes over 8-byte words, then merged. */
static uint64_t mix64(const uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t lane[4] = { seed, seed ^ 0x243f6a8885a308d3ULL, seed + 0x13198a2e03707344ULL,
			     ~seed };
	size_t words = n / 8;

	for (size_t i = 0; i < words; i++) {
		uint64_t w;
		memcpy(&w, p + 8 * i, 8);
		uint64_t *l = &lane[i & 3];
		*l = rotl64(*l + w * 0xc2b2ae3d27d4eb4fULL, 31) * 0x9e3779b185ebca87ULL;
	}
	uint64_t h = rotl64(lane[0], 1) + rotl64(lane[1], 7) + rotl64(lane[2], 12) +
		     rotl64(lane[3], 18);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

static uint64_t kernel_hash(void)
{
	uint64_t digest = 0;

	for (size_t i = 0; i < HASH_BYTES; i += 8) {
		uint64_t r = rng_next();
		memcpy(buffer + i, &r, 8);
	}
	digest = fold(digest, crc32(buffer, HASH_BYTES));
	digest = fold(digest, fnv1a64(buffer, HASH_BYTES));
	for (int k = 0; k < 4; k++)
		digest = fold(digest, mix64(buffer, HASH_BYTES, digest));
	return digest;
}

/* ---- matrix multiply: 64x64 32-bit integers, wrapping ---- */

static int32_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static uint64_t kernel_matmul(void)
{
	uint64_t digest = 0;

	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			uint64_t r = rng_next();
			mat_a[i][j] = (int32_t)(r & 0xffff) - 0x8000;
			mat_b[i][j] = (int32_t)((r >> 16) & 0xffff) - 0x8000;
		}
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			uint32_t sum = 0;
			for (int k = 0; k < MAT_N; k++)
				sum += (uint32_t)(mat_a[i][k] * mat_b[k][j]);
			mat_c[i][j] = (int32_t)sum;
		}
	for (int i = 0; i < MAT_N; i++)
		digest = fold(digest, (uint32_t)mat_c[i][(i * 7) % MAT_N]);
	return digest;
}

/* ---- strings: make a text, count its words in a hash table, search it ---- */

static const char *const syllables[] = { "ka", "ri", "so", "ne", "vu", "ta", "li", "mo",
					 "pe", "zu", "xi", "do", "ga", "he", "qu", "ba" };

static char text[TEXT_WORDS * (WORD_MAX + 1)];

struct slot {
	char word[WORD_MAX];
	uint32_t count;
};

static struct slot table[TABLE_SLOTS];

static uint32_t word_hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)w[i]) * 16777619u;
	return h;
}

/* Decimal without printf: division by constants becomes multiplication. */
static size_t utoa(uint64_t v, char *out)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

static uint64_t kernel_strings(void)
{
	uint64_t digest = 0;
	size_t len = 0;
	uint32_t distinct = 0;

	/* Word lengths of 1..4 syllables, skewed toward short, like real text. */
	for (int w = 0; w < TEXT_WORDS; w++) {
		uint64_t r = rng_next();
		int syl = 1 + (int)((r & 3) * (r >> 2 & 3) / 3);
		for (int s = 0; s < syl; s++) {
			const char *p = syllables[(r >> (8 + 4 * s)) & 7];
			memcpy(text + len, p, 2);
			len += 2;
		}
		text[len++] = ' ';
	}
	text[len] = '\0';

	memset(table, 0, sizeof table);
	for (const char *p = text; *p;) {
		const char *end = strchr(p, ' ');
		size_t n = (size_t)(end - p);
		uint32_t i = word_hash(p, n) & (TABLE_SLOTS - 1);

		while (table[i].count && (strncmp(table[i].word, p, n) || table[i].word[n]))
			i = (i + 1) & (TABLE_SLOTS - 1);
		if (!table[i].count) {
			memcpy(table[i].word, p, n);
			table[i].word[n] = '\0';
			distinct++;
		}
		table[i].count++;
		p = end + 1;
	}
	digest = fold(digest, distinct);
	for (uint32_t i = 0; i < TABLE_SLOTS; i++)
		if (table[i].count)
			digest = fold(digest, word_hash(table[i].word, strlen(table[i].word)) ^
						      (uint64_t)table[i].count << 32);

	static const char *const needles[] = { "kari", "sone vu", "mo mo", "taliri", "ne ne ne" };
	for (size_t k = 0; k < sizeof needles / sizeof *needles; k++) {
		uint32_t hits = 0;
		for (const char *p = text; (p = strstr(p, needles[k])) != NULL; p++)
			hits++;
		digest = fold(digest, hits);
	}

	char number[24];
	for (uint64_t v = digest, i = 0; i < 200; i++, v = v * 6364136223846793005ULL + 1)
		digest = fold(digest, word_hash(number, utoa(v >> 11, number)));
	return digest;
}

int main(void)
{
	static const struct {
		const char *name;
		uint64_t (*run)(void);
	} kernels[] = {
		{ "sort", kernel_sort },
		{ "hash", kernel_hash },
		{ "matmul", kernel_matmul },
		{ "strings", kernel_strings },
	};
	enum { KERNELS = sizeof kernels / sizeof *kernels };
	uint64_t digests[KERNELS] = { 0 };
	uint64_t checksum = 0;

	crc32_init();
	printf("bench: %d rounds of sort, hash, matmul, strings\n", ROUNDS);
	for (int round = 0; round < ROUNDS; round++)
		for (int k = 0; k < KERNELS; k++)
			digests[k] = fold(digests[k], kernels[k].run());
	for (int k = 0; k < KERNELS; k++) {
		printf("  %-8s 0x%016" PRIx64 "\n", kernels[k].name, digests[k]);
		checksum = fold(checksum, digests[k]);
	}
	printf("checksum: 0x%016" PRIx64 "\n", checksum);
	return 0;
}
