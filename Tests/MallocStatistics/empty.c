/* Header-only target: see include/MallocStatistics.h. */
