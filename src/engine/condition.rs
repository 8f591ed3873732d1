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

/// Whether `cond` holding means that one of `rules` holds too, whatever else is true: a route
/// rule that leads to another route testing the same facts ("a tenant block is known" ⇒ the
/// policy route, which names which). Sound, not complete: `false` when it can't tell (a `not`,
/// a matrix test, a version, more cases than it will try). `values` lists an enumerated fact's
/// values, for a `known` test.
pub fn implies_any(
    cond: &Condition,
    rules: &[&Condition],
    values: &dyn Fn(&str) -> Option<Vec<String>>,
    matrix: &Matrix,
) -> bool {
    /// How many cases one check tries at most.
    const CASES: usize = 4096;
    let Some(terms) = conjunctions(cond, CASES) else { return false };
    terms.iter().all(|term| {
        // The values each fact the term reads may take where the whole term holds.
        let mut allowed: Vec<(&str, Vec<String>)> = Vec::new();
        for leaf in term {
            let Some(fact) = leaf.fact.as_deref() else { return false };
            let these: Vec<String> = if let Some(v) = &leaf.equals {
                vec![v.clone()]
            } else if let Some(vs) = &leaf.one_of {
                vs.clone()
            } else if let Some(k) = leaf.known {
                if !k {
                    vec![UNKNOWN.to_string()]
                } else {
                    match values(fact) {
                        Some(vs) => vs.into_iter().filter(|v| v != UNKNOWN).collect(),
                        None => return false,
                    }
                }
            } else {
                return false;
            };
            match allowed.iter_mut().find(|(f, _)| *f == fact) {
                Some((_, have)) => have.retain(|v| these.iter().any(|t| same_value(fact, v, t))),
                None => allowed.push((fact, these)),
            }
        }
        let cases = allowed.iter().try_fold(1usize, |n, (_, vs)| n.checked_mul(vs.len()).filter(|n| *n <= CASES));
        let Some(cases) = cases else { return false };
        (0..cases).all(|mut case| {
            let mut pick: Vec<(&str, &str)> = Vec::with_capacity(allowed.len());
            for (fact, vs) in &allowed {
                pick.push((fact, vs[case % vs.len()].as_str()));
                case /= vs.len();
            }
            let lookup = |k: &str| pick.iter().find(|(f, _)| *f == k).map(|(_, v)| v.to_string());
            rules.iter().any(|r| eval3(r, &lookup, matrix) == Some(true))
        })
    })
}

/// `cond` as a disjunction of conjunctions of leaf tests (`None`: a `not` or a matrix test, or
/// more than `cap` conjunctions).
fn conjunctions(cond: &Condition, cap: usize) -> Option<Vec<Vec<&Condition>>> {
    if cond.not.is_some() || cond.matrix.is_some() {
        return None;
    }
    if let Some(all) = &cond.all {
        let mut terms: Vec<Vec<&Condition>> = vec![Vec::new()];
        for c in all {
            let sub = conjunctions(c, cap)?;
            if terms.len().checked_mul(sub.len())? > cap {
                return None;
            }
            terms = terms.iter().flat_map(|t| sub.iter().map(move |s| [t.as_slice(), s.as_slice()].concat())).collect();
        }
        return Some(terms);
    }
    if let Some(any) = &cond.any {
        let mut terms = Vec::new();
        for c in any {
            terms.extend(conjunctions(c, cap)?);
            if terms.len() > cap {
                return None;
            }
        }
        return Some(terms);
    }
    cond.fact.is_some().then(|| vec![vec![cond]])
}

