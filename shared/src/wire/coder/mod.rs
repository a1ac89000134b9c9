//! Coder's wire format: Go `encoding/json` in, `httpapi.Write` out.

mod audit;
mod authz;
mod go_json;
mod go_scan;
mod go_time;
mod requests;
mod response;
mod user;
mod user_query;
mod validate;

pub use audit::{AuditFilter, AuditLog, parse_audit_query};
pub use authz::*;
pub use go_json::{
    DecodeError, GoObject, GoRequest, decode_request, go_quote, parse_go_bool, parse_go_uuid,
};
pub use requests::*;
pub use response::{CoderError, Response, ValidationError, go_time, write_json};
pub use user::{SlimRole, UserJson, slim_roles};
pub use user_query::{parse_pagination, parse_user_query};
pub use validate::{FieldFailure, is_email, is_user_real_name, is_username};
