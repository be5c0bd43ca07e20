//! Counts of what filing did to units.

/// What a run of the pipeline did to its units, counted (the summary of `annalist
/// ingest`, the answer of an upload, the watcher's log).
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    pub read: u64,
    pub new: u64,
    pub duplicates: u64,
    pub versions: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Pages newly marked gone at source.
    pub gone: u64,
    /// Exact repeats of a unit within a file, counted and not filed.
    pub repeats: u64,
    /// Failed units beyond the first thousand of a file, counted and not kept.
    pub dropped: u64,
}

impl Tally {
    /// Add another run's counts to these.
    pub fn add(&mut self, t: &Tally) {
        self.read += t.read;
        self.new += t.new;
        self.duplicates += t.duplicates;
        self.versions += t.versions;
        self.unchanged += t.unchanged;
        self.failed += t.failed;
        self.gone += t.gone;
        self.repeats += t.repeats;
        self.dropped += t.dropped;
    }
}
