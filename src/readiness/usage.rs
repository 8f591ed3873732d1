//! The clients users really sign in with, from sign-in logs in every format `import` reads
//! (contract §8), mapped by the import rules (never a second reading of the log fields).
//!
//! An entry is joined to a device of the inventory by its Entra device id
//! (`deviceDetail.deviceId`); failing that, to the inventory's user by UPN, for that user's
//! devices of the same OS. Entries that join nothing are only counted, so memory follows the
//! inventory, never the log: each device or (user, OS) keeps at most [`MAX_CLIENTS`] distinct
//! clients.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use super::{Device, Os};
use crate::import::Entry;
use crate::vocab::Version;

/// Distinct clients kept per device or per (user, OS); more are counted, not kept.
pub const MAX_CLIENTS: usize = 8;

/// One way of signing in, in the matrix's terms (`client.*` facts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// `browser`, `native-app` or `device-sign-in`.
    pub kind: &'static str,
    /// `client.browser` (`edge`, `chrome`, `firefox`, `safari`, `other`).
    pub browser: Option<&'static str>,
    /// The lowest `client.browser_version` seen for this browser.
    pub browser_version: Option<String>,
    /// `client.app` (`teams`, `outlook`, `onedrive`).
    pub app: Option<&'static str>,
}

impl Client {
    /// A browser the logs don't name: the matrix is read for the OS alone.
    pub fn any_browser() -> Self {
        Client { kind: "browser", browser: None, browser_version: None, app: None }
    }

    /// `edge`, `app teams`, `native-app`: the label without the version.
    pub fn family(&self) -> String {
        match (self.kind, self.browser, self.app) {
            ("browser", Some(b), _) => b.to_string(),
            ("native-app", _, Some(a)) => format!("app {a}"),
            (k, _, _) => k.to_string(),
        }
    }

    /// `edge 124.0`, `app teams`, `browser`.
    pub fn label(&self) -> String {
        match (self.kind, self.browser, self.app) {
            ("browser", Some(b), _) => match &self.browser_version {
                Some(v) => format!("{b} {v}"),
                None => b.to_string(),
            },
            ("native-app", _, Some(a)) => format!("app {a}"),
            (k, _, _) => k.to_string(),
        }
    }
}

/// What the logs held and how much of it joined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UsageStats {
    /// Sign-in entries read.
    pub entries: u64,
    /// Joined to a device by its Entra device id.
    pub by_device: u64,
    /// Joined to an inventory user by UPN (and OS).
    pub by_user: u64,
    /// Joined nothing: no device id or UPN of the inventory.
    pub unmatched: u64,
    /// Joined, but the entry names no client kind the matrix knows.
    pub no_client: u64,
}

/// Clients by device and by (user, OS).
#[derive(Debug, Default)]
pub struct Usage {
    by_device: HashMap<String, Vec<Client>>,
    by_user_os: HashMap<(String, Os), Vec<Client>>,
    devices: HashSet<String>,
    users: HashSet<String>,
    pub stats: UsageStats,
}

impl Usage {
    /// Ready to join entries to these devices and their users.
    pub fn new(devices: &[Device]) -> Self {
        Usage {
            devices: devices.iter().filter_map(|d| d.entra_id.clone()).collect(),
            users: devices.iter().filter_map(|d| d.upn.clone()).collect(),
            ..Usage::default()
        }
    }

    /// Reads one sign-in log (a path or `-`) and joins its entries.
    pub fn read_file(&mut self, spec: &str, stdin: &mut dyn Read) -> Result<(), String> {
        let mut input = crate::import::input::open(spec, stdin)?;
        let (mut read, mut dated) = (0u64, 0u64);
        crate::import::detect::read_entries(&input.name, &mut input.reader, &mut |e| {
            read += 1;
            if e.time.is_some() || e.correlation_id.is_some() {
                dated += 1;
            }
            self.offer(&e);
        })
        .map_err(|e| e.to_string())?;
        // Every sign-in entry has a time or a correlation id; objects with a UPN and neither
        // are something else (a device inventory given as a log).
        if read > 0 && dated == 0 {
            return Err(format!(
                "{}: not a sign-in log: none of its {read} entries has a time or a correlation id \
                 (a device inventory goes with --devices)",
                input.name
            ));
        }
        Ok(())
    }

    /// Joins one entry.
    pub fn offer(&mut self, e: &Entry) {
        self.stats.entries += 1;
        let device = e.device_id.as_ref().map(|d| d.value.to_lowercase()).filter(|d| self.devices.contains(d));
        let user = e.upn.as_ref().map(|u| u.value.to_lowercase()).filter(|u| self.users.contains(u));
        if device.is_none() && user.is_none() {
            self.stats.unmatched += 1;
            return;
        }
        let (client, os) = client_of(e);
        let Some(client) = client else {
            self.stats.no_client += 1;
            return;
        };
        if let Some(d) = device {
            self.stats.by_device += 1;
            add(self.by_device.entry(d).or_default(), client);
        } else if let (Some(u), Some(os)) = (user, os) {
            self.stats.by_user += 1;
            add(self.by_user_os.entry((u, os)).or_default(), client);
        } else {
            self.stats.no_client += 1;
        }
    }

