//! A generated estate for benchmarks and scale tests: Graph `managedDevice` pages and Graph
//! `signIn` entries, written straight to a file (never built in memory). Deterministic: device
//! `i` and entry `j` are functions of their numbers.
//!
//! Users own three devices each (a computer, a phone, and every other user a second computer);
//! one device in 50 has no OS version, one in 200 no user; versions cover old builds (Windows
//! 10 1809, iOS 16, Android 13) and current ones.

use std::io::{self, Write};

const WINDOWS: [&str; 4] = ["10.0.17763.6414", "10.0.19045.5247", "10.0.22631.4602", "10.0.26100.2605"];
const MACOS: [&str; 3] = ["12.7.6", "14.4.1", "15.1"];
const IOS: [&str; 3] = ["16.7.8", "17.5.1", "18.1"];
const ANDROID: [&str; 3] = ["13", "14", "15"];
const BROWSERS: [&str; 5] = ["Edge 124.0.0", "Chrome 131.0.0", "Firefox 128.0", "Safari 17.1", "Rich Client 4.0.0"];

/// (operatingSystem, osVersion or "", user number or none) of device `i`.
pub fn device(i: u64) -> (&'static str, &'static str, Option<u64>) {
    let user = (i % 200 != 199).then_some(i / 3);
    let pick = |list: &[&'static str]| list[(i as usize / 3) % list.len()];
    let (os, version) = match i % 3 {
        0 => ("Windows", pick(&WINDOWS)),
        1 if (i / 3).is_multiple_of(2) => ("iOS", pick(&IOS)),
        1 => ("Android", pick(&ANDROID)),
        _ if (i / 3).is_multiple_of(4) => ("macOS", pick(&MACOS)),
        _ => ("Windows", pick(&WINDOWS)),
    };
    let version = if i % 50 == 49 { "" } else { version };
    (os, version, user)
}

fn entra_id(i: u64) -> String {
    format!("6f1d2e3c-4b5a-4978-8a1b-{i:012x}")
}

/// Writes `n` devices as Graph pages of `page` devices, one file per page, named
/// `devices-0000.json`, ...; returns the files.
pub fn write_devices(dir: &std::path::Path, n: u64, page: u64) -> io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let page = page.max(1);
    let mut files = Vec::new();
    let mut start = 0;
    while start < n || files.is_empty() {
        let path = dir.join(format!("devices-{:04}.json", files.len()));
        let mut w = io::BufWriter::new(std::fs::File::create(&path)?);
        w.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices\",\"value\":[\n")?;
        let end = (start + page).min(n);
        for i in start..end {
            let (os, version, user) = device(i);
            let upn = user.map(|u| format!("user{u}@contoso.com")).unwrap_or_default();
            if i > start {
                w.write_all(b",\n")?;
            }
            write!(
                w,
                "{{\"id\":\"{:08x}-0000-4000-8000-000000000000\",\"deviceName\":\"DEV-{i}\",\"operatingSystem\":\"{os}\",\
                 \"osVersion\":\"{version}\",\"userPrincipalName\":\"{upn}\",\"azureADDeviceId\":\"{}\",\
                 \"model\":\"Model {}\",\"manufacturer\":\"Maker\",\"complianceState\":\"compliant\",\
                 \"lastSyncDateTime\":\"2026-12-01T08:00:00Z\"}}",
                i,
                entra_id(i),
                i % 17
            )?;
        }
        w.write_all(b"\n]}\n")?;
        w.flush()?;
        files.push(path);
        start = end;
        if n == 0 {
            break;
        }
    }
    Ok(files)
}

/// Writes `m` Graph `signIn` entries about devices `0..n` (by device id; one in ten by UPN
/// only, one in twenty from outside the inventory) to `path`.
pub fn write_signins(path: &std::path::Path, n: u64, m: u64) -> io::Result<()> {
    let mut w = io::BufWriter::new(std::fs::File::create(path)?);
    w.write_all(b"{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns\",\"value\":[\n")?;
    for j in 0..m {
        let i = (j.wrapping_mul(2_654_435_761)) % n.max(1);
        let (os, _, user) = device(i);
        let outsider = j % 20 == 19;
        let upn = match (outsider, user) {
            (true, _) => format!("guest{j}@fabrikam.com"),
            (false, Some(u)) => format!("user{u}@contoso.com"),
            (false, None) => String::new(),
        };
        let device_id = if outsider || j % 10 == 9 { String::new() } else { entra_id(i) };
        // Browsers each OS really has: no Safari off Apple, no Edge on Linux.
        let choices: &[&str] = match os {
            "Windows" => &[BROWSERS[0], BROWSERS[1], BROWSERS[2], BROWSERS[4]],
            "macOS" | "iOS" => &[BROWSERS[3], BROWSERS[1], BROWSERS[0]],
            _ => &[BROWSERS[1], BROWSERS[0], BROWSERS[2]],
        };
        let browser = choices[(j % choices.len() as u64) as usize];
        let client = if browser.starts_with("Rich Client") { "Mobile Apps and Desktop clients" } else { "Browser" };
        let os_name = match os {
            "Windows" => "Windows10",
            "macOS" => "MacOs",
            "iOS" => "Ios",
            other => other,
        };
        if j > 0 {
            w.write_all(b",\n")?;
        }
        write!(
            w,
            "{{\"id\":\"{j:032x}\",\"createdDateTime\":\"2026-12-01T08:00:00Z\",\"userPrincipalName\":\"{upn}\",\
             \"appId\":\"4765445b-32c6-49b0-83e6-1d93765276ca\",\"appDisplayName\":\"OfficeHome\",\
             \"clientAppUsed\":\"{client}\",\"correlationId\":\"{j:032x}\",\"isInteractive\":true,\
             \"status\":{{\"errorCode\":0}},\"deviceDetail\":{{\"deviceId\":\"{device_id}\",\
             \"operatingSystem\":\"{os_name}\",\"browser\":\"{browser}\"}}}}"
        )?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()
}
