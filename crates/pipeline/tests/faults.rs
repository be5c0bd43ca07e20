//! Fault injection for the store's writes, in the manner of SQLite's own test VFS:
//! a VFS wrapped around the system's one fails the Nth write, sync or truncate (as
//! a full disk: that one and every later one; or as a transient I/O error: that one
//! only), for every N the clean run reaches. After each fault the archive must open,
//! a second run must complete, and the result must equal the clean run's.
//!
//! One test function: the VFS and its counters are process-wide, so the scenarios
//! run one after another.

use std::ffi::{CStr, c_char, c_int, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use annalist_pipeline::{Collect, Indexer, Options, ingest_bytes};
use annalist_store::Store;
use annalist_understand::Kb;
use rusqlite::ffi;

/// Write points left before the fault (≤ 0: no fault armed).
static COUNTDOWN: AtomicI64 = AtomicI64::new(0);
/// Write points passed since the counter was reset.
static PASSED: AtomicI64 = AtomicI64::new(0);
/// Once fired: fail every later write too (a full disk) or only the one.
static STICKY: AtomicBool = AtomicBool::new(false);
static FIRED: AtomicBool = AtomicBool::new(false);

/// Our file: SQLite's header (whose `pMethods` points at our methods) followed by
/// the wrapped VFS's own file object.
#[repr(C)]
struct FaultFile {
    base: ffi::sqlite3_file,
}
const HDR: usize = std::mem::size_of::<FaultFile>().next_multiple_of(16);

static mut REAL: *mut ffi::sqlite3_vfs = std::ptr::null_mut();

unsafe fn inner(f: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    unsafe { (f as *mut u8).add(HDR) as *mut ffi::sqlite3_file }
}

unsafe fn methods(f: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    unsafe { &*(*inner(f)).pMethods }
}

/// Whether this write point fails; `code` is the error it fails with.
fn fault() -> bool {
    PASSED.fetch_add(1, Ordering::SeqCst);
    if FIRED.load(Ordering::SeqCst) {
        return STICKY.load(Ordering::SeqCst);
    }
    if COUNTDOWN.load(Ordering::SeqCst) > 0 && COUNTDOWN.fetch_sub(1, Ordering::SeqCst) == 1 {
        FIRED.store(true, Ordering::SeqCst);
        return true;
    }
    false
}

unsafe extern "C" fn x_close(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { (methods(f).xClose.unwrap())(inner(f)) }
}
unsafe extern "C" fn x_read(f: *mut ffi::sqlite3_file, buf: *mut c_void, n: c_int, off: i64) -> c_int {
    unsafe { (methods(f).xRead.unwrap())(inner(f), buf, n, off) }
}
unsafe extern "C" fn x_write(f: *mut ffi::sqlite3_file, buf: *const c_void, n: c_int, off: i64) -> c_int {
    if fault() {
        return if STICKY.load(Ordering::SeqCst) { ffi::SQLITE_FULL } else { ffi::SQLITE_IOERR_WRITE };
    }
    unsafe { (methods(f).xWrite.unwrap())(inner(f), buf, n, off) }
}
unsafe extern "C" fn x_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    if fault() {
        return ffi::SQLITE_IOERR_TRUNCATE;
    }
    unsafe { (methods(f).xTruncate.unwrap())(inner(f), size) }
}
unsafe extern "C" fn x_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    if fault() {
        return ffi::SQLITE_IOERR_FSYNC;
    }
    unsafe { (methods(f).xSync.unwrap())(inner(f), flags) }
}
unsafe extern "C" fn x_file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    unsafe { (methods(f).xFileSize.unwrap())(inner(f), size) }
}
unsafe extern "C" fn x_lock(f: *mut ffi::sqlite3_file, l: c_int) -> c_int {
    unsafe { (methods(f).xLock.unwrap())(inner(f), l) }
}
unsafe extern "C" fn x_unlock(f: *mut ffi::sqlite3_file, l: c_int) -> c_int {
    unsafe { (methods(f).xUnlock.unwrap())(inner(f), l) }
}
unsafe extern "C" fn x_check_reserved(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    unsafe { (methods(f).xCheckReservedLock.unwrap())(inner(f), out) }
}
unsafe extern "C" fn x_file_control(f: *mut ffi::sqlite3_file, op: c_int, arg: *mut c_void) -> c_int {
    unsafe { (methods(f).xFileControl.unwrap())(inner(f), op, arg) }
}
unsafe extern "C" fn x_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { (methods(f).xSectorSize.unwrap())(inner(f)) }
}
unsafe extern "C" fn x_device_chars(f: *mut ffi::sqlite3_file) -> c_int {
    unsafe { (methods(f).xDeviceCharacteristics.unwrap())(inner(f)) }
}
unsafe extern "C" fn x_shm_map(
    f: *mut ffi::sqlite3_file,
    pg: c_int,
    sz: c_int,
    ext: c_int,
    out: *mut *mut c_void,
) -> c_int {
    unsafe { (methods(f).xShmMap.unwrap())(inner(f), pg, sz, ext, out) }
}
unsafe extern "C" fn x_shm_lock(f: *mut ffi::sqlite3_file, off: c_int, n: c_int, flags: c_int) -> c_int {
    unsafe { (methods(f).xShmLock.unwrap())(inner(f), off, n, flags) }
}
unsafe extern "C" fn x_shm_barrier(f: *mut ffi::sqlite3_file) {
    unsafe { (methods(f).xShmBarrier.unwrap())(inner(f)) }
}
unsafe extern "C" fn x_shm_unmap(f: *mut ffi::sqlite3_file, del: c_int) -> c_int {
    unsafe { (methods(f).xShmUnmap.unwrap())(inner(f), del) }
}

