// Shared helpers for milestone examples.
