//! One sign-in entry as any JSON format spells it ([`RawEntry`]), and as the importer uses it
//! ([`Entry`]): each field with the name it had in its format, for the facts' `sources`.
//!
//! The raw types list only the fields the importer reads; everything else is skipped unparsed,
//! which is what keeps a 50,000-entry export fast. A field given twice in one object is refused
//! (serde's duplicate-field error), never silently overwritten.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer, Visitor};

use super::Format;

/// A scalar that some formats send as a string and others as a number or boolean (`az` prints
/// every value as a string; the query API keeps `IsInteractive` a bool).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loose(pub String);

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
                Ok(Loose(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
                Ok(Loose(if v { "true" } else { "false" }.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Loose {
    /// `true`/`false` in any case (`az` prints `True`).
    pub fn as_bool(&self) -> Option<bool> {
        match self.0.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

/// The largest sign-in error code taken (Graph's `status.errorCode` is an Int32).
pub const MAX_ERROR_CODE: u64 = i32::MAX as u64;

/// A sign-in error code (`status.errorCode`, `ResultType`, `resultType`): a whole number from 0 to
/// [`MAX_ERROR_CODE`], as a JSON number or a string of digits (`az` and Log Analytics send
/// strings); an empty string is none. Anything else (`-1`, `1e308`, `2^64`, `true`, `"abc"`) is
/// refused where it stands: read as "no failure" it would pick the wrong entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ErrorCode(pub Loose);

/// Why `v` is not an error code.
fn not_a_code<E: de::Error>(v: impl fmt::Display) -> E {
    let v = crate::text::sanitize_line(&v.to_string());
    let v: String = v.chars().take(40).collect();
    E::custom(format!("sign-in error code `{v}` is not a whole number from 0 to {MAX_ERROR_CODE}"))
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ErrorCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sign-in error code (a whole number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorCode, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(ErrorCode(Loose(String::new())));
                }
                match parse_error_code(t) {
                    Some(n) => Ok(ErrorCode(Loose(n.to_string()))),
                    None => Err(not_a_code(t)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                match u64::try_from(v) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(not_a_code(v)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                if v <= MAX_ERROR_CODE { Ok(ErrorCode(Loose(v.to_string()))) } else { Err(not_a_code(v)) }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ErrorCode, E> {
                Err(not_a_code(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ErrorCode, E> {
                Err(not_a_code(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A code written as digits (the CSV's `Sign-in error code`, JSON strings), within the bound.
pub fn parse_error_code(t: &str) -> Option<u64> {
    if t.is_empty() || t.len() > 10 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<u64>().ok().filter(|n| *n <= MAX_ERROR_CODE)
}

/// A "dynamic" Log Analytics column: the JSON itself, or (as `az` and the query API often send
/// it) a string holding the JSON text. An empty string is no value.
#[derive(Debug, Clone, PartialEq)]
pub struct Dyn<T>(pub Option<T>);

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Dyn<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::DeserializeOwned> Visitor<'de> for V<T> {
            type Value = Dyn<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("JSON, or a string holding JSON")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dyn<T>, E> {
                let t = v.trim();
                if t.is_empty() {
                    return Ok(Dyn(None));
                }
                // Parsed straight into `T`, so a key given twice inside the text is refused too.
                serde_json::from_str::<T>(t)
                    .map(|x| Dyn(Some(x)))
                    .map_err(|e| E::custom(format!("JSON text inside a string that doesn't fit: {e}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Dyn<T>, E> {
                Ok(Dyn(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Dyn<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|x| Dyn(Some(x)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Dyn<T>, A::Error> {
                T::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(|x| Dyn(Some(x)))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// `status` (Graph) / `Status` (Log Analytics).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawStatus {
    #[serde(rename = "errorCode")]
    pub error_code: Option<ErrorCode>,
    #[serde(rename = "failureReason")]
    pub failure_reason: Option<Loose>,
}

/// `deviceDetail` / `DeviceDetail`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RawDevice {
    #[serde(rename = "operatingSystem")]
    pub operating_system: Option<Loose>,
    pub browser: Option<Loose>,
    #[serde(rename = "deviceId")]
    pub device_id: Option<Loose>,
}

/// One `authenticationDetails` step (Graph beta; `AuthenticationDetails` in Log Analytics).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuthStep {
    #[serde(rename = "authenticationMethod")]
    pub method: Option<Loose>,
    #[serde(rename = "authenticationMethodDetail")]
    pub detail: Option<Loose>,
}

/// An `authenticationStrength` (beta, and Log Analytics' `ConditionalAccessPolicies`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct AuthStrength {
    #[serde(rename = "authenticationStrengthResult")]
    pub result: Option<Loose>,
}

/// One applied Conditional Access policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CaPolicy {
    pub result: Option<Loose>,
    #[serde(rename = "enforcedGrantControls")]
    pub grant_controls: Option<Vec<Loose>>,
    #[serde(rename = "authenticationStrength")]
    pub strength: Option<AuthStrength>,
}

/// Every field any JSON format uses, by its exact (case-sensitive) name: Graph and the
/// diagnostic-settings `properties` in camelCase, Log Analytics in PascalCase, and the
/// diagnostic-settings envelope.
#[derive(Debug, Default, Deserialize)]
pub struct RawEntry {
    // Graph signIn (v1.0 and beta); also the diagnostic-settings `properties`.
    #[serde(rename = "createdDateTime")]
    pub created: Option<Loose>,
    #[serde(rename = "userPrincipalName")]
    pub upn: Option<Loose>,
    #[serde(rename = "correlationId")]
    pub correlation_id: Option<Loose>,
    #[serde(rename = "appId")]
    pub app_id: Option<Loose>,
    #[serde(rename = "appDisplayName")]
    pub app_name: Option<Loose>,
    #[serde(rename = "clientAppUsed")]
    pub client_app: Option<Loose>,
    #[serde(rename = "isInteractive")]
    pub is_interactive: Option<Loose>,
    #[serde(rename = "signInEventTypes")]
    pub event_types: Option<Vec<Loose>>,
    pub status: Option<Dyn<RawStatus>>,
    #[serde(rename = "deviceDetail")]
    pub device: Option<Dyn<RawDevice>>,
    #[serde(rename = "userAgent")]
    pub user_agent: Option<Loose>,
    #[serde(rename = "authenticationDetails")]
    pub auth_details: Option<Dyn<Vec<AuthStep>>>,
    #[serde(rename = "appliedConditionalAccessPolicies")]
    pub ca_policies: Option<Dyn<Vec<CaPolicy>>>,
    /// Beta only: its presence tells beta from v1.0.
    #[serde(rename = "authenticationRequirement")]
    pub auth_requirement: Option<de::IgnoredAny>,

    // Log Analytics `SigninLogs` columns.
    #[serde(rename = "CreatedDateTime")]
    pub la_created: Option<Loose>,
    #[serde(rename = "UserPrincipalName")]
    pub la_upn: Option<Loose>,
    #[serde(rename = "CorrelationId")]
    pub la_correlation_id: Option<Loose>,
    #[serde(rename = "AppId")]
    pub la_app_id: Option<Loose>,
    #[serde(rename = "AppDisplayName")]
    pub la_app_name: Option<Loose>,
    #[serde(rename = "ClientAppUsed")]
    pub la_client_app: Option<Loose>,
    #[serde(rename = "IsInteractive")]
    pub la_is_interactive: Option<Loose>,
    #[serde(rename = "ResultType")]
    pub la_result_type: Option<ErrorCode>,
    #[serde(rename = "Status")]
    pub la_status: Option<Dyn<RawStatus>>,
    #[serde(rename = "DeviceDetail")]
    pub la_device: Option<Dyn<RawDevice>>,
    #[serde(rename = "UserAgent")]
    pub la_user_agent: Option<Loose>,
    #[serde(rename = "AuthenticationDetails")]
    pub la_auth_details: Option<Dyn<Vec<AuthStep>>>,
    #[serde(rename = "ConditionalAccessPolicies")]
    pub la_ca_policies: Option<Dyn<Vec<CaPolicy>>>,
    #[serde(rename = "Category")]
    pub la_category: Option<Loose>,
    #[serde(rename = "TableName")]
    pub la_table_name: Option<Loose>,

    // Diagnostic settings (Event Hub, storage): the envelope around Graph-beta-like `properties`.
    pub time: Option<Loose>,
    #[serde(rename = "operationName")]
    pub operation_name: Option<Loose>,
    pub category: Option<Loose>,
    #[serde(rename = "resultType")]
    pub result_type: Option<ErrorCode>,
    pub properties: Option<Box<RawEntry>>,
}

impl RawEntry {
    /// Parses a JSON value (a Log Analytics row turned into an object, a buffered object).
    pub fn from_value(v: serde_json::Value) -> Result<Self, serde_json::Error> {
        Self::deserialize(v.into_deserializer())
    }
}

/// A value read from a log, with the field it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    /// The field's name in its format, e.g. `deviceDetail.operatingSystem` or `Operating System`.
    pub field: &'static str,
}

/// A sign-in entry in the importer's terms, whatever format it came from. Text fields are
/// trimmed; empty ones are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    pub format: Format,
    pub time: Option<Field<String>>,
    pub upn: Option<Field<String>>,
    pub correlation_id: Option<Field<String>>,
    /// The sign-in error code as written (`0` on success).
    pub error_code: Option<Field<String>>,
    pub app_id: Option<Field<String>>,
    /// For the picker only.
    pub app_name: Option<String>,
    pub client_app: Option<Field<String>>,
    pub os: Option<Field<String>>,
    pub browser: Option<Field<String>>,
    /// The Entra device id (`deviceDetail.deviceId`), for joining to a device inventory.
    pub device_id: Option<Field<String>>,
    pub user_agent: Option<Field<String>>,
    /// `None` when the format doesn't say (the portal CSV: the file itself is interactive).
    pub interactive: Option<bool>,
    /// The portal's word (`Success`, `Failure`, `Interrupted`) when the format has one.
    pub status: Option<String>,
    /// `None` when the format has no authentication details (v1.0, the portal CSV).
    pub auth_steps: Option<Field<Vec<AuthStep>>>,
    /// `None` when the list is omitted (no permission to read CA data) or absent in the format.
    pub ca_policies: Option<Field<Vec<CaPolicy>>>,
}

/// Trimmed text, `None` when empty.
pub fn text(v: Option<Loose>) -> Option<String> {
    v.map(|l| l.0.trim().to_string()).filter(|s| !s.is_empty())
}

/// An error code's text with its field name.
pub fn code_field(v: Option<ErrorCode>, name: &'static str) -> Option<Field<String>> {
    field(v.map(|c| c.0), name)
}

/// [`text`] with its field name.
pub fn field(v: Option<Loose>, name: &'static str) -> Option<Field<String>> {
    text(v).map(|value| Field { value, field: name })
}

impl Entry {
    /// The error code as a number, when it is one.
    pub fn code(&self) -> Option<u64> {
        self.error_code.as_ref().and_then(|c| c.value.parse::<u64>().ok())
    }

    /// A failed sign-in: a non-zero code.
    pub fn failed(&self) -> bool {
        self.code().is_some_and(|c| c != 0)
    }

    /// The time as a point in time, when it is RFC 3339.
    pub fn parsed_time(&self) -> Option<chrono::DateTime<chrono::FixedOffset>> {
        self.time.as_ref().and_then(|t| chrono::DateTime::parse_from_rfc3339(&t.value).ok())
    }
}
