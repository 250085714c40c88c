//! peiyu command line.
fn main() {}
