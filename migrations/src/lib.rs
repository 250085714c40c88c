//! peiyu-migrations.
