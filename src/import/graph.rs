//! Microsoft Graph `signIn` (v1.0 and beta: one object, an array, or `{"value": [...]}`), and the
//! admin center's JSON download, which has the same fields (reference §1.1, §1.4).

use super::Format;
use super::record::{Entry, Field, RawEntry, code_field, field, text};

/// Each field's name in a format of the Graph family, as `sources` names it.
pub struct Names {
    pub time: &'static str,
    pub upn: &'static str,
    pub correlation_id: &'static str,
    pub error_code: &'static str,
    pub app_id: &'static str,
    pub client_app: &'static str,
    pub os: &'static str,
    pub browser: &'static str,
    pub device_id: &'static str,
    pub user_agent: &'static str,
    pub auth_details: &'static str,
    pub ca_policies: &'static str,
}

pub const NAMES: Names = Names {
    time: "createdDateTime",
    upn: "userPrincipalName",
    correlation_id: "correlationId",
    error_code: "status.errorCode",
    app_id: "appId",
    client_app: "clientAppUsed",
    os: "deviceDetail.operatingSystem",
    browser: "deviceDetail.browser",
    device_id: "deviceDetail.deviceId",
    user_agent: "userAgent",
    auth_details: "authenticationDetails",
    ca_policies: "appliedConditionalAccessPolicies",
};

/// `v1.0` or `beta` from an `@odata.context` URL.
pub fn version_from_context(context: &str) -> Option<Format> {
    if context.contains("/beta/") || context.contains("/beta$") {
        Some(Format::GraphBeta)
    } else if context.contains("/v1.0/") || context.contains("/v1.0$") {
        Some(Format::GraphV1)
    } else {
        None
    }
}

/// A Graph entry. Without an `@odata.context` saying which, beta-only fields
/// (`authenticationDetails`, `userAgent`, `signInEventTypes`, `authenticationRequirement`) make
/// it beta.
pub fn entry(raw: RawEntry, version: Option<Format>) -> Entry {
    let beta_fields = raw.auth_details.is_some()
        || raw.user_agent.is_some()
        || raw.event_types.is_some()
        || raw.auth_requirement.is_some();
    let format = version.unwrap_or(if beta_fields { Format::GraphBeta } else { Format::GraphV1 });
    from_camel(raw, format, &NAMES)
}

/// The Graph field set (also diagnostic settings' `properties`) into an [`Entry`].
pub fn from_camel(raw: RawEntry, format: Format, names: &Names) -> Entry {
    let status = raw.status.and_then(|d| d.0).unwrap_or_default();
    let device = raw.device.and_then(|d| d.0).unwrap_or_default();
    let interactive = match (raw.is_interactive.and_then(|l| l.as_bool()), &raw.event_types) {
        (Some(b), _) => Some(b),
        (None, Some(types)) if !types.is_empty() => {
            Some(types.iter().any(|t| t.0.trim().eq_ignore_ascii_case("interactiveUser")))
        }
        _ => None,
    };
    let error_code = code_field(status.error_code, names.error_code);
    let status_word = error_code.as_ref().map(|c| if c.value == "0" { "Success" } else { "Failure" }.to_string());
    Entry {
        format,
        time: field(raw.created, names.time),
        upn: field(raw.upn, names.upn),
        correlation_id: field(raw.correlation_id, names.correlation_id),
        error_code,
        app_id: field(raw.app_id, names.app_id),
        app_name: text(raw.app_name),
        client_app: field(raw.client_app, names.client_app),
        os: field(device.operating_system, names.os),
        browser: field(device.browser, names.browser),
        device_id: field(device.device_id, names.device_id),
        user_agent: field(raw.user_agent, names.user_agent),
        interactive,
        status: status_word,
        auth_steps: raw.auth_details.and_then(|d| d.0).map(|value| Field { value, field: names.auth_details }),
        ca_policies: raw.ca_policies.and_then(|d| d.0).map(|value| Field { value, field: names.ca_policies }),
    }
}
