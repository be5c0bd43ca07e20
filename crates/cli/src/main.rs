//! The `annalist` binary.
fn main() {}
