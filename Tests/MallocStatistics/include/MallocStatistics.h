/* MallocStatistics: glibc's own count of heap bytes in use, for tests that check measured memory
 * against the allocator (mallinfo2 is in <malloc.h>, which Swift's Glibc module leaves out). */
#ifndef MALLOC_STATISTICS_H
#define MALLOC_STATISTICS_H

#include <malloc.h>
#include <stddef.h>

/* Bytes handed out by malloc and not yet freed: small chunks plus mmap'd ones. */
static inline size_t malloc_bytes_in_use(void) {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

#endif
