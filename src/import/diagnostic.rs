//! Diagnostic-settings records (Event Hub, storage; reference §1.4, E3):
//! `{time, operationName, category, resultType, correlationId, properties: {…Graph-beta-like…}}`,
//! one object, an array, `{"records": [...]}` or JSON Lines.

use super::Format;
use super::graph::{Names, from_camel};
use super::record::{Entry, RawEntry, code_field, field, text};

pub const NAMES: Names = Names {
    time: "properties.createdDateTime",
    upn: "properties.userPrincipalName",
    correlation_id: "properties.correlationId",
    error_code: "properties.status.errorCode",
    app_id: "properties.appId",
    client_app: "properties.clientAppUsed",
    os: "properties.deviceDetail.operatingSystem",
    browser: "properties.deviceDetail.browser",
    device_id: "properties.deviceDetail.deviceId",
    user_agent: "properties.userAgent",
    auth_details: "properties.authenticationDetails",
    ca_policies: "properties.appliedConditionalAccessPolicies",
};

/// A record of a sign-in category; `None` for other categories (audit logs and the like).
pub fn entry(mut raw: RawEntry) -> Option<Entry> {
    let category = text(raw.category.take());
    if let Some(c) = &category
        && !c.to_ascii_lowercase().ends_with("signinlogs")
    {
        return None;
    }
    let props = raw.properties.take().map(|b| *b).unwrap_or_default();
    let mut e = from_camel(props, Format::DiagnosticSettings, &NAMES);
    // The envelope repeats a few fields; they fill in what `properties` lacks.
    if e.time.is_none() {
        e.time = field(raw.time, "time");
    }
    if e.correlation_id.is_none() {
        e.correlation_id = field(raw.correlation_id, "correlationId");
    }
    if e.error_code.is_none() {
        e.error_code = code_field(raw.result_type, "resultType");
        e.status = e.error_code.as_ref().map(|c| if c.value == "0" { "Success" } else { "Failure" }.to_string());
    }
    if e.interactive.is_none()
        && let Some(c) = &category
    {
        e.interactive = Some(c.eq_ignore_ascii_case("SignInLogs"));
    }
    Some(e)
}
