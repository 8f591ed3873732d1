//! The Entra admin center's CSV download (`InteractiveSignIns_*.csv`, reference §1.4): 56-57
//! columns found by their English header, whatever the order; headers are matched without regard
//! to case, padding or doubled spaces (`Application ID␠`, `Autonomous system␠␠number`), and a
//! duplicated header (`Incoming token type`) counts once, first wins. Rows copied without their
//! header line are read in the documented column order when they have its 56 or 57 fields. Quoted fields may hold
//! commas, quotes and line breaks. Headers localized to the admin's portal language (French:
//! `Nom d'utilisateur`, …) are refused with that reason rather than guessed.

use std::io::{BufRead, Read};

use super::record::{AuthStep, Entry, Field, Loose, parse_error_code};
use super::{Format, ImportError};

/// (normalised header, as the portal spells it): the columns the importer reads. All but the
/// user agent, the application name and the status must be present.
const DATE: &str = "Date (UTC)";
const USERNAME: &str = "Username";
const CORRELATION: &str = "Correlation ID";
const CODE: &str = "Sign-in error code";
const CLIENT_APP: &str = "Client app";
const APP_ID: &str = "Application ID";
const BROWSER: &str = "Browser";
const OS: &str = "Operating System";
const REQUIRED: [&str; 8] = [DATE, USERNAME, CORRELATION, CODE, CLIENT_APP, APP_ID, BROWSER, OS];
const USER_AGENT: &str = "User agent";
const APPLICATION: &str = "Application";
const STATUS: &str = "Status";
const DEVICE_ID: &str = "Device ID";
/// The method of the sign-in's MFA step (a passkey step when the passkey satisfied MFA), and its
/// detail (where a `Passkey (device-bound)` step names its AAGUID): `credential.type` by rule 9.
const MFA_METHOD: &str = "Multifactor authentication auth method";
const MFA_DETAIL: &str = "Multifactor authentication auth detail";

/// Headers of the French portal (reference §1.4), to say why nothing matched.
const FRENCH: [&str; 6] = [
    "Nom d'utilisateur",
    "Adresse IP",
    "Code d'erreur de connexion",
    "Système d'exploitation",
    "Navigateur",
    "Application cliente",
];

/// The download's columns in order (reference §1.4, C1), for rows pasted without their header
/// line. `Managed Identity type` is missing from some downloads (56 columns).
const DOCUMENTED_ORDER: [&str; 57] = [
    "Date (UTC)",
    "Request ID",
    "User agent",
    "Correlation ID",
    "User ID",
    "User",
    "Username",
    "User type",
    "Cross tenant access type",
    "Incoming token type",
    "Authentication Protocol",
    "Unique token identifier",
    "Original transfer method",
    "Client credential type",
    "Token Protection - Sign In Session",
    "Token Protection - Sign In Session StatusCode",
    "Application",
    "Application ID",
    "App owner tenant ID",
    "Resource",
    "Resource ID",
    "Resource tenant ID",
    "Resource owner tenant ID",
    "Home tenant ID",
    "Home tenant name",
    "IP address",
    "Location",
    "Status",
    "Sign-in error code",
    "Failure reason",
    "Client app",
    "Device ID",
    "Browser",
    "Operating System",
    "Compliant",
    "Managed",
    "Join Type",
    "Multifactor authentication result",
    "Multifactor authentication auth method",
    "Multifactor authentication auth detail",
    "Authentication requirement",
    "Sign-in identifier",
    "Session ID",
    "IP address (seen by resource)",
    "Through Global Secure Access",
    "Global Secure Access IP address",
    "Autonomous system number",
    "Flagged for review",
    "Token issuer type",
    "Incoming token type",
    "Token issuer name",
    "Latency",
    "Conditional Access",
    "Managed Identity type",
    "Associated Resource Id",
    "Federated Token Id",
    "Federated Token Issuer",
];

/// The documented header for a row of `n` fields that starts with a date, when the row came
/// without its header line (rows copied out of the download).
fn documented_header(first_row: &csv::StringRecord) -> Option<csv::StringRecord> {
    let starts_with_date = first_row.get(0).is_some_and(|d| {
        let d = d.trim().as_bytes();
        d.len() >= 10 && d[..4].iter().all(u8::is_ascii_digit) && d[4] == b'-'
    });
    if !starts_with_date {
        return None;
    }
    match first_row.len() {
        57 => Some(csv::StringRecord::from(DOCUMENTED_ORDER.to_vec())),
        56 => Some(csv::StringRecord::from(
            DOCUMENTED_ORDER.iter().copied().filter(|h| *h != "Managed Identity type").collect::<Vec<_>>(),
        )),
        _ => None,
    }
}

