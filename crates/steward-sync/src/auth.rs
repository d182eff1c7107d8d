//! What a registry user may do, read from MLflow's basic-auth app: the grants it reports for
//! the current user (`GET /api/3.0/mlflow/users/current/permissions`) and the permission it
//! resolves on one registered model (`GET /api/3.0/mlflow/users/permissions/get`). Pure: the
//! client fetches, these rules read.
//!
//! MLflow's permissions are `NO_PERMISSIONS`, `READ`, `USE`, `EDIT`, `MANAGE` and `DENY`; a push
//! writes tags, versions and aliases, which needs `EDIT` or `MANAGE` on the registered model.

use serde_json::Value;

/// One grant the auth app reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// `registered_model`, `experiment`, …
    pub resource_type: String,
    /// The resource name or pattern (`*` for all).
    pub pattern: String,
    /// `READ`, `EDIT`, …
    pub permission: String,
}

/// The current user's standing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// An admin may do everything.
    pub is_admin: bool,
    /// The grants of every role the user holds.
    pub grants: Vec<Grant>,
}

/// What a push may do, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// An admin: everything.
    Admin,
    /// At least one model grant that writes.
    Write,
    /// Model grants, none of them writing.
    ReadOnly,
    /// No model grant: the server's default permission decides.
    Default,
}

/// Whether `permission` lets a user write tags, versions and aliases.
pub fn can_write(permission: &str) -> bool {
    matches!(permission, "EDIT" | "MANAGE")
}

/// Reads the auth app's answer to `users/current/permissions`; None when it is not that shape.
pub fn parse_grants(v: &Value) -> Option<Grants> {
    let is_admin = v.get("is_admin")?.as_bool()?;
    let list = v.get("permissions")?.as_array()?;
    let text = |g: &Value, k: &str| {
        g.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    Some(Grants {
        is_admin,
        grants: list
            .iter()
            .map(|g| Grant {
                resource_type: text(g, "resource_type"),
                pattern: text(g, "resource_pattern"),
                permission: text(g, "permission"),
            })
            .collect(),
    })
}

/// What the user's registered-model grants allow a push.
pub fn access(g: &Grants) -> Access {
    if g.is_admin {
        return Access::Admin;
    }
    let models: Vec<&Grant> = g
        .grants
        .iter()
        .filter(|x| x.resource_type == "registered_model")
        .collect();
    if models.is_empty() {
        Access::Default
    } else if models.iter().any(|x| can_write(&x.permission)) {
        Access::Write
    } else {
        Access::ReadOnly
    }
}

/// One line for `steward registry test`: what `user` may do, starting with `admin`,
/// `may write`, `read-only` or `no model grants`.
pub fn summary(user: &str, g: &Grants) -> String {
    let models = || {
        g.grants
            .iter()
            .filter(|x| x.resource_type == "registered_model")
            .map(|x| format!("{} on {}", x.permission, x.pattern))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match access(g) {
        Access::Admin => format!("admin: {user} may read and write every registered model"),
        Access::Write => format!(
            "may write: {user} holds {} (registered models); a push writes only where the grant is EDIT or MANAGE",
            models()
        ),
        Access::ReadOnly => format!(
            "read-only: {user} holds {} (registered models) and no EDIT or MANAGE grant; a push will be refused — ask the registry's admin for EDIT on the models to push",
            models()
        ),
        Access::Default => format!(
            "no model grants: {user} has no registered-model grant of its own, so the server's default permission decides what a push may do"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn grants(is_admin: bool, list: &[(&str, &str, &str)]) -> Grants {
        Grants {
            is_admin,
            grants: list
                .iter()
                .map(|(t, p, perm)| Grant {
                    resource_type: t.to_string(),
                    pattern: p.to_string(),
                    permission: perm.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn access_as_a_table() {
        let cases: &[(&str, Grants, Access, &str)] = &[
            (
                "admin",
                grants(true, &[]),
                Access::Admin,
                "admin: ann may read and write every registered model",
            ),
            (
                "one read grant",
                grants(false, &[("registered_model", "m1", "READ")]),
                Access::ReadOnly,
                "read-only: ann holds READ on m1 (registered models)",
            ),
            (
                "read and use",
                grants(
                    false,
                    &[
                        ("registered_model", "m1", "READ"),
                        ("registered_model", "m2", "USE"),
                    ],
                ),
                Access::ReadOnly,
                "read-only: ann holds READ on m1, USE on m2",
            ),
            (
                "an edit grant",
                grants(
                    false,
                    &[
                        ("registered_model", "m1", "READ"),
                        ("registered_model", "m2", "EDIT"),
                    ],
                ),
                Access::Write,
                "may write: ann holds READ on m1, EDIT on m2",
            ),
            (
                "manage",
                grants(false, &[("registered_model", "*", "MANAGE")]),
                Access::Write,
                "may write: ann holds MANAGE on *",
            ),
            (
                "experiments only",
                grants(false, &[("experiment", "1", "EDIT")]),
                Access::Default,
                "no model grants: ann has no registered-model grant",
            ),
            (
                "nothing",
                grants(false, &[]),
                Access::Default,
                "no model grants",
            ),
        ];
        for (name, g, want, text) in cases {
            assert_eq!(access(g), *want, "{name}");
            assert!(
                summary("ann", g).starts_with(text),
                "{name}: {}",
                summary("ann", g)
            );
        }
    }

    #[test]
    fn only_edit_and_manage_write() {
        let cases = [
            ("MANAGE", true),
            ("EDIT", true),
            ("USE", false),
            ("READ", false),
            ("NO_PERMISSIONS", false),
            ("DENY", false),
            ("", false),
        ];
        for (p, want) in cases {
            assert_eq!(can_write(p), want, "{p}");
        }
    }

    #[test]
    fn grants_are_read_from_the_auth_apps_answer() {
        let v = json!({"is_admin": false, "permissions": [{"permission": "READ",
            "resource_pattern": "m1", "resource_type": "registered_model", "role_id": 2,
            "role_name": "__user_2__", "workspace": "default"}]});
        assert_eq!(
            parse_grants(&v),
            Some(grants(false, &[("registered_model", "m1", "READ")]))
        );
        assert_eq!(parse_grants(&json!({"error_code": "X"})), None);
        assert_eq!(
            parse_grants(&json!({"is_admin": "yes", "permissions": []})),
            None
        );
    }
}
