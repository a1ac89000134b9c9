//! Barong's account rules on the shared [`User`], and how its state and Coder's status stay one
//! truth: whatever one surface refuses, the other refuses too.
//!
//! | Barong state | Coder status | Why |
//! |---|---|---|
//! | `pending`, `active` | `active` / `dormant` | both may sign in |
//! | `locked` | `suspended` | a Coder suspension locks the Barong account; reactivation restores the state the labels give |
//! | `banned` (label `ban`/`fraud`) | `suspended` | a Barong ban suspends on Coder |
//! | `deleted` (label `delete`) | hidden, as deleted | a Coder deletion frees the email, so Barong no longer finds the user |

use super::{BarongLabel, BarongState, User, UserStatus};
use chrono::{DateTime, Utc};

/// Private labels that activate an account (`activation_requirements` in `config/barong.yml`).
const ACTIVATION_REQUIREMENTS: &[(&str, &str)] = &[("email", "verified")];

/// Label keys that force a state (`state_triggers`), in Barong's order.
const STATE_TRIGGERS: &[(BarongState, &[&str])] = &[
    (BarongState::Banned, &["ban", "fraud"]),
    (BarongState::Deleted, &["delete"]),
    (BarongState::Locked, &["suspicious", "lock"]),
];

/// Barong's default levels: each needs its private label and every level below it.
const LEVELS: &[(&str, &str)] = &[
    ("email", "verified"),
    ("phone", "verified"),
    ("document", "verified"),
];

