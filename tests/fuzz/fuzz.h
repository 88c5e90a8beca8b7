/* fuzz.h: what the libFuzzer targets share: a failed invariant aborts (the
 * fuzzer keeps the input), and a way to hand bytes to code that reads files. */
#ifndef TRANG_FUZZ_H
#define TRANG_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define FUZZ_CHECK(cond)                                                                                   \
	do {                                                                                                   \
		if (!(cond)) {                                                                                     \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);                  \
			abort();                                                                                       \
		}                                                                                                  \
	} while (0)

/* Writes data to an anonymous in-memory file; path gets "/proc/self/fd/N".
 * Returns the descriptor (close it after), or -1. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char path[64])
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
