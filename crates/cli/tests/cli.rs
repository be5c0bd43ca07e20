//! Integration tests: run the real `annalist` binary on the seeds, the corpora and
//! on hostile input. One test binary (as ripgrep does) so the release build is
//! linked once; modules group the tests by capability.

mod util;

mod analyst;
mod bench;
mod browser;
mod check;
mod concurrent;
mod crash;
mod eval;
mod exports;
mod fuzz_queries;
mod hostile;
mod malformed;
mod roundtrip;
mod search;
mod soak;
mod spark;
mod understanding;
mod watch;