/// The open facts (`facts` gives `None`) a condition can still turn on, each once, in reading
/// order: those of its undecided parts only. A fact read only where the known facts already
/// decide ("attestation enforced" beside "registering", at sign-in) is not among them, so the
/// walk neither asks nor defers it there.
pub fn facts_deciding<'a>(
    cond: &'a Condition,
    facts: &dyn Fn(&str) -> Option<String>,
    matrix: &'a Matrix,
    out: &mut Vec<&'a str>,
) {
    if eval3(cond, facts, matrix).is_some() {
        return;
    }
    let parts: Option<Vec<&Condition>> = match (&cond.all, &cond.any, &cond.not) {
        (Some(all), _, _) => Some(all.iter().collect()),
        (_, Some(any), _) => Some(any.iter().collect()),
        (_, _, Some(inner)) => Some(vec![&**inner]),
        _ => None,
    };
    match parts {
        Some(parts) => parts.into_iter().for_each(|c| facts_deciding(c, facts, matrix, out)),
        None => {
            let mut read = Vec::new();
            cond.facts_read(matrix, &mut read);
            for f in read {
                if facts(f).is_none() && !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
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
    use super::{implies_any, same_value};
    use crate::matrix::Matrix;
    use crate::runbook::model::Condition;

    fn cond(json: &str) -> Condition {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_rule_that_names_the_next_routes_faults_implies_one_of_its_rules() {
        let matrix: Matrix =
            serde_json::from_str(r#"{"schema":1,"as_of":"2026-01-01","sources":[],"rows":[]}"#).unwrap();
        let values = |f: &str| (f == "phase").then(|| vec!["sign-in".into(), "registration".into()]);
        let known_fault = cond(
            r#"{"all": [{"fact": "flow", "equals": "cross-device"}, {"any": [
                {"fact": "policy.passkey_method", "one_of": ["excluded", "disabled"]},
                {"all": [{"fact": "phase", "equals": "registration"}, {"fact": "policy.attestation_enforced", "equals": "yes"}]}
            ]}]}"#,
        );
        let excluded = cond(r#"{"fact": "policy.passkey_method", "equals": "excluded"}"#);
        let disabled = cond(r#"{"fact": "policy.passkey_method", "equals": "disabled"}"#);
        let attest = cond(
            r#"{"all": [{"fact": "phase", "equals": "registration"}, {"fact": "policy.attestation_enforced", "equals": "yes"}]}"#,
        );
        assert!(implies_any(&known_fault, &[&excluded, &disabled, &attest], &values, &matrix));
        // A fault the next route doesn't name: its `otherwise` can follow.
        assert!(!implies_any(&known_fault, &[&excluded, &attest], &values, &matrix));
        // Narrower rules than the condition: not implied.
        let attest_synced = cond(
            r#"{"all": [{"fact": "phase", "equals": "registration"}, {"fact": "policy.attestation_enforced", "equals": "yes"}, {"fact": "credential.type", "equals": "synced"}]}"#,
        );
        assert!(!implies_any(&known_fault, &[&excluded, &disabled, &attest_synced], &values, &matrix));
        // A `not` can't be told: never claimed.
        let negated = cond(r#"{"not": {"fact": "phase", "equals": "sign-in"}}"#);
        assert!(!implies_any(&negated, &[&attest], &values, &matrix));
        // `known` over an enumerated fact: every value it can take.
        let phase_known = cond(r#"{"fact": "phase", "known": true}"#);
        let sign_in = cond(r#"{"fact": "phase", "equals": "sign-in"}"#);
        let registration = cond(r#"{"fact": "phase", "equals": "registration"}"#);
        assert!(implies_any(&phase_known, &[&sign_in, &registration], &values, &matrix));
        assert!(!implies_any(&phase_known, &[&sign_in], &values, &matrix));
    }

    #[test]
    fn app_names_and_codes_compare_normalised() {
        assert!(same_value("client.app", "Outlook", "outlook"));
        assert!(same_value("client.app", " TEAMS ", "teams"));
        assert!(!same_value("client.app", "outlook", "teams"));
        assert!(same_value("error.code", "AADSTS53003", "53003"));
        assert!(!same_value("client.os", "iOS", "ios"));
    }
}
