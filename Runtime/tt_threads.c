/* tt_threads.c: the kernels' worker threads.
 *
 * One persistent pool per copy of the runtime (the TTRuntime library; each model library has its
 * own). tt_set_threads(n) starts workers the first time more are wanted and keeps them, asleep on a
 * condition variable, between calls; no thread is created per call. With one thread (the default)
 * tt_parallel_for runs every task inline and the pool does not exist, so a single-threaded caller
 * pays nothing for it.
 *
 * A parallel region splits work into tasks whose results do not depend on which thread runs them or
 * on how many threads there are (the kernels cut along register-tile boundaries), so outputs are
 * bitwise identical for every thread count. One region runs at a time: a call made while another
 * region runs (a kernel inside a parallel task, or a second caller thread) runs its tasks inline.
 */
#include "tt_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define TT_MAX_THREADS 256

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  int started;    /* worker threads running */
  int threads;    /* tt_set_threads: the caller plus threads − 1 workers take part */
  int busy;       /* a region is running */
  uint64_t round; /* incremented per region; workers wait for a new one */
  int active;     /* workers of this region still running */
  void (*task)(void *context, int64_t index);
  void *context;
  int64_t tasks;
  int64_t next; /* the next task index to take (atomic) */
  int stopping;   /* set when this copy of the runtime is unloaded: workers exit */
} tt_pool;

static tt_pool tt_the_pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
                              0, 1, 0, 0, 0, 0, 0, 0, 0, 0};

/* The workers, joined when this copy of the runtime is unloaded: a model library's workers sleep in
 * its own pool, which dlclose unmaps, so they must have exited before it returns. */
static pthread_t tt_pool_threads[TT_MAX_THREADS];

/* Whether this thread is running a task (then its kernels run on it alone, and its scratch buffer
 * belongs to that task). */
static __thread int tt_task_depth;

TT_API int tt_in_parallel_task(void) { return tt_task_depth > 0; }

/* Runs tasks of the current region until none is left. */
static void tt_pool_drain(tt_pool *pool) {
  tt_task_depth++;
  for (;;) {
    int64_t index = __atomic_fetch_add(&pool->next, 1, __ATOMIC_RELAXED);
    if (index >= pool->tasks) break;
    pool->task(pool->context, index);
  }
  tt_task_depth--;
}

static void *tt_pool_worker(void *argument) {
  tt_pool *pool = &tt_the_pool;
  int number = (int)(intptr_t)argument; /* 1 … started */
  uint64_t seen = 0;
  pthread_mutex_lock(&pool->lock);
  for (;;) {
    while (pool->round == seen && !pool->stopping) pthread_cond_wait(&pool->wake, &pool->lock);
    if (pool->stopping) break;
    seen = pool->round;
    if (number >= pool->threads) continue; /* not needed at this thread count */
    pthread_mutex_unlock(&pool->lock);
    tt_pool_drain(pool);
    pthread_mutex_lock(&pool->lock);
    if (--pool->active == 0) pthread_cond_signal(&pool->done);
  }
  pthread_mutex_unlock(&pool->lock);
  return 0;
}

/* Stops and joins the workers when this copy of the runtime is unloaded (dlclose of a model
 * library, or process exit). */
__attribute__((destructor)) static void tt_pool_stop(void) {
  tt_pool *pool = &tt_the_pool;
  pthread_mutex_lock(&pool->lock);
  pool->stopping = 1;
  pthread_cond_broadcast(&pool->wake);
  int started = pool->started;
  pthread_mutex_unlock(&pool->lock);
  for (int i = 0; i < started; i++) pthread_join(tt_pool_threads[i], 0);
  pool->started = 0;
}

TT_API int tt_set_threads(int threads) {
  tt_pool *pool = &tt_the_pool;
  threads = threads < 1 ? 1 : threads > TT_MAX_THREADS ? TT_MAX_THREADS : threads;
  pthread_mutex_lock(&pool->lock);
  while (pool->started < threads - 1) {
    pthread_t *thread = &tt_pool_threads[pool->started];
    if (pthread_create(thread, 0, tt_pool_worker, (void *)(intptr_t)(pool->started + 1)) != 0) break;
    pool->started++;
  }
  pool->threads = pool->started + 1 < threads ? pool->started + 1 : threads;
  threads = pool->threads;
  pthread_mutex_unlock(&pool->lock);
  return threads;
}

TT_API int tt_threads(void) { return __atomic_load_n(&tt_the_pool.threads, __ATOMIC_RELAXED); }

TT_API void tt_parallel_for(int64_t tasks, void (*task)(void *context, int64_t index), void *context) {
  tt_pool *pool = &tt_the_pool;
  int inline_only = tasks <= 1 || tt_threads() <= 1;
  if (!inline_only) {
    pthread_mutex_lock(&pool->lock);
    inline_only = pool->busy;
    if (!inline_only) {
      pool->busy = 1;
      pool->task = task;
      pool->context = context;
      pool->tasks = tasks;
      pool->next = 0;
      pool->active = pool->threads - 1;
      pool->round++;
      pthread_cond_broadcast(&pool->wake);
    }
    pthread_mutex_unlock(&pool->lock);
  }
  if (inline_only) {
    tt_task_depth++;
    for (int64_t index = 0; index < tasks; index++) task(context, index);
    tt_task_depth--;
    return;
  }
  tt_pool_drain(pool);
  pthread_mutex_lock(&pool->lock);
  while (pool->active > 0) pthread_cond_wait(&pool->done, &pool->lock);
  pool->busy = 0;
  pthread_mutex_unlock(&pool->lock);
}

/* *buffer grown to at least `floats` (64-byte aligned; the old contents are not kept). Kernels have
 * no error channel: running out of memory here aborts. */
static float *tt_grow_scratch(float **buffer, int64_t *capacity, int64_t floats) {
  if (floats > *capacity) {
    void *grown = 0;
    if (posix_memalign(&grown, 64, (size_t)floats * sizeof(float)) != 0) {
      fputs("TinyTorch runtime: out of memory for a thread's scratch\n", stderr);
      abort();
    }
    free(*buffer);
    *buffer = grown;
    *capacity = floats;
  }
  return *buffer;
}

/* The calling thread's scratch buffers, kept for the thread's lifetime: one for the kernels'
 * insides (tt_thread_scratch), one for their callers' scratch arguments (tt_call_scratch), so a
 * kernel given the caller's buffer can still take its own. */
static __thread float *tt_scratch_buffer, *tt_call_buffer;
static __thread int64_t tt_scratch_capacity, tt_call_capacity;

TT_API float *tt_thread_scratch(int64_t floats) {
  return tt_grow_scratch(&tt_scratch_buffer, &tt_scratch_capacity, floats);
}

TT_API float *tt_call_scratch(int64_t floats) {
  return tt_grow_scratch(&tt_call_buffer, &tt_call_capacity, floats > 0 ? floats : 1);
}
