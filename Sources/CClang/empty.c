/* CClang exposes libclang's C API (Debian libclang-dev) to Swift; it has no code of its own. */