/// Lowercase, trimmed, inner runs of white space made one space.
fn normalise(h: &str) -> String {
    h.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Column positions of what the importer reads.
struct Columns {
    date: usize,
    username: usize,
    correlation: usize,
    code: usize,
    client_app: usize,
    app_id: usize,
    browser: usize,
    os: usize,
    user_agent: Option<usize>,
    application: Option<usize>,
    status: Option<usize>,
    device_id: Option<usize>,
    mfa_method: Option<usize>,
    mfa_detail: Option<usize>,
}

impl Columns {
    fn find(headers: &csv::StringRecord) -> Result<Self, Vec<&'static str>> {
        let normalised: Vec<String> = headers.iter().map(normalise).collect();
        let at = |name: &str| normalised.iter().position(|h| *h == normalise(name));
        let missing: Vec<&'static str> = REQUIRED.iter().copied().filter(|n| at(n).is_none()).collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let need = |name: &str| at(name).unwrap_or(usize::MAX);
        Ok(Self {
            date: need(DATE),
            username: need(USERNAME),
            correlation: need(CORRELATION),
            code: need(CODE),
            client_app: need(CLIENT_APP),
            app_id: need(APP_ID),
            browser: need(BROWSER),
            os: need(OS),
            user_agent: at(USER_AGENT),
            application: at(APPLICATION),
            status: at(STATUS),
            device_id: at(DEVICE_ID),
            mfa_method: at(MFA_METHOD),
            mfa_detail: at(MFA_DETAIL),
        })
    }
}

/// Why headers didn't match, as one line.
fn headers_problem(headers: &csv::StringRecord, missing: &[&str]) -> String {
    let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
    let normalised: Vec<String> = headers.iter().map(normalise).collect();
    let has = |name: &str| normalised.iter().any(|h| *h == normalise(name));
    if FRENCH.iter().any(|f| has(f)) {
        return format!(
            "they are in French (the admin center's language); switch the portal to English and download again \
             (missing English headers: {list})"
        );
    }
    if has("Authentication method") && has("Request ID") && !has(CORRELATION) {
        return "this is the authentication-details download (…_AuthDetails_….csv); import the sign-ins CSV \
                (InteractiveSignIns_….csv) instead"
            .to_string();
    }
    let localized = missing.len() == REQUIRED.len() && headers.iter().any(|h| !h.is_ascii());
    if localized {
        return format!(
            "they look localized to the admin center's language; switch the portal to English and download again \
             (missing English headers: {list})"
        );
    }
    format!("missing English headers: {list}")
}

/// The separator: the portal writes commas; a spreadsheet re-saving the file may use `;` or tabs.
fn delimiter(first_line: &[u8]) -> u8 {
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',')
}

