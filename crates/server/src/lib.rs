//! peiyu-server.
