//! peiyu-workflow: the pure, synchronous decisions of the peiyu workflow engine — tracks, guards,
//! transition planning, task templates, batch rules, weekly lists and deadlines on the
//! working-day [`calendar`].

pub mod calendar;