/// Streams the CSV's rows to `sink`.
pub fn read(name: &str, mut reader: impl BufRead, sink: &mut dyn FnMut(Entry)) -> Result<(), ImportError> {
    // The header line whole, however the reads split it (a pipe may hand it out a byte at a
    // time): the separator and the line ends are told from it. The scanner under the reader
    // bounds it like any row.
    let mut head = Vec::new();
    reader.read_until(b'\n', &mut head).map_err(|e| ImportError::Input(format!("{name}: cannot read: {e}")))?;
    let first_line = head.strip_suffix(b"\n").unwrap_or(&head);
    let delim = delimiter(first_line);
    let crlf = crate::input::crlf(first_line);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delim)
        .from_reader(std::io::Cursor::new(head.clone()).chain(reader));
    let csv_err = |e: csv::Error| {
        let place = e.position().map(|p| format!(":{}", crate::input::csv_line(p, crlf))).unwrap_or_default();
        let message = match e.kind() {
            csv::ErrorKind::Io(io) if io.to_string() == super::input::TOO_LARGE => {
                return ImportError::Input(format!(
                    "{name}: larger than {} bytes: refused (filter the export to the user or the day)",
                    super::input::MAX_SIGNIN_LOG_BYTES
                ));
            }
            csv::ErrorKind::Io(io) => return ImportError::Input(format!("{name}: cannot read: {io}")),
            csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
            _ => format!("invalid CSV: {e}"),
        };
        ImportError::Syntax { name: name.to_string(), place, message: crate::text::sanitize_line(&message) }
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    if headers.len() < 3 {
        return Err(ImportError::NotSignInLog {
            name: name.to_string(),
            detail: "it is neither JSON nor a CSV with a header line".to_string(),
        });
    }
    // Rows are named by their number (not their line: the CSV reader's line count is off by
    // one after a CRLF, and a quoted field may span lines).
    let mut rows = 0usize;
    let cols = match Columns::find(&headers) {
        Ok(cols) => cols,
        Err(missing) => match documented_header(&headers).and_then(|h| Columns::find(&h).ok()) {
            // Rows without their header: the first one is an entry too.
            Some(cols) => {
                sink(entry(&cols, &headers).map_err(|m| bad_row(name, 1, m))?);
                rows = 1;
                cols
            }
            None => {
                return Err(ImportError::CsvHeaders {
                    name: name.to_string(),
                    detail: headers_problem(&headers, &missing),
                });
            }
        },
    };
    // Every row has the header's fields (the admin center writes each one, empty or not). A row
    // with more is a field with an unquoted separator and one with fewer was cut short: read by
    // position, either would put other columns' values in the codes, clients and systems read.
    let width = headers.len();
    let mut record = csv::StringRecord::new();
    while rdr.read_record(&mut record).map_err(csv_err)? {
        rows += 1;
        if record.len() != width {
            let line = record.position().map(|p| format!(":{}", crate::input::csv_line(p, crlf))).unwrap_or_default();
            return Err(ImportError::Syntax {
                name: name.to_string(),
                place: line,
                message: format!(
                    "row {rows} has {} fields where the header has {width} (a field with an unquoted separator, \
                     or a row cut short)",
                    record.len()
                ),
            });
        }
        sink(entry(&cols, &record).map_err(|m| bad_row(name, rows, m))?);
    }
    Ok(())
}

/// A row the importer refuses, by its number (the header line is not one).
fn bad_row(name: &str, row: usize, message: String) -> ImportError {
    ImportError::Syntax {
        name: name.to_string(),
        place: String::new(),
        message: crate::text::sanitize_line(&format!("row {row}: {message}")),
    }
}

fn entry(c: &Columns, r: &csv::StringRecord) -> Result<Entry, String> {
    let get = |i: usize, header: &'static str| {
        r.get(i).map(str::trim).filter(|s| !s.is_empty()).map(|s| Field { value: s.to_string(), field: header })
    };
    let opt = |i: Option<usize>, header: &'static str| i.and_then(|i| get(i, header));
    let error_code = get(c.code, CODE);
    if let Some(code) = &error_code
        && parse_error_code(&code.value).is_none()
    {
        let v: String = code.value.chars().take(40).collect();
        return Err(format!("`{CODE}` `{v}` is not a whole number from 0 to {}", super::record::MAX_ERROR_CODE));
    }
    let auth_steps = opt(c.mfa_method, MFA_METHOD).map(|method| Field {
        value: vec![AuthStep {
            method: Some(Loose(method.value)),
            detail: opt(c.mfa_detail, MFA_DETAIL).map(|d| Loose(d.value)),
        }],
        field: MFA_METHOD,
    });
    Ok(Entry {
        format: Format::PortalCsv,
        time: get(c.date, DATE),
        upn: get(c.username, USERNAME),
        correlation_id: get(c.correlation, CORRELATION),
        error_code,
        app_id: get(c.app_id, APP_ID),
        app_name: opt(c.application, APPLICATION).map(|f| f.value),
        client_app: get(c.client_app, CLIENT_APP),
        os: get(c.os, OS),
        browser: get(c.browser, BROWSER),
        device_id: opt(c.device_id, DEVICE_ID),
        user_agent: opt(c.user_agent, USER_AGENT),
        // The download is per kind of sign-in, with the same columns: the file's name says which
        // (see `import::Kind`); the interactive one is what the agent downloads.
        interactive: None,
        status: opt(c.status, STATUS).map(|f| f.value),
        // The full authentication details come in a separate file; the MFA step is here.
        auth_steps,
        // `Conditional Access` is the overall CA status (success/failure/notApplied), not which
        // policy failed or whether it enforced a strength: rule 10 gives the CSV no fact.
        ca_policies: None,
    })
}
