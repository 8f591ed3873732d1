//! Rollout readiness (contract §11): the compatibility matrix over a device inventory and the
//! sign-in logs, before the calls start. Who can sign in with which passkey type, how, and what
//! blocks the rest.
//!
//! - [`inventory`]: device inventories (Graph `managedDevice` JSON, the Intune admin center's
//!   device export CSV), streamed one device at a time.
//! - [`usage`]: the clients users really sign in with, from sign-in logs (every format `import`
//!   reads), kept only for the devices and users of the inventory.
//! - [`estate`]: the devices grouped by user, and the one walk every output is made from.
//! - [`evaluate`]: pure: one device (or one user's computer and phone) against the matrix.
//! - [`summary`]: pure: totals, blockers ranked, unknowns with what would settle them.
//! - [`synthetic`]: a generated estate for benchmarks and scale tests.
//! - one module per output format: [`text`], [`markdown`], [`csv`], [`ndjson`], [`json`].
//!
//! How each verdict is reached: `docs/readiness.md`.

pub mod csv;
pub mod estate;
pub mod evaluate;
pub mod inventory;
pub mod json;
pub mod markdown;
pub mod ndjson;
pub mod summary;
pub mod synthetic;
pub mod text;
pub mod usage;

pub use estate::Estate;
pub use evaluate::{Evaluator, Verdict};
pub use summary::Summary;

/// The passkey types the contract names, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PasskeyType {
    Authenticator,
    Synced,
    SecurityKey,
    WindowsHello,
}

impl PasskeyType {
    pub const ALL: [PasskeyType; 4] =
        [PasskeyType::Authenticator, PasskeyType::Synced, PasskeyType::SecurityKey, PasskeyType::WindowsHello];

    /// The `credential.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PasskeyType::Authenticator => "authenticator",
            PasskeyType::Synced => "synced",
            PasskeyType::SecurityKey => "security-key",
            PasskeyType::WindowsHello => "windows-hello",
        }
    }

    /// Words for people.
    pub fn words(self) -> &'static str {
        match self {
            PasskeyType::Authenticator => "passkey in Microsoft Authenticator",
            PasskeyType::Synced => "synced passkey",
            PasskeyType::SecurityKey => "security key",
            PasskeyType::WindowsHello => "passkey in Windows Hello",
        }
    }

    /// Cross-device is a phone's passkey used on a computer: only types that live on a phone.
    pub fn has_cross_device(self) -> bool {
        matches!(self, PasskeyType::Authenticator | PasskeyType::Synced)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flow {
    SameDevice,
    CrossDevice,
}

impl Flow {
    pub const ALL: [Flow; 2] = [Flow::SameDevice, Flow::CrossDevice];

    pub fn as_str(self) -> &'static str {
        match self {
            Flow::SameDevice => "same-device",
            Flow::CrossDevice => "cross-device",
        }
    }

    /// What this flow counts.
    pub fn unit(self) -> &'static str {
        match self {
            Flow::SameDevice => "devices",
            Flow::CrossDevice => "users",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    SignIn,
    Registration,
}

impl Phase {
    pub const ALL: [Phase; 2] = [Phase::SignIn, Phase::Registration];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::SignIn => "sign-in",
            Phase::Registration => "registration",
        }
    }
}

/// The operating systems the matrix knows (`client.os` values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Os {
    Windows,
    Macos,
    Linux,
    Chromeos,
    Ios,
    Android,
}

impl Os {
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Windows => "windows",
            Os::Macos => "macos",
            Os::Linux => "linux",
            Os::Chromeos => "chromeos",
            Os::Ios => "ios",
            Os::Android => "android",
        }
    }

    /// A phone (or tablet) can hold the passkey in a cross-device sign-in; a computer is where
    /// the QR code is shown.
    pub fn is_phone(self) -> bool {
        matches!(self, Os::Ios | Os::Android)
    }

    /// From an inventory's or a log's operating-system name (`Windows`, `iOS/iPadOS`,
    /// `Android (Fully Managed)`, `AndroidForWork`, `AOSP`, `macOS`, `Linux`...), by the import
    /// rules' prefixes.
    pub fn parse(raw: &str) -> Option<Os> {
        let squeezed: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        // AOSP (Android Open Source Project) devices are Android without Google services.
        if squeezed.starts_with("aosp") {
            return Some(Os::Android);
        }
        match crate::import::rules::os_family(raw)? {
            "windows" => Some(Os::Windows),
            "macos" => Some(Os::Macos),
            "linux" => Some(Os::Linux),
            "chromeos" => Some(Os::Chromeos),
            "ios" => Some(Os::Ios),
            "android" => Some(Os::Android),
            _ => None,
        }
    }
}

/// One device of the inventory, its text already neutralised.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    /// The Intune device id, else the Entra device id, else the name: what rows are keyed by.
    pub id: String,
    pub name: String,
    /// The Entra (Azure AD) device id, lowercase: the sign-in logs' `deviceDetail.deviceId`.
    pub entra_id: Option<String>,
    /// The primary user's UPN, lowercase.
    pub upn: Option<String>,
    /// The operating system as written in the inventory.
    pub os_raw: String,
    pub os: Option<Os>,
    /// The OS version as written (`None` when missing).
    pub os_version_raw: Option<String>,
    /// The OS version as a version number, when it is one (`10.0.17763.2686`, `17.5.1`; the
    /// number in `Ubuntu 22.04 LTS`).
    pub os_version: Option<String>,
    /// `entra-joined` or `hybrid-joined` when the inventory says.
    pub join_type: Option<&'static str>,
    pub model: String,
    pub manufacturer: String,
}

/// Thousands separated by commas: `1,204`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n thing` or `n things`.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_oses() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1204), "1,204");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(Os::parse("iOS/iPadOS"), Some(Os::Ios));
        assert_eq!(Os::parse("Android (Fully Managed)"), Some(Os::Android));
        assert_eq!(Os::parse("AOSP (User-based)"), Some(Os::Android));
        assert_eq!(Os::parse("AndroidForWork"), Some(Os::Android));
        assert_eq!(Os::parse("Windows"), Some(Os::Windows));
        assert_eq!(Os::parse("macOS"), Some(Os::Macos));
        assert_eq!(Os::parse("Windows Mobile"), Some(Os::Windows));
        assert_eq!(Os::parse("PlayStation"), None);
    }
}
