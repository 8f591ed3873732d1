//! Device inventories, streamed one device at a time (a 100,000-device export is never held as
//! text or as a JSON tree):
//!
//! - Microsoft Graph `managedDevice` JSON (`/deviceManagement/managedDevices`, v1.0 or beta): one
//!   object, an array, or a page `{"value": [...], "@odata.nextLink": ...}` as Graph returns it;
//!   several pages are several files.
//! - The Intune admin center's device export (Devices › All devices › Export), CSV with or
//!   without a byte-order mark; columns found by their English header, whatever the order.
//!
//! Same rules as every input: a regular file or `-`, at most [`MAX_INVENTORY_BYTES`]; the
//! import's scanner refuses a JSON string or a CSV row over its limits as it streams by; a field
//! read is at most [`MAX_FIELD_BYTES`]; a field given twice in one device is refused; and every
//! error is one line naming the file and the place. Column names and their sources: `docs/readiness.md`.

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::rc::Rc;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::{Device, Os};
use crate::import::input::{Capped, TOO_LARGE};
use crate::import::limit::{Meter, Scanner, Syntax};
use crate::import::record::Loose;
use crate::text::sanitize_line;
use crate::vocab::Version;

/// An inventory file larger than this is refused (an export of 100,000 devices with every
/// Graph field is about 400 MB).
pub const MAX_INVENTORY_BYTES: u64 = 1024 * 1024 * 1024;
/// A text field longer than this is refused: no device name, id or version comes near it.
pub const MAX_FIELD_BYTES: usize = 4096;

/// What `--devices` expects, for "not a device inventory" messages.
pub const EXPECTED: &str = "expected Graph managedDevice JSON (an object, an array or {\"value\": [...]}) \
or the Intune admin center's device export (CSV)";

/// Opens `spec` (a path or `-`) and streams its devices to `sink`. Returns how many were read.
pub fn read_file(spec: &str, stdin: &mut dyn Read, sink: &mut dyn FnMut(Device)) -> Result<u64, String> {
    let name = if spec == "-" { crate::input::STDIN_NAME.to_string() } else { sanitize_line(spec) };
    let source: Box<dyn Read + '_> = if spec == "-" {
        Box::new(stdin)
    } else {
        Box::new(crate::input::open_regular(std::path::Path::new(spec), u64::MAX).map_err(|e| e.to_string())?)
    };
    read(&name, Capped::new(source, MAX_INVENTORY_BYTES), sink)
}

