//! Load benchmark (filled in later).
fn main() {}
