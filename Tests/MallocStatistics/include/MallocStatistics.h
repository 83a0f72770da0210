/* MallocStatistics: glibc's own count of heap bytes in use, for tests that check measured memory
 * against the allocator (mallinfo2 is in <malloc.h>, which Swift's Glibc module leaves out), and
 * the calling thread's page faults, for tests that check what a run allocates anew. */
#ifndef MALLOC_STATISTICS_H
#define MALLOC_STATISTICS_H

#include <malloc.h>
#include <stddef.h>
#include <sys/resource.h>

#ifndef RUSAGE_THREAD
#define RUSAGE_THREAD 1 /* Linux's value; glibc names it only under _GNU_SOURCE */
#endif

/* Bytes handed out by malloc and not yet freed: small chunks plus mmap'd ones. */
static inline size_t malloc_bytes_in_use(void) {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

/* Minor page faults of the calling thread so far: each first touch of a fresh page (memory new
 * from the system) counts one; writing into memory the process already touched counts none. */
static inline long thread_minor_page_faults(void) {
  struct rusage usage;
  if (getrusage(RUSAGE_THREAD, &usage) != 0) return -1;
  return usage.ru_minflt;
}

/* Gives every free heap page back to the system (malloc_trim), so that memory allocated after it
 * is fresh again: its first touch counts in thread_minor_page_faults. */
static inline void release_free_heap_pages(void) { malloc_trim(0); }

#endif