/// Streams the devices of `reader` (named `name` in messages) to `sink`.
pub fn read(name: &str, reader: impl Read, sink: &mut dyn FnMut(Device)) -> Result<u64, String> {
    let io = |e: std::io::Error| io_message(name, &e);
    // Skip a byte-order mark (however the reads split it) and leading white space, then look at
    // the first character.
    let reader = crate::import::input::without_bom(reader).map_err(io)?;
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let first = loop {
        let buf = reader.fill_buf().map_err(io)?;
        if buf.is_empty() {
            break None;
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(p) => {
                let c = buf[p];
                reader.consume(p);
                break Some(c);
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    };
    let Some(first) = first else {
        return Err(format!("{name}: not a device inventory: it is empty; {EXPECTED}"));
    };
    // The import's scanner sits under the parser's buffer: a JSON string or a CSV row over its
    // limit is refused as the bytes arrive, before any parser holds it.
    let syntax = if matches!(first, b'{' | b'[') { Syntax::Json } else { Syntax::Csv };
    let meter = Meter::new();
    let scanned = BufReader::with_capacity(256 * 1024, Scanner::new(reader, syntax, Rc::clone(&meter)));
    let result = match syntax {
        Syntax::Json => read_json(name, scanned, sink),
        Syntax::Csv => read_csv(name, scanned, sink),
    };
    result.map_err(|e| match meter.refusal() {
        Some((place, message)) => format!("{name}{place}: {}", sanitize_line(&message)),
        None => e,
    })
}

fn io_message(name: &str, e: &std::io::Error) -> String {
    if e.to_string() == TOO_LARGE {
        format!("{name}: larger than {MAX_INVENTORY_BYTES} bytes: refused (export fewer devices per file)")
    } else {
        format!("{name}: cannot read: {}", sanitize_line(&e.to_string()))
    }
}

/// The `managedDevice` fields read; every other field is skipped unparsed.
#[derive(Debug, Default, Deserialize)]
struct RawDevice {
    id: Option<Loose>,
    #[serde(rename = "deviceName")]
    device_name: Option<Loose>,
    #[serde(rename = "operatingSystem")]
    operating_system: Option<Loose>,
    #[serde(rename = "osVersion")]
    os_version: Option<Loose>,
    #[serde(rename = "userPrincipalName")]
    upn: Option<Loose>,
    #[serde(rename = "azureADDeviceId")]
    entra_id: Option<Loose>,
    model: Option<Loose>,
    manufacturer: Option<Loose>,
    /// Beta only.
    #[serde(rename = "joinType")]
    join_type: Option<Loose>,
}

impl RawDevice {
    fn is_device(&self) -> bool {
        self.device_name.is_some() || self.entra_id.is_some() || self.operating_system.is_some()
    }
}

/// The raw fields of one device, by their names in the input, into a [`Device`].
struct Fields<'a> {
    id: Option<(&'a str, &'static str)>,
    name: Option<(&'a str, &'static str)>,
    entra_id: Option<(&'a str, &'static str)>,
    os: Option<(&'a str, &'static str)>,
    os_version: Option<(&'a str, &'static str)>,
    upn: Option<(&'a str, &'static str)>,
    model: Option<(&'a str, &'static str)>,
    manufacturer: Option<(&'a str, &'static str)>,
    join_type: Option<(&'a str, &'static str)>,
}

/// Builds the device; `Err(field)` names a field over [`MAX_FIELD_BYTES`].
fn device(f: Fields<'_>) -> Result<Device, &'static str> {
    let all = [f.id, f.name, f.entra_id, f.os, f.os_version, f.upn, f.model, f.manufacturer, f.join_type];
    if let Some((_, field)) = all.iter().flatten().find(|(v, _)| v.len() > MAX_FIELD_BYTES) {
        return Err(field);
    }
    let text = |v: Option<(&str, &'static str)>| {
        v.map(|(s, _)| sanitize_line(s.trim())).filter(|s| !s.is_empty() && s != "00000000-0000-0000-0000-000000000000")
    };
    let name = text(f.name).unwrap_or_default();
    let entra_id = text(f.entra_id).map(|s| s.to_lowercase());
    let intune_id = text(f.id).map(|s| s.to_lowercase());
    let id = intune_id.or_else(|| entra_id.clone()).unwrap_or_else(|| name.clone());
    let os_raw = text(f.os).unwrap_or_default();
    let os_version_raw = text(f.os_version);
    let os_version = os_version_raw.as_deref().and_then(version_in);
    Ok(Device {
        id,
        name,
        entra_id,
        upn: text(f.upn).map(|s| s.to_lowercase()),
        os: Os::parse(&os_raw),
        os_raw,
        os_version_raw,
        os_version,
        join_type: f.join_type.and_then(|(s, _)| join_type(s)),
        model: text(f.model).unwrap_or_default(),
        manufacturer: text(f.manufacturer).unwrap_or_default(),
    })
}

/// The version in an OS version field: the whole field (`10.0.17763.2686`, `17.5.1`), else the
/// first word that is one (`Ubuntu 22.04 LTS`). `None` when there is none: never guessed.
pub fn version_in(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if Version::parse(raw).is_some() {
        return Some(raw.to_string());
    }
    raw.split_whitespace().find(|w| Version::parse(w).is_some()).map(str::to_string)
}

/// `entra-joined` / `hybrid-joined` from Graph's `joinType` (`azureADJoined`,
/// `hybridAzureADJoined`) or the export's `JoinType` (`Azure AD joined`, `Hybrid Azure AD
/// joined`, and the Entra names). Registered devices and anything else: not said.
pub fn join_type(raw: &str) -> Option<&'static str> {
    let s: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    match s.as_str() {
        "azureadjoined" | "microsoftentrajoined" | "entrajoined" => Some("entra-joined"),
        "hybridazureadjoined" | "microsoftentrahybridjoined" | "entrahybridjoined" | "hybridentrajoined" => {
            Some("hybrid-joined")
        }
        _ => None,
    }
}

fn loose(v: &Option<Loose>) -> Option<&str> {
    v.as_ref().map(|l| l.0.as_str())
}

fn from_raw(raw: &RawDevice) -> Result<Device, &'static str> {
    device(Fields {
        id: loose(&raw.id).map(|v| (v, "id")),
        name: loose(&raw.device_name).map(|v| (v, "deviceName")),
        entra_id: loose(&raw.entra_id).map(|v| (v, "azureADDeviceId")),
        os: loose(&raw.operating_system).map(|v| (v, "operatingSystem")),
        os_version: loose(&raw.os_version).map(|v| (v, "osVersion")),
        upn: loose(&raw.upn).map(|v| (v, "userPrincipalName")),
        model: loose(&raw.model).map(|v| (v, "model")),
        manufacturer: loose(&raw.manufacturer).map(|v| (v, "manufacturer")),
        join_type: loose(&raw.join_type).map(|v| (v, "joinType")),
    })
}

