/* Libclang.c: opens libclang with dlopen on first use (see CClang.h). */
#include "CClang.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The shared object names tried in order: Debian's libclang1-14 (the runtime package), then its
 * development link, then an unversioned libclang (the C API is stable across versions). */
static const char *const cclang_names[] = {"libclang-14.so.13", "libclang-14.so.1", "libclang-14.so", "libclang.so.1",
                                           "libclang.so"};

static CClangAPI cclang_the_api;
static const CClangAPI *cclang_loaded;
static char cclang_error[512];
static pthread_once_t cclang_once = PTHREAD_ONCE_INIT;

static void cclang_open(void) {
  void *handle = NULL;
  for (size_t i = 0; i < sizeof cclang_names / sizeof cclang_names[0] && !handle; i++) {
    handle = dlopen(cclang_names[i], RTLD_NOW | RTLD_LOCAL);
  }
  if (!handle) {
    const char *reason = dlerror();
    snprintf(cclang_error, sizeof cclang_error,
             "libclang could not be opened (tried libclang-14.so.13, libclang-14.so.1, libclang-14.so, "
             "libclang.so.1, libclang.so: %s); install libclang1-14 (Debian) for the check of generated C",
             reason ? reason : "not found");
    return;
  }
#define CCLANG_RESOLVE(field, symbol)                                                                          \
  do {                                                                                                         \
    void *address = dlsym(handle, #symbol);                                                                    \
    if (!address) {                                                                                            \
      snprintf(cclang_error, sizeof cclang_error, "the opened libclang has no function %s", #symbol);          \
      return;                                                                                                  \
    }                                                                                                          \
    *(void **)&cclang_the_api.field = address;                                                                 \
  } while (0)
  CCLANG_RESOLVE(createIndex, clang_createIndex);
  CCLANG_RESOLVE(disposeIndex, clang_disposeIndex);
  CCLANG_RESOLVE(parseTranslationUnit2, clang_parseTranslationUnit2);
  CCLANG_RESOLVE(disposeTranslationUnit, clang_disposeTranslationUnit);
  CCLANG_RESOLVE(getNumDiagnostics, clang_getNumDiagnostics);
  CCLANG_RESOLVE(getDiagnostic, clang_getDiagnostic);
  CCLANG_RESOLVE(disposeDiagnostic, clang_disposeDiagnostic);
  CCLANG_RESOLVE(getDiagnosticSeverity, clang_getDiagnosticSeverity);
  CCLANG_RESOLVE(getDiagnosticLocation, clang_getDiagnosticLocation);
  CCLANG_RESOLVE(getSpellingLocation, clang_getSpellingLocation);
  CCLANG_RESOLVE(formatDiagnostic, clang_formatDiagnostic);
  CCLANG_RESOLVE(defaultDiagnosticDisplayOptions, clang_defaultDiagnosticDisplayOptions);
  CCLANG_RESOLVE(getFileName, clang_getFileName);
  CCLANG_RESOLVE(getCString, clang_getCString);
  CCLANG_RESOLVE(disposeString, clang_disposeString);
#undef CCLANG_RESOLVE
  cclang_loaded = &cclang_the_api; /* the library stays open for the rest of the process */
}

const CClangAPI *cclang_api(const char **error) {
  pthread_once(&cclang_once, cclang_open);
  if (!cclang_loaded && error) *error = cclang_error;
  return cclang_loaded;
}
