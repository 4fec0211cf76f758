/*
 * The demo guest: a bare-metal RV64GC program that shows what the machine can run:
 * integer and string work, the FPU through printf and libm, and a Mandelbrot set.
 * The output depends on nothing but the program, so every correct RV64GC machine
 * (QEMU's spike machine, cellvisor) prints the same bytes. Linked twice: demo.elf in
 * M-mode, demo-sv39.elf in S-mode under Sv39 (with guests/lib/sv39.c).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "start.h"

static void banner(void)
{
	puts("");
	puts("             _ _       _");
	puts("   ___  ___ | | |_   _(_)___  ___  _ __");
	puts("  / __|/ _ \\| | \\ \\ / / / __|/ _ \\| '__|");
	puts(" | (__|  __/| | |\\ V /| \\__ \\ (_) | |");
	puts("  \\___|\\___||_|_| \\_/ |_|___/\\___/|_|");
	puts("");
	puts("  a bare-metal RV64GC program: picolibc on the HTIF console");
	printf("  running in %s\n", cv_environment);
	puts("");
}

static uint64_t fibonacci(int n)
{
	uint64_t a = 0, b = 1;
	while (n-- > 0) {
		uint64_t t = a + b;
		a = b;
		b = t;
	}
	return a;
}

static int count_primes(int limit, int *largest)
{
	static uint8_t composite[10000];
	int count = 0;

	memset(composite, 0, sizeof composite);
	for (int i = 2; i < limit; i++) {
		if (composite[i])
			continue;
		count++;
		*largest = i;
		for (int j = i * i; j < limit; j += i)
			composite[j] = 1;
	}
	return count;
}

static int collatz_steps(uint64_t n)
{
	int steps = 0;
	while (n != 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

static void integers(void)
{
	int largest = 0;
	int primes = count_primes(10000, &largest);
	int best = 1, best_steps = 0;

	for (int n = 1; n < 100000; n++) {
		int s = collatz_steps((uint64_t)n);
		if (s > best_steps) {
			best = n;
			best_steps = s;
		}
	}
	puts("integers");
	printf("  fib(90)                  = %" PRIu64 "\n", fibonacci(90));
	printf("  primes below 10000       = %d (largest %d)\n", primes, largest);
	printf("  longest Collatz < 100000 = %d (%d steps)\n", best, best_steps);
	printf("  0xdeadbeef * 0x9e3779b9  = 0x%" PRIx64 "\n",
	       (uint64_t)0xdeadbeef * 0x9e3779b9);
	printf("  -7 / 2 = %d, -7 %% 2 = %d, 7u >> 1 = %u, %d = 0x%08x\n", -7 / 2, -7 % 2, 7u >> 1,
	       -2, (unsigned)-2);
	puts("");
}

static void reverse(char *s)
{
	for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) {
		char t = s[i];
		s[i] = s[j - 1];
		s[j - 1] = t;
	}
}

static void strings(void)
{
	char word[32] = "hypervisor";
	char line[64];

	puts("strings");
	reverse(word);
	printf("  reversed: %s\n", word);
	snprintf(line, sizeof line, "[%-8s|%8s|%.3s]", "left", "right", "truncated");
	printf("  padded:   %s (%zu chars)\n", line, strlen(line));
	puts("");
}

static void floating_point(void)
{
	double pi = 4 * (4 * atan(1.0 / 5) - atan(1.0 / 239)); /* Machin */
	double e = 0, term = 1;
	double root = 1;
	float harmonic = 0;

	for (int n = 1; n < 20; n++) {
		e += term;
		term /= n;
	}
	for (int i = 0; i < 6; i++)
		root = (root + 2 / root) / 2; /* Newton for sqrt(2) */
	for (int n = 1; n <= 1000; n++)
		harmonic += 1.0f / (float)n;

	puts("floating point");
	printf("  pi (Machin)        = %.15f\n", pi);
	printf("  e (series)         = %.15f\n", e);
	printf("  sqrt(2) (Newton)   = %.15f, sqrt() = %.15f\n", root, sqrt(2.0));
	printf("  exp(1) = %.12f, log(10) = %.12f, sin(pi/6) = %.12f\n", exp(1.0), log(10.0),
	       sin(pi / 6));
	printf("  H(1000) in float   = %f\n", (double)harmonic);
	printf("  1e300 * 1e10 = %f, 0.1 + 0.2 = %.17g, %e\n", 1e300 * 1e10, 0.1 + 0.2, 6.02214076e23);
	puts("");
}

static void mandelbrot(void)
{
	static const char shades[] = " .:-=+*#%@";
	const int width = 72, height = 24, limit = 200;

	puts("the Mandelbrot set");
	for (int y = 0; y < height; y++) {
		char row[80];
		double ci = -1.2 + 2.4 * y / (height - 1);

		for (int x = 0; x < width; x++) {
			double cr = -2.1 + 2.8 * x / (width - 1);
			double zr = 0, zi = 0;
			int i = 0;

			while (i < limit && zr * zr + zi * zi <= 4) {
				double t = zr * zr - zi * zi + cr;
				zi = 2 * zr * zi + ci;
				zr = t;
				i++;
			}
			/* Points that escape fast are light; the set itself is solid. */
			row[x] = i == limit ? '@' : shades[i / 3 < 8 ? i / 3 : 8];
		}
		row[width] = '\0';
		printf("  %s\n", row);
	}
	puts("");
}

int main(void)
{
	banner();
	integers();
	strings();
	floating_point();
	mandelbrot();
	puts("done: exiting with code 0");
	return 0;
}