/// What the JSON walk passes on and counts.
struct Walk<'s> {
    sink: &'s mut dyn FnMut(Device),
    devices: u64,
    /// Set when something that isn't a device was found (the error to give).
    problem: Option<String>,
    error_response: Option<String>,
}

impl Walk<'_> {
    fn offer(&mut self, raw: RawDevice) -> Result<(), String> {
        if !raw.is_device() {
            return Err(
                "an object without deviceName, operatingSystem or azureADDeviceId is not a managedDevice".into()
            );
        }
        let d = from_raw(&raw).map_err(|field| format!("field `{field}` is longer than {MAX_FIELD_BYTES} bytes"))?;
        self.devices += 1;
        (self.sink)(d);
        Ok(())
    }
}

fn read_json(name: &str, reader: impl Read, sink: &mut dyn FnMut(Device)) -> Result<u64, String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut walk = Walk { sink, devices: 0, problem: None, error_response: None };
    let result = Top(&mut walk).deserialize(&mut de).and_then(|()| de.end());
    if let Err(e) = result {
        if e.is_io() {
            return Err(match e.io_error_kind() {
                Some(_) if e.to_string().contains(TOO_LARGE) => {
                    io_message(name, &std::io::Error::new(std::io::ErrorKind::InvalidData, TOO_LARGE))
                }
                _ => format!("{name}: cannot read: {}", sanitize_line(&e.to_string())),
            });
        }
        let message = walk.problem.take().unwrap_or_else(|| strip_position(&e.to_string()));
        // serde_json says column 0 for the first character of a line; a place counts from 1.
        return Err(format!("{name}:{}:{}: {}", e.line(), e.column().max(1), sanitize_line(&message)));
    }
    if let Some(m) = walk.error_response {
        return Err(format!("{name}: an error response, not devices: {}", sanitize_line(&m)));
    }
    Ok(walk.devices)
}

/// serde_json appends ` at line L column C`; the place is given up front instead.
fn strip_position(s: &str) -> String {
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

struct Top<'w, 's>(&'w mut Walk<'s>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a managedDevice object, an array of them, or {\"value\": [...]}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        List(self.0).visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest: Vec<(String, Value)> = Vec::new();
        let mut list = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" && !list {
                list = true;
                map.next_value_seed(List(&mut *self.0))?;
                continue;
            }
            if rest.iter().any(|(k, _)| *k == key) || (key == "value" && list) {
                return Err(de::Error::custom(format!("duplicate key `{}`", sanitize_line(&key))));
            }
            let v: Value = map.next_value()?;
            if key == "error" {
                let message = v
                    .get("message")
                    .and_then(Value::as_str)
                    .or_else(|| v.get("code").and_then(Value::as_str))
                    .unwrap_or("no message");
                self.0.error_response = Some(message.to_string());
            }
            rest.push((key, v));
        }
        if list || self.0.error_response.is_some() {
            return Ok(());
        }
        // One device on its own.
        let raw = RawDevice::deserialize(Value::Object(rest.into_iter().collect())).map_err(de::Error::custom)?;
        self.0.offer(raw).map_err(|m| {
            let m = format!("not a device inventory: {m}; {EXPECTED}");
            self.0.problem = Some(m.clone());
            de::Error::custom(m)
        })
    }
}

/// An array of devices (top level or `value`).
struct List<'w, 's>(&'w mut Walk<'s>);

impl<'de> DeserializeSeed<'de> for List<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for List<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of managedDevice objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0u64;
        while let Some(raw) = seq.next_element_seed(Element)? {
            index += 1;
            self.0.offer(raw).map_err(|m| {
                let m = format!("device {index}: {m}");
                self.0.problem = Some(m.clone());
                de::Error::custom(m)
            })?;
        }
        Ok(())
    }
}

/// One array element: a device object (anything else is refused).
struct Element;

