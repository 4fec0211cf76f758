/* The Linux side of a cellvisor channel: a VM's uio map appears to an unmodified Linux
 * (with uio_pdrv_genirq.of_id=generic-uio on its command line) as a generic-uio device
 * named after the region. Map 0 is the shared region; map 1 is a 4 KiB register page
 * whose 32-bit word at offset 0 is the doorbell (a write notifies the other end of the
 * channel); each notification from the other end is one uio interrupt. Header only, for
 * static linking into any program:
 *
 *     struct cv_uio ch;
 *     if (cv_uio_open(&ch, "ring") != 0) ...        // /sys/class/uio/uioN/name == "ring"
 *     memcpy((void *)ch.shared, msg, len);
 *     cv_uio_notify(&ch);                             // the cell's notified(id) runs
 *     cv_uio_wait(&ch);                               // until the cell's cv_notify(id)
 *     cv_uio_close(&ch);
 */
#ifndef CELLVISOR_UIO_H
#define CELLVISOR_UIO_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct cv_uio {
	int fd;
	/* The shared region (map 0) and its size in bytes. */
	volatile void *shared;
	size_t shared_size;
	/* The register page (map 1): doorbell[0] is the doorbell. */
	volatile uint32_t *doorbell;
	/* uio's interrupt count as of the last cv_uio_wait. */
	uint32_t count;
};

/* Reads a small sysfs file into buf (NUL-terminated, newline removed); 0 or -1. */
static inline int cv_uio_sysfs(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, (int)n, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static inline size_t cv_uio_map_size(int index, int map)
{
	char path[96], buf[32];
	snprintf(path, sizeof path, "/sys/class/uio/uio%d/maps/map%d/size", index, map);
	if (cv_uio_sysfs(path, buf, sizeof buf) != 0)
		return 0;
	return (size_t)strtoull(buf, NULL, 0);
}

/* Opens the uio device of region `name`, maps both maps and enables its interrupt.
 * 0, or -1 with errno set (ENOENT: no uio device has that name). */
static inline int cv_uio_open(struct cv_uio *u, const char *name)
{
	memset(u, 0, sizeof *u);
	u->fd = -1;
	for (int i = 0; i < 64; i++) {
		char path[64], buf[64];
		snprintf(path, sizeof path, "/sys/class/uio/uio%d/name", i);
		if (cv_uio_sysfs(path, buf, sizeof buf) != 0 || strcmp(buf, name) != 0)
			continue;
		u->shared_size = cv_uio_map_size(i, 0);
		size_t regs = cv_uio_map_size(i, 1);
		snprintf(path, sizeof path, "/dev/uio%d", i);
		u->fd = open(path, O_RDWR);
		if (u->fd < 0)
			return -1;
		long page = sysconf(_SC_PAGESIZE);
		/* uio selects map N with an mmap offset of N pages. */
		void *shared = mmap(NULL, u->shared_size, PROT_READ | PROT_WRITE, MAP_SHARED, u->fd, 0);
		void *doorbell = regs ? mmap(NULL, regs, PROT_READ | PROT_WRITE, MAP_SHARED, u->fd, page) : MAP_FAILED;
		if (shared == MAP_FAILED || doorbell == MAP_FAILED) {
			int e = errno;
			close(u->fd);
			u->fd = -1;
			errno = e;
			return -1;
		}
		u->shared = shared;
		u->doorbell = doorbell;
		uint32_t one = 1;
		if (write(u->fd, &one, sizeof one) != sizeof one)
			return -1;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

/* Notifies the other end of the channel. Writes to the shared region before it are
 * visible to the other end when it is notified. */
static inline void cv_uio_notify(struct cv_uio *u)
{
	__sync_synchronize();
	u->doorbell[0] = 1;
}

/* Waits until the other end has notified since the last wait (or the open); returns
 * the number of notifications in between (at least 1), or -1. The interrupt is
 * enabled again first: one that came while it was disabled is delivered then. */
static inline int cv_uio_wait(struct cv_uio *u)
{
	uint32_t one = 1, count;
	if (write(u->fd, &one, sizeof one) != sizeof one)
		return -1;
	if (read(u->fd, &count, sizeof count) != sizeof count)
		return -1;
	int n = (int)(count - u->count);
	u->count = count;
	__sync_synchronize();
	return n;
}

static inline void cv_uio_close(struct cv_uio *u)
{
	if (u->shared)
		munmap((void *)u->shared, u->shared_size);
	if (u->doorbell)
		munmap((void *)u->doorbell, 4096);
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
}

#endif
