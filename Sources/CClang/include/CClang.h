/* CClang: libclang's C API (headers vendored in clang-c/, from LLVM 14) for the in-process check of
 * generated C (TTCodegen's CSourceChecker).
 *
 * libclang is not linked: linking it made every ttc process map and relocate libclang, LLVM and
 * their dependencies at start-up (about 600,000 relocations, most of a cache hit's CPU time), even
 * when nothing is checked. cclang_api() opens it with dlopen the first time a check runs. */
#ifndef CCLANG_H
#define CCLANG_H

#include "clang-c/Index.h"

/* The libclang functions the check calls, resolved from the opened library. */
typedef struct {
  __typeof__(&clang_createIndex) _Nonnull createIndex;
  __typeof__(&clang_disposeIndex) _Nonnull disposeIndex;
  __typeof__(&clang_parseTranslationUnit2) _Nonnull parseTranslationUnit2;
  __typeof__(&clang_disposeTranslationUnit) _Nonnull disposeTranslationUnit;
  __typeof__(&clang_getNumDiagnostics) _Nonnull getNumDiagnostics;
  __typeof__(&clang_getDiagnostic) _Nonnull getDiagnostic;
  __typeof__(&clang_disposeDiagnostic) _Nonnull disposeDiagnostic;
  __typeof__(&clang_getDiagnosticSeverity) _Nonnull getDiagnosticSeverity;
  __typeof__(&clang_getDiagnosticLocation) _Nonnull getDiagnosticLocation;
  __typeof__(&clang_getSpellingLocation) _Nonnull getSpellingLocation;
  __typeof__(&clang_formatDiagnostic) _Nonnull formatDiagnostic;
  __typeof__(&clang_defaultDiagnosticDisplayOptions) _Nonnull defaultDiagnosticDisplayOptions;
  __typeof__(&clang_getFileName) _Nonnull getFileName;
  __typeof__(&clang_getCString) _Nonnull getCString;
  __typeof__(&clang_disposeString) _Nonnull disposeString;
} CClangAPI;

/* libclang's functions, opened once per process (thread-safe). NULL when no libclang could be
 * opened or a function is missing; then *error (if error is not NULL) names the libraries tried and
 * the loader's message. */
const CClangAPI *_Nullable cclang_api(const char *_Nullable *_Nullable error);

#endif