impl<'de> DeserializeSeed<'de> for Element {
    type Value = RawDevice;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<RawDevice, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Element {
    type Value = RawDevice;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a managedDevice object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawDevice, A::Error> {
        RawDevice::deserialize(de::value::MapAccessDeserializer::new(map))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawDevice, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(de::Error::custom("an array where a managedDevice object was expected"))
    }
}

/// The export's columns, by normalised header (lowercase, single spaces), each with the
/// spellings accepted. The first spelling is the one the admin center writes.
const CSV_COLUMNS: [(&str, &[&str]); 9] = [
    ("Device ID", &["device id", "intune device id"]),
    ("Device name", &["device name"]),
    ("Azure AD Device ID", &["azure ad device id", "microsoft entra device id", "entra device id"]),
    ("OS", &["os", "operating system"]),
    ("OS version", &["os version"]),
    ("Primary user UPN", &["primary user upn", "user principal name"]),
    ("Model", &["model"]),
    ("Manufacturer", &["manufacturer"]),
    ("JoinType", &["jointype", "join type"]),
];

fn normalise(h: &str) -> String {
    h.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn read_csv(name: &str, mut reader: impl BufRead, sink: &mut dyn FnMut(Device)) -> Result<u64, String> {
    // The header line whole, however the reads split it: the separator and the line ends are
    // told from it. The scanner under the reader bounds it like any row.
    let mut head = Vec::new();
    reader.read_until(b'\n', &mut head).map_err(|e| io_message(name, &e))?;
    let first_line = head.strip_suffix(b"\n").unwrap_or(&head);
    let crlf = crate::input::crlf(first_line);
    let count = |d: u8| first_line.iter().filter(|&&b| b == d).count();
    let delim = [b',', b';', b'\t'].into_iter().max_by_key(|&d| (count(d), d == b',')).unwrap_or(b',');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .delimiter(delim)
        .from_reader(std::io::Cursor::new(head.clone()).chain(reader));
    let csv_err = |e: csv::Error| {
        let place = e.position().map(|p| format!(":{}", crate::input::csv_line(p, crlf))).unwrap_or_default();
        match e.kind() {
            csv::ErrorKind::Io(io) => io_message(name, io),
            csv::ErrorKind::Utf8 { .. } => format!("{name}{place}: not UTF-8 text"),
            _ => format!("{name}{place}: invalid CSV: {}", sanitize_line(&e.to_string())),
        }
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let normalised: Vec<String> = headers.iter().map(normalise).collect();
    let at: Vec<Option<usize>> = CSV_COLUMNS
        .iter()
        .map(|(_, names)| names.iter().find_map(|n| normalised.iter().position(|h| h == n)))
        .collect();
    let [id, dev_name, entra, os, os_version, upn, model, manufacturer, join] =
        <[Option<usize>; 9]>::try_from(at).unwrap_or([None; 9]);
    if os.is_none() || (id.is_none() && dev_name.is_none() && entra.is_none()) {
        let looks_like_signins = normalised.iter().any(|h| h == "correlation id" || h == "sign-in error code");
        let detail = if looks_like_signins {
            "this is a sign-in log; give it with --signin-log".to_string()
        } else {
            "CSV headers not recognised: need `OS` and one of `Device ID`, `Device name`, `Azure AD Device ID`"
                .to_string()
        };
        return Err(format!("{name}: not a device inventory: {detail}; {EXPECTED}"));
    }
    let width = headers.len();
    let mut record = csv::StringRecord::new();
    let mut n = 0u64;
    while rdr.read_record(&mut record).map_err(csv_err)? {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        // The export writes every field of every row: more is a field with an unquoted
        // separator, fewer a row cut short; read by position, either would misplace the OS and
        // its version.
        if record.len() != width {
            let line = record.position().map(|p| crate::input::csv_line(p, crlf)).unwrap_or(0);
            return Err(format!(
                "{name}:{line}: {} fields where the header has {width} (a field with an unquoted separator, or a row \
                 cut short)",
                record.len()
            ));
        }
        let get = |i: Option<usize>, header: &'static str| i.and_then(|i| record.get(i)).map(|v| (v, header));
        let d = device(Fields {
            id: get(id, "Device ID"),
            name: get(dev_name, "Device name"),
            entra_id: get(entra, "Azure AD Device ID"),
            os: get(os, "OS"),
            os_version: get(os_version, "OS version"),
            upn: get(upn, "Primary user UPN"),
            model: get(model, "Model"),
            manufacturer: get(manufacturer, "Manufacturer"),
            join_type: get(join, "JoinType"),
        })
        .map_err(|field| {
            let line = record.position().map(|p| crate::input::csv_line(p, crlf)).unwrap_or(0);
            format!("{name}:{line}: field `{field}` is longer than {MAX_FIELD_BYTES} bytes")
        })?;
        n += 1;
        sink(d);
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(name: &str, text: &str) -> Result<Vec<Device>, String> {
        let mut v = Vec::new();
        read(name, text.as_bytes(), &mut |d| v.push(d))?;
        Ok(v)
    }

    #[test]
    fn graph_shapes() {
        let one = r#"{"id":"A","deviceName":"PC1","operatingSystem":"Windows","osVersion":"10.0.17763.2686","userPrincipalName":"Ann@Contoso.com","azureADDeviceId":"AAAA"}"#;
        let d = all("one", one).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].upn.as_deref(), Some("ann@contoso.com"));
        assert_eq!(d[0].os, Some(Os::Windows));
        assert_eq!(d[0].entra_id.as_deref(), Some("aaaa"));
        let page = format!(r#"{{"@odata.context":"x","value":[{one},{one}],"@odata.nextLink":"y"}}"#);
        assert_eq!(all("page", &page).unwrap().len(), 2);
        assert_eq!(all("arr", &format!("\u{feff}[{one}]")).unwrap().len(), 1);
        assert_eq!(all("empty", r#"{"value":[]}"#).unwrap().len(), 0);
    }

    #[test]
    fn graph_refusals_are_one_line_with_a_place() {
        let e = all("f.json", r#"{"value":[{"deviceName":"a","osVersion":"1","osVersion":"2"}]}"#).unwrap_err();
        assert!(e.starts_with("f.json:1:") && e.contains("duplicate field `osVersion`"), "{e}");
        let e = all("f.json", r#"{"value":[{"createdDateTime":"x"}]}"#).unwrap_err();
        assert!(e.contains("device 1") && e.contains("not a managedDevice"), "{e}");
        let e = all("f.json", r#"{"value":[{"deviceName":"a"}"#).unwrap_err();
        assert!(e.starts_with("f.json:1:"), "{e}");
        let e = all("f.json", r#"{"error":{"code":"Forbidden","message":"no"}}"#).unwrap_err();
        assert!(e.contains("error response"), "{e}");
        let long = "x".repeat(MAX_FIELD_BYTES + 1);
        let e = all("f.json", &format!(r#"[{{"deviceName":"{long}"}}]"#)).unwrap_err();
        assert!(e.contains("`deviceName` is longer"), "{e}");
        assert!(!e.contains('\n'));
        // Over the import's streaming limit: refused before it is held, at its place.
        let huge = "y".repeat(2 * 1024 * 1024);
        let e = all("f.json", &format!("[{{\"deviceName\":\"{huge}\"}}]")).unwrap_err();
        assert!(e.starts_with("f.json:1:") && e.contains("longer than"), "{}", &e[..e.len().min(200)]);
        let e = all("f.csv", &format!("Device name,OS\n{huge},Windows\n")).unwrap_err();
        assert!(e.starts_with("f.csv:2:") && e.contains("row longer than"), "{}", &e[..e.len().min(200)]);
        let e = all("f.json", "").unwrap_err();
        assert!(e.contains("empty"), "{e}");
        // The line is the file's, with Windows line ends too.
        let long = "z".repeat(MAX_FIELD_BYTES + 1);
        for end in ["\n", "\r\n"] {
            let csv = format!("Device name,OS{end}a,Windows{end}b,Windows{end}{long},Windows{end}");
            let e = all("f.csv", &csv).unwrap_err();
            assert!(e.starts_with("f.csv:4: field `Device name`"), "{end:?}: {e}");
        }
    }

    #[test]
    fn intune_csv() {
        let csv = "\u{feff}Device ID,Device name,Azure AD Device ID,OS version,Primary user UPN,OS,JoinType\n\
                   1,PC1,AAA,10.0.17763.1,ann@contoso.com,Windows,Hybrid Azure AD joined\n\
                   2,PHONE,BBB,,ann@contoso.com,iOS/iPadOS,Azure AD registered\n\
                   3,LNX,CCC,Ubuntu 22.04 LTS,bob@contoso.com,Linux,\n";
        let d = all("x.csv", csv).unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].join_type, Some("hybrid-joined"));
        assert_eq!(d[1].os_version, None);
        assert_eq!(d[1].os, Some(Os::Ios));
        assert_eq!(d[2].os_version.as_deref(), Some("22.04"));
        let e = all("s.csv", "Date (UTC),Correlation ID,Sign-in error code\n1,2,3\n").unwrap_err();
        assert!(e.contains("--signin-log"), "{e}");
    }
}
