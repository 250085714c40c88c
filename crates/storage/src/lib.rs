//! peiyu-storage.
