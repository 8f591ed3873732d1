//! Writes generated sessions for trying and measuring `report` (see README "Performance"):
//!
//! ```sh
//! cargo run --release --example gen_sessions -- /tmp/reportdata/sessions 100000
//! PASSKEY_TRIAGE_DATA_DIR=/tmp/reportdata target/release/passkey-triage report
//! ```
//!
//! Sessions go 1,000 to a sub-folder (`0/`, `1/`, …), as a team's gathered folders would.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(dir), n) = (args.next(), args.next()) else {
        eprintln!("usage: gen_sessions DIR [COUNT (default 100000)]");
        std::process::exit(2);
    };
    let n: u64 = match n.map(|s| s.parse()) {
        None => 100_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("gen_sessions: COUNT: {e}");
            std::process::exit(2);
        }
    };
    match passkey_triage::report::synthetic::write_sessions(std::path::Path::new(&dir), n, 1000) {
        Ok(files) => println!("{} sessions written under {dir}", files.len()),
        Err(e) => {
            eprintln!("gen_sessions: {dir}: {e}");
            std::process::exit(2);
        }
    }
}
