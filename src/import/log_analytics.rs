//! Log Analytics `SigninLogs` (reference §1.4, L1, L2): the query API's
//! `{"tables": [{"columns": [...], "rows": [[...]]}]}` and the array of objects that
//! `az monitor log-analytics query` prints (every value a string). Dynamic columns
//! (`DeviceDetail`, `AuthenticationDetails`, `ConditionalAccessPolicies`, `Status`) may arrive as
//! JSON or as JSON text; both are read.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::Format;
use super::limit::{MAX_ENTRY_BYTES, Meter};
use super::record::{Entry, Field, RawEntry, code_field, field, text};

/// A `SigninLogs` row (as columns → values) into an [`Entry`].
pub fn entry(raw: RawEntry, format: Format) -> Entry {
    let status = raw.la_status.and_then(|d| d.0).unwrap_or_default();
    let device = raw.la_device.and_then(|d| d.0).unwrap_or_default();
    let error_code =
        code_field(raw.la_result_type, "ResultType").or_else(|| code_field(status.error_code, "Status.errorCode"));
    let category = text(raw.la_category);
    let interactive = raw.la_is_interactive.and_then(|l| l.as_bool()).or_else(|| {
        category.map(|c| {
            !c.eq_ignore_ascii_case("NonInteractiveUserSignInLogs")
                && !c.contains("Principal")
                && !c.contains("ManagedIdentity")
        })
    });
    let status_word = error_code.as_ref().map(|c| if c.value == "0" { "Success" } else { "Failure" }.to_string());
    Entry {
        format,
        time: field(raw.la_created, "CreatedDateTime"),
        upn: field(raw.la_upn, "UserPrincipalName"),
        correlation_id: field(raw.la_correlation_id, "CorrelationId"),
        error_code,
        app_id: field(raw.la_app_id, "AppId"),
        app_name: text(raw.la_app_name),
        client_app: field(raw.la_client_app, "ClientAppUsed"),
        os: field(device.operating_system, "DeviceDetail.operatingSystem"),
        browser: field(device.browser, "DeviceDetail.browser"),
        device_id: field(device.device_id, "DeviceDetail.deviceId"),
        user_agent: field(raw.la_user_agent, "UserAgent"),
        interactive,
        status: status_word,
        auth_steps: raw.la_auth_details.and_then(|d| d.0).map(|value| Field { value, field: "AuthenticationDetails" }),
        ca_policies: raw
            .la_ca_policies
            .and_then(|d| d.0)
            .map(|value| Field { value, field: "ConditionalAccessPolicies" }),
    }
}

/// The query API's `tables` array; every row goes to the sink as a [`RawEntry`]. The meter
/// bounds each row, and the rows a table holds before its columns, to one entry's bytes.
pub struct Tables<'a>(pub &'a mut dyn FnMut(RawEntry), pub &'a Meter);

impl<'de> DeserializeSeed<'de> for Tables<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Tables<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of tables")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Table(&mut *self.0, self.1))?.is_some() {}
        Ok(())
    }
}

#[derive(Deserialize)]
struct Column {
    name: String,
}

struct Table<'a>(&'a mut dyn FnMut(RawEntry), &'a Meter);

impl<'de> DeserializeSeed<'de> for Table<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Table<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table with columns and rows")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut columns: Option<Vec<String>> = None;
        // Rows before their columns (the API sends columns first; another writer may not) wait here.
        let mut waiting: Vec<Vec<Value>> = Vec::new();
        let mut seen_rows = false;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "columns" => {
                    if columns.is_some() {
                        return Err(de::Error::custom("duplicate key `columns`"));
                    }
                    let cols: Vec<Column> = map.next_value()?;
                    let names: Vec<String> = cols.into_iter().map(|c| c.name).collect();
                    for (i, n) in names.iter().enumerate() {
                        if names[..i].contains(n) {
                            let n = crate::text::sanitize_line(n);
                            return Err(de::Error::custom(format!("column `{n}` appears twice")));
                        }
                    }
                    columns = Some(names);
                }
                "rows" => {
                    if seen_rows {
                        return Err(de::Error::custom("duplicate key `rows`"));
                    }
                    seen_rows = true;
                    match &columns {
                        Some(cols) => map.next_value_seed(Rows { columns: cols, sink: &mut *self.0, meter: self.1 })?,
                        None => waiting = self.1.within(MAX_ENTRY_BYTES, || map.next_value())?,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !waiting.is_empty() {
            let cols = columns.ok_or_else(|| de::Error::custom("a table has rows but no columns"))?;
            for (i, row) in waiting.into_iter().enumerate() {
                (self.0)(row_entry(&cols, row, i).map_err(de::Error::custom)?);
            }
        }
        Ok(())
    }
}

struct Rows<'a, 'b> {
    columns: &'a [String],
    sink: &'b mut dyn FnMut(RawEntry),
    meter: &'b Meter,
}

impl<'de> DeserializeSeed<'de> for Rows<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(row) = self.meter.within(MAX_ENTRY_BYTES, || seq.next_element::<Vec<Value>>())? {
            (self.sink)(row_entry(self.columns, row, i).map_err(de::Error::custom)?);
            i += 1;
        }
        Ok(())
    }
}

/// One row, its values named by the columns.
fn row_entry(columns: &[String], row: Vec<Value>, index: usize) -> Result<RawEntry, String> {
    if row.len() != columns.len() {
        return Err(format!("row {} has {} values for {} columns", index + 1, row.len(), columns.len()));
    }
    let map: Map<String, Value> = columns.iter().cloned().zip(row).collect();
    RawEntry::from_value(Value::Object(map)).map_err(|e| format!("row {}: {e}", index + 1))
}
