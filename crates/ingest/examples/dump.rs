//! Print the units of a file: `cargo run -p annalist-ingest --example dump FILE`.
use std::ops::ControlFlow;
fn main() {
    let p = std::env::args().nth(1).expect("path");
    let r = annalist_ingest::read_file(p.as_ref(), &Default::default(), &mut |u| {
        match u {
            Ok(u) => {
                println!("{} {:?} {:?}", u.provenance.display(), u.meta, String::from_utf8_lossy(&u.raw))
            }
            Err(e) => println!("ERR {e}"),
        }
        ControlFlow::Continue(())
    });
    println!("{r:?}");
}
