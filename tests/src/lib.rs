//! Shared helpers for peiyu scenario tests.
