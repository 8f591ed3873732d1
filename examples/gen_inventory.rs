//! Writes a generated estate for trying and measuring `readiness` (see README "Performance"):
//! Graph `managedDevice` pages (1,000 devices a page) and one Graph `signIn` file.
//!
//! ```sh
//! cargo run --release --example gen_inventory -- /tmp/estate 100000 1000000
//! /usr/bin/time -v target/release/passkey-triage readiness \
//!     $(for f in /tmp/estate/devices-*.json; do printf -- '--devices %s ' "$f"; done) \
//!     --signin-log /tmp/estate/signins.json --format json
//! ```

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: gen_inventory DIR [DEVICES (default 100000)] [SIGN-INS (default 1000000)]");
        std::process::exit(2);
    };
    let mut number = |default: u64, what: &str| match args.next().map(|s| s.parse::<u64>()) {
        None => default,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("gen_inventory: {what}: {e}");
            std::process::exit(2);
        }
    };
    let devices = number(100_000, "DEVICES");
    let signins = number(1_000_000, "SIGN-INS");
    let dir = std::path::Path::new(&dir);
    let result = passkey_triage::readiness::synthetic::write_devices(dir, devices, 1000).and_then(|files| {
        passkey_triage::readiness::synthetic::write_signins(&dir.join("signins.json"), devices, signins)?;
        Ok(files.len())
    });
    match result {
        Ok(pages) => {
            println!("{devices} devices in {pages} page(s) and {signins} sign-ins written under {}", dir.display())
        }
        Err(e) => {
            eprintln!("gen_inventory: {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
}