impl User {
    /// Barong's role: a Coder owner is Barong's `superadmin`; everyone else a `member`.
    pub fn barong_role(&self) -> &'static str {
        if self.has_site_role("owner") {
            "superadmin"
        } else {
            "member"
        }
    }

    /// Barong signs in (and keeps sessions of) active and pending accounts only.
    pub fn barong_may_sign_in(&self) -> bool {
        !self.is_deleted()
            && matches!(
                self.barong_state,
                BarongState::Active | BarongState::Pending
            )
    }

    /// Deleted on either surface.
    pub fn is_deleted(&self) -> bool {
        self.deleted || self.barong_state == BarongState::Deleted
    }

    fn private_label(&self, key: &str, value: &str) -> bool {
        self.labels
            .iter()
            .any(|l| l.scope == "private" && l.key == key && l.value == value)
    }

    /// The state Barong's `update_state` derives from the private labels.
    pub fn state_from_labels(&self) -> BarongState {
        let mut state = if ACTIVATION_REQUIREMENTS
            .iter()
            .all(|(k, v)| self.private_label(k, v))
        {
            BarongState::Active
        } else {
            BarongState::Pending
        };
        for (trigger, keys) in STATE_TRIGGERS {
            if self
                .labels
                .iter()
                .any(|l| l.scope == "private" && keys.contains(&l.key.as_str()))
            {
                state = *trigger;
            }
        }
        state
    }

    /// Adds (or re-values) a private label and applies Barong's state and level rules, keeping
    /// the Coder status in step (see the module table).
    pub fn set_private_label(&mut self, key: &str, value: &str, now: DateTime<Utc>) {
        match self
            .labels
            .iter_mut()
            .find(|l| l.scope == "private" && l.key == key)
        {
            Some(label) => {
                label.value = value.to_owned();
                label.updated_at = now;
            }
            None => self.labels.push(BarongLabel {
                key: key.to_owned(),
                value: value.to_owned(),
                scope: "private".to_owned(),
                created_at: now,
                updated_at: now,
            }),
        }
        self.apply_label_rules();
    }

    /// Barong's `update_state` and `update_level`, with Coder's status kept in step. A Coder
    /// suspension is not undone by labels: only Coder's activate lifts it.
    pub fn apply_label_rules(&mut self) {
        let state = self.state_from_labels();
        self.set_barong_state(state);
        self.level = LEVELS
            .iter()
            .take_while(|(k, v)| self.private_label(k, v))
            .count() as u32;
    }

    /// A service account's state: its own while the owner is active, else the owner's
    /// (Barong copies the owner's state onto its service accounts).
    pub fn service_account_state<'a>(&'a self, account: &'a super::ServiceAccount) -> &'a str {
        if self.barong_state == BarongState::Active && !self.deleted {
            &account.state
        } else {
            self.barong_state.as_str()
        }
    }

    /// Sets Barong's state and the Coder status that goes with it. Taking access away ends
    /// every session on both surfaces.
    pub fn set_barong_state(&mut self, state: BarongState) {
        let suspended_by_coder =
            self.status == UserStatus::Suspended && self.barong_state == BarongState::Locked;
        let state = match state {
            // Labels alone do not lift a Coder suspension.
            BarongState::Active | BarongState::Pending if suspended_by_coder => BarongState::Locked,
            s => s,
        };
        let was_allowed = self.barong_may_sign_in();
        if self.barong_state == BarongState::Active && state != BarongState::Active {
            // Barong's `disable_api_keys`: leaving `active` deactivates every API key.
            self.api_key_generation += 1;
        }
        self.barong_state = state;
        match state {
            BarongState::Banned | BarongState::Locked | BarongState::Deleted => {
                if was_allowed {
                    self.session_generation += 1;
                }
                if state != BarongState::Deleted {
                    self.status = UserStatus::Suspended;
                }
            }
            BarongState::Active | BarongState::Pending => {
                if self.status == UserStatus::Suspended {
                    self.status = UserStatus::Active;
                }
            }
        }
    }

    /// Coder's suspension or reactivation, reflected on Barong: suspended reads as `locked`;
    /// reactivation restores what the labels say.
    pub fn set_coder_status(&mut self, status: UserStatus) {
        if status == UserStatus::Suspended {
            if self.status != UserStatus::Suspended {
                self.session_generation += 1;
            }
            if self.barong_state == BarongState::Active {
                self.api_key_generation += 1;
            }
            self.status = status;
            if matches!(
                self.barong_state,
                BarongState::Active | BarongState::Pending
            ) {
                self.barong_state = BarongState::Locked;
            }
        } else {
            let was_suspended = self.status == UserStatus::Suspended;
            self.status = status;
            if was_suspended {
                let state = self.state_from_labels();
                self.barong_state = state;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User::new("a@b.co", "abcd", DateTime::UNIX_EPOCH)
    }

    #[test]
    fn email_label_activates_and_levels() {
        let mut u = user();
        assert_eq!(u.barong_state, BarongState::Pending);
        u.set_private_label("email", "verified", DateTime::UNIX_EPOCH);
        assert_eq!(u.barong_state, BarongState::Active);
        assert_eq!(u.level, 1);
        // Level 3 needs level 2's label too.
        u.set_private_label("document", "verified", DateTime::UNIX_EPOCH);
        assert_eq!(u.level, 1);
        u.set_private_label("phone", "verified", DateTime::UNIX_EPOCH);
        assert_eq!(u.level, 3);
    }

    #[test]
    fn ban_suspends_on_coder_and_ends_sessions() {
        let mut u = user();
        u.status = UserStatus::Active;
        u.set_private_label("ban", "yes", DateTime::UNIX_EPOCH);
        assert_eq!(u.barong_state, BarongState::Banned);
        assert_eq!(u.status, UserStatus::Suspended);
        assert_eq!(u.session_generation, 1);
        assert!(!u.barong_may_sign_in());
    }

    #[test]
    fn coder_suspension_locks_and_reactivation_restores() {
        let mut u = user();
        u.set_private_label("email", "verified", DateTime::UNIX_EPOCH);
        u.set_coder_status(UserStatus::Suspended);
        assert_eq!(u.barong_state, BarongState::Locked);
        assert_eq!(u.session_generation, 1);
        // A label change does not lift it.
        u.set_private_label("phone", "verified", DateTime::UNIX_EPOCH);
        assert_eq!(u.barong_state, BarongState::Locked);
        assert_eq!(u.status, UserStatus::Suspended);
        u.set_coder_status(UserStatus::Active);
        assert_eq!(u.barong_state, BarongState::Active);
    }
}