/// Version 2 methods: no memory-mapped I/O (`xFetch`), so every page write goes
/// through `xWrite`, where the faults are.
static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 2,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_chars),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    f: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    unsafe {
        let real = REAL;
        let rc = ((*real).xOpen.unwrap())(real, name, inner(f), flags, out_flags);
        (*f).pMethods =
            if rc == ffi::SQLITE_OK && !(*inner(f)).pMethods.is_null() { &METHODS } else { std::ptr::null() };
        rc
    }
}

/// Registers the faulty VFS as the process's default (once).
fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| unsafe {
        assert_eq!(ffi::sqlite3_initialize(), ffi::SQLITE_OK);
        let real = ffi::sqlite3_vfs_find(std::ptr::null());
        assert!(!real.is_null());
        REAL = real;
        let mut v: ffi::sqlite3_vfs = *real;
        v.iVersion = v.iVersion.min(3);
        v.szOsFile = (HDR + (*real).szOsFile as usize) as c_int;
        v.pNext = std::ptr::null_mut();
        v.zName = c"annalist-faults".as_ptr() as *const c_char;
        v.xOpen = Some(x_open);
        let v = Box::leak(Box::new(v));
        assert_eq!(ffi::sqlite3_vfs_register(v, 1), ffi::SQLITE_OK);
        let dflt = ffi::sqlite3_vfs_find(std::ptr::null());
        assert_eq!(CStr::from_ptr((*dflt).zName), c"annalist-faults");
    });
}

fn arm(n: i64, sticky: bool) {
    FIRED.store(false, Ordering::SeqCst);
    STICKY.store(sticky, Ordering::SeqCst);
    PASSED.store(0, Ordering::SeqCst);
    COUNTDOWN.store(n, Ordering::SeqCst);
}

fn disarm() {
    COUNTDOWN.store(0, Ordering::SeqCst);
    FIRED.store(false, Ordering::SeqCst);
}

/// The inputs: the seed pages and a JSONL file with new records, a repeat, a
/// changed version and a failure, ingested two units per transaction.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seeds = loop {
        if dir.join("shared/seeds").is_dir() {
            break dir.join("shared/seeds");
        }
        assert!(dir.pop(), "no shared/seeds above the crate");
    };
    let mut files: Vec<_> = std::fs::read_dir(&seeds).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut out: Vec<(String, Vec<u8>)> =
        files.iter().map(|p| (p.display().to_string(), std::fs::read(p).unwrap())).collect();
    let rec = |title: &str, body: &str, date: &str| {
        format!(
            "{{\"title\": \"{title}\", \"date\": \"{date}\", \"url\": \"http://example.org/{}\", \"body\": \"{body}\"}}\n",
            title.to_lowercase().replace(' ', "-")
        )
    };
    let mut jsonl = String::new();
    jsonl += &rec(
        "Delegation Leaves",
        "A government delegation left Pyongyang for Vientiane on Monday.",
        "2011-03-07",
    );
    jsonl += &rec(
        "Message Sent",
        "Kim Jong Il sent a message of greetings to the President of Laos.",
        "2011-03-08",
    );
    jsonl += &rec(
        "Delegation Leaves",
        "A government delegation left Pyongyang for Vientiane on Monday.",
        "2011-03-07",
    );
    jsonl += &rec(
        "Delegation Leaves",
        "A government delegation left Pyongyang for Vientiane on Monday by air.",
        "2011-03-07",
    );
    jsonl += "[\"not an object\"]\n";
    jsonl += &rec(
        "Reception Given",
        "A reception was given at the embassy in Pyongyang on Tuesday.",
        "2011-03-09",
    );
    out.push(("records.jsonl".to_string(), jsonl.into_bytes()));
    out
}

