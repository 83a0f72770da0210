// Every file of this test target sees the shared helpers (assertThrows, assertClose, randomFloats,
// temporary directories, runProcess) without importing them.
@_exported import TestSupport
