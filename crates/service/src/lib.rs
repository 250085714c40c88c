//! peiyu-service.
