/// The C runtime compiled into every model library: the files of `Runtime/`, embedded in the
/// binary at build time (SwiftPM `embedInCode` resources, declared in Package.swift).
enum RuntimeSources {
  /// File name and contents of every runtime header and source, sorted by name.
  static let files: [(name: String, contents: String)] = [
    ("tt_gemm.c", PackageResources.tt_gemm_c),
    ("tt_model.h", PackageResources.tt_model_h),
    ("tt_nn.c", PackageResources.tt_nn_c),
    ("tt_qgemm.c", PackageResources.tt_qgemm_c),
    ("tt_qgemm.h", PackageResources.tt_qgemm_h),
    ("tt_runtime.h", PackageResources.tt_runtime_h),
  ].map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
}
