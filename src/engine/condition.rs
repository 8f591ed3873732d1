//! Evaluating route conditions against facts and the compatibility matrix.

use crate::matrix::Matrix;
use crate::runbook::model::Condition;
pub use crate::vocab::same_value;
use crate::vocab::{UNKNOWN, Version};

/// Evaluates a condition. A fact that isn't set counts as `unknown`; malformed conditions
/// (which `lint` reports) are false.
pub fn eval(cond: &Condition, facts: &dyn Fn(&str) -> Option<String>, matrix: &Matrix) -> bool {
    let value = || -> String { cond.fact.as_deref().and_then(facts).unwrap_or_else(|| UNKNOWN.to_string()) };
    let fact = cond.fact.as_deref().unwrap_or("");
    if let Some(want) = &cond.equals {
        return same_value(fact, &value(), want);
    }
    if let Some(wants) = &cond.one_of {
        let have = value();
        return wants.iter().any(|w| same_value(fact, &have, w));
    }
    if let Some(k) = cond.known {
        return (value() != UNKNOWN) == k;
    }
    if let Some(min) = &cond.version_below {
        return version_relation(&value(), min) == Some(true);
    }
    if let Some(min) = &cond.version_at_least {
        return version_relation(&value(), min) == Some(false);
    }
    if let Some(all) = &cond.all {
        return !all.is_empty() && all.iter().all(|c| eval(c, facts, matrix));
    }
    if let Some(any) = &cond.any {
        return any.iter().any(|c| eval(c, facts, matrix));
    }
    if let Some(inner) = &cond.not {
        return !eval(inner, facts, matrix);
    }
    if let Some(m) = &cond.matrix {
        let verdict = matrix.evaluate_only(m.area, facts, m.versions_counted()).verdict;
        return m.verdict.contains(&verdict);
    }
    false
}

/// Evaluates a condition where some facts may not be resolved yet (`facts` gives `None` for
/// them): `Some(verdict)` when the verdict is the same whatever those facts turn out to be
/// (`unknown` included), `None` when it depends on them. A walk decides a route only on
/// `Some` (contract §9.1: "not known yet" is never read as an answer).
pub fn eval3(cond: &Condition, facts: &dyn Fn(&str) -> Option<String>, matrix: &Matrix) -> Option<bool> {
    if let Some(all) = &cond.all {
        if all.is_empty() {
            return Some(false);
        }
        let mut open = false;
        for c in all {
            match eval3(c, facts, matrix) {
                Some(false) => return Some(false),
                None => open = true,
                Some(true) => {}
            }
        }
        return if open { None } else { Some(true) };
    }
    if let Some(any) = &cond.any {
        let mut open = false;
        for c in any {
            match eval3(c, facts, matrix) {
                Some(true) => return Some(true),
                None => open = true,
                Some(false) => {}
            }
        }
        return if open { None } else { Some(false) };
    }
    if let Some(inner) = &cond.not {
        return eval3(inner, facts, matrix).map(|v| !v);
    }
    if let Some(m) = &cond.matrix {
        // Decided when every verdict the area can still give is on the same side of the test.
        let possible = matrix.possible_verdicts(m.area, facts, m.versions_counted());
        let accepted = possible.iter().filter(|v| m.verdict.contains(v)).count();
        return match accepted {
            0 => Some(false),
            n if n == possible.len() => Some(true),
            _ => None,
        };
    }
    let fact = cond.fact.as_deref()?;
    facts(fact)?;
    Some(eval(cond, facts, matrix))
}

/// The facts a condition reads (the matrix's for a matrix check), each once, in order.
pub fn facts_read<'a>(cond: &'a Condition, matrix: &'a Matrix, out: &mut Vec<&'a str>) {
    cond.facts_read(matrix, out);
}

/// Some(true) when `have` is known to be below `min`, Some(false) when known not to be.
fn version_relation(have: &str, min: &str) -> Option<bool> {
    Version::parse(have)?.below(&Version::parse(min)?)
}

#[cfg(test)]
mod tests {
    use super::same_value;

    #[test]
    fn app_names_and_codes_compare_normalised() {
        assert!(same_value("client.app", "Outlook", "outlook"));
        assert!(same_value("client.app", " TEAMS ", "teams"));
        assert!(!same_value("client.app", "outlook", "teams"));
        assert!(same_value("error.code", "AADSTS53003", "53003"));
        assert!(!same_value("client.os", "iOS", "ios"));
    }
}