/// One run over the inputs into `data`: the first error, if any.
fn run(data: &Path, kb: &Kb) -> anyhow::Result<()> {
    let mut store = Store::open(data)?;
    let mut index = Indexer::open(data, &store)?;
    let opts = Options { batch: 2, min_free_bytes: 0, ..Options::default() };
    for (label, bytes) in inputs() {
        ingest_bytes(&mut store, Some(kb), Some(&mut index), &label, &bytes, &opts, &Collect::default())?;
    }
    index.commit()?;
    index.index.close_writer()?;
    Ok(())
}

/// What the archive holds, without wall-clock times and change sequences.
fn dump(data: &Path) -> String {
    let store = Store::open(data).unwrap();
    let mut out = String::new();
    for id in store.article_ids().unwrap() {
        let a = store.article(id).unwrap().unwrap();
        let mut v = serde_json::to_value(&a).unwrap();
        v.as_object_mut().unwrap().remove("changed_seq");
        for s in v["sources"].as_array_mut().unwrap() {
            s.as_object_mut().unwrap().remove("ingested_at");
        }
        out += &v.to_string();
        out.push('\n');
    }
    let mut s = serde_json::to_value(store.stats().unwrap()).unwrap();
    s.as_object_mut().unwrap().remove("db_bytes");
    out += &s.to_string();
    let ix = Indexer::open(data, &store).unwrap();
    out += &format!("\nindexed {}", ix.index.num_docs());
    out
}

#[test]
fn after_a_fault_at_any_write_the_archive_opens_and_a_second_run_equals_the_clean_one() {
    install();
    let kb = Kb::builtin().unwrap();
    let tmp = tempfile::tempdir().unwrap();

    let clean = tmp.path().join("clean");
    arm(0, false);
    run(&clean, &kb).unwrap();
    let points = PASSED.load(Ordering::SeqCst);
    let want = dump(&clean);
    assert!(points > 20, "only {points} write points: the VFS is not in the path");
    assert!(want.contains("\"articles\":"), "{want}");

    // Every write point when they are few, else a spread of them (always the first
    // and the last few, where opening and the final commit are).
    let step = (points / 80).max(1);
    let mut at: Vec<i64> = (1..=points).step_by(step as usize).collect();
    at.extend((points - 5).max(1)..=points);
    at.sort();
    at.dedup();
    let (mut failed_runs, mut tried) = (0, 0);
    for &n in &at {
        for sticky in [true, false] {
            tried += 1;
            let data = tmp.path().join(format!("f{n}-{sticky}"));
            arm(n, sticky);
            let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(&data, &kb)));
            let fired = FIRED.load(Ordering::SeqCst);
            disarm();
            let first = first.unwrap_or_else(|_| panic!("a fault at write {n} (sticky {sticky}) panicked"));
            if first.is_err() {
                failed_runs += 1;
            }
            assert!(fired || first.is_ok(), "write {n}: no fault fired, yet the run failed: {first:?}");
            // The next run opens what is there and completes it.
            run(&data, &kb).unwrap_or_else(|e| panic!("after a fault at write {n} (sticky {sticky}): {e:#}"));
            let got = dump(&data);
            assert!(
                got == want,
                "after a fault at write {n} (sticky {sticky}) the archive differs:\n{got}\n---\n{want}"
            );
            std::fs::remove_dir_all(&data).unwrap();
        }
    }
    eprintln!(
        "fault injection: {points} write points in the clean run; {tried} faulted runs at {} points, \
         {failed_runs} of them reported the fault as an error; every resumed archive equals the clean one",
        at.len()
    );
    assert!(failed_runs > 0);
}