    /// How many devices (joined by device id) and users on an OS (joined by UPN) were seen
    /// with each client, by family (`edge`, `firefox`, `app teams`, `native-app`,
    /// `device-sign-in`), most seen first.
    pub fn client_counts(&self) -> Vec<(String, u64)> {
        let mut counts: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for list in self.by_device.values().chain(self.by_user_os.values()) {
            for c in list {
                *counts.entry(c.family()).or_default() += 1;
            }
        }
        let mut v: Vec<(String, u64)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// The clients seen for a device: by its device id, else its user's on the same OS. Empty
    /// when the logs say nothing about it.
    pub fn clients(&self, d: &Device) -> &[Client] {
        if let Some(c) = d.entra_id.as_ref().and_then(|id| self.by_device.get(id)) {
            return c;
        }
        match (&d.upn, d.os) {
            (Some(u), Some(os)) => self.by_user_os.get(&(u.clone(), os)).map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }
}

/// The client (and the OS) of an entry, by the import rules.
fn client_of(e: &Entry) -> (Option<Client>, Option<Os>) {
    let facts = crate::import::rules::facts(e);
    let get = |k: &str| facts.iter().find(|f| f.key == k).map(|f| f.value.as_str());
    let os = get("client.os").and_then(Os::parse);
    let kind = match get("client.kind") {
        Some("browser") => "browser",
        Some("native-app") => "native-app",
        Some("device-sign-in") => "device-sign-in",
        _ => return (None, os),
    };
    let browser = get("client.browser").and_then(|b| match b {
        "edge" => Some("edge"),
        "chrome" => Some("chrome"),
        "firefox" => Some("firefox"),
        "safari" => Some("safari"),
        "other" => Some("other"),
        _ => None,
    });
    let app = get("client.app").and_then(|a| match a {
        "teams" => Some("teams"),
        "outlook" => Some("outlook"),
        "onedrive" => Some("onedrive"),
        _ => None,
    });
    let browser_version = get("client.browser_version").map(str::to_string);
    (Some(Client { kind, browser, browser_version, app }), os)
}

/// Adds a client, keeping one per (kind, browser, app) with the lowest version seen.
fn add(list: &mut Vec<Client>, c: Client) {
    if let Some(have) = list.iter_mut().find(|h| h.kind == c.kind && h.browser == c.browser && h.app == c.app) {
        let lower = match (&have.browser_version, &c.browser_version) {
            (Some(a), Some(b)) => match (Version::parse(a), Version::parse(b)) {
                (Some(va), Some(vb)) => vb.cmp_padded(&va) == std::cmp::Ordering::Less,
                _ => false,
            },
            (None, Some(_)) => true,
            _ => false,
        };
        if lower {
            have.browser_version = c.browser_version;
        }
        return;
    }
    if list.len() < MAX_CLIENTS {
        list.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::record::Field;

    fn entry(device: Option<&str>, upn: &str, os: &str, browser: &str) -> Entry {
        let f = |v: &str, field: &'static str| Some(Field { value: v.to_string(), field });
        Entry {
            upn: f(upn, "userPrincipalName"),
            device_id: device.and_then(|d| f(d, "deviceDetail.deviceId")),
            client_app: f("Browser", "clientAppUsed"),
            os: f(os, "deviceDetail.operatingSystem"),
            browser: f(browser, "deviceDetail.browser"),
            ..Entry::default()
        }
    }

    #[test]
    fn joins_by_device_then_user_and_keeps_the_lowest_version() {
        let pc = Device {
            id: "1".into(),
            entra_id: Some("aaa".into()),
            upn: Some("ann@x".into()),
            os: Some(Os::Windows),
            ..Device::default()
        };
        let mac = Device { id: "2".into(), upn: Some("ann@x".into()), os: Some(Os::Macos), ..Device::default() };
        let mut u = Usage::new(&[pc.clone(), mac.clone()]);
        u.offer(&entry(Some("AAA"), "ann@x", "Windows10", "Edge 124.0.1"));
        u.offer(&entry(Some("AAA"), "ann@x", "Windows10", "Edge 120.0"));
        u.offer(&entry(None, "Ann@X", "MacOs", "Safari 17.1"));
        u.offer(&entry(None, "zed@x", "MacOs", "Safari 17.1"));
        assert_eq!(u.stats, UsageStats { entries: 4, by_device: 2, by_user: 1, unmatched: 1, no_client: 0 });
        assert_eq!(u.clients(&pc).iter().map(Client::label).collect::<Vec<_>>(), ["edge 120.0"]);
        assert_eq!(u.clients(&mac).iter().map(Client::label).collect::<Vec<_>>(), ["safari 17.1"]);
    }
}
