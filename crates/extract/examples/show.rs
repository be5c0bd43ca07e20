//! Print the article(s) extracted from a file: `cargo run -p annalist-extract --example show FILE`.
use std::ops::ControlFlow;
fn main() {
    let p = std::env::args().nth(1).expect("path");
    let opts = annalist_extract::ExtractOptions::default();
    let r = annalist_ingest::read_file(p.as_ref(), &Default::default(), &mut |u| {
        match u {
            Ok(u) => match annalist_extract::extract(&u, &opts) {
                Ok(a) => println!(
                    "{} {}",
                    u.provenance.display(),
                    serde_json::to_string_pretty(&a).unwrap_or_default()
                ),
                Err(e) => println!("{}: {e}", u.provenance.display()),
            },
            Err(e) => println!("ERR {e}"),
        }
        ControlFlow::Continue(())
    });
    println!("{r:?}");
}
