//! A key's allow list: Coder's `"type:id"` entries, parsed and normalised as
//! `rbac.ParseAllowList` does, and the messages its JSON decoder gives for bad entries.

use super::catalog::RESOURCES;
use crate::model::AllowListEntry;
use crate::wire::coder::go_quote;

/// Coder's cap (`maxAllowListEntries`).
pub const MAX_ENTRIES: usize = 128;

#[derive(Debug, PartialEq, Eq)]
pub enum AllowListError {
    /// An entry Coder's decoder refuses, in its words.
    BadEntry(String),
    /// More than [`MAX_ENTRIES`], which Coder refuses once every entry has decoded.
    TooMany(usize),
}

impl std::fmt::Display for AllowListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadEntry(detail) => f.write_str(detail),
            Self::TooMany(n) => write!(
                f,
                "allow_list has {n} entries; max allowed is {MAX_ENTRIES}"
            ),
        }
    }
}

/// The list a new key gets: `*:*` when none was asked for, else the entries, validated,
/// deduplicated and without entries a wildcard already covers. Never wider than asked.
pub fn parse_allow_list(inputs: &[String]) -> Result<Vec<AllowListEntry>, AllowListError> {
    if inputs.is_empty() {
        return Ok(vec![AllowListEntry::everything()]);
    }
    let mut entries = inputs
        .iter()
        .map(|s| parse_entry(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AllowListError::BadEntry)?;
    if entries.len() > MAX_ENTRIES {
        return Err(AllowListError::TooMany(entries.len()));
    }
    if entries
        .iter()
        .any(|e| e.resource_type == "*" && e.id == "*")
    {
        return Ok(vec![AllowListEntry::everything()]);
    }
    let wildcard_types: Vec<String> = entries
        .iter()
        .filter(|e| e.id == "*")
        .map(|e| e.resource_type.clone())
        .collect();
    entries.retain(|e| e.id == "*" || !wildcard_types.contains(&e.resource_type));
    entries.sort();
    entries.dedup();
    Ok(entries)
}

fn parse_entry(raw: &str) -> Result<AllowListEntry, String> {
    let trimmed = raw.trim();
    let (resource_type, id) = trimmed
        .split_once(':')
        .filter(|(t, id)| !t.is_empty() && !id.is_empty())
        .ok_or_else(|| {
            format!(
                "invalid allow_list entry {raw}: want <type>:<id>",
                raw = go_quote(raw)
            )
        })?;
    if resource_type != "*" && !RESOURCES.iter().any(|(t, _)| *t == resource_type) {
        return Err(format!(
            "unknown resource type {resource_type}",
            resource_type = go_quote(resource_type)
        ));
    }
    let id = if id == "*" {
        id.to_owned()
    } else {
        uuid::Uuid::parse_str(id)
            .map_err(|_| {
                format!(
                    "invalid {resource_type} ID (must be UUID): {id}",
                    id = go_quote(id)
                )
            })?
            .to_string()
    };
    Ok(AllowListEntry {
        resource_type: resource_type.to_owned(),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[&str]) -> Result<Vec<String>, String> {
        let inputs: Vec<String> = entries.iter().map(|s| (*s).to_owned()).collect();
        parse_allow_list(&inputs)
            .map(|l| l.iter().map(ToString::to_string).collect())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn empty_means_everything_and_nothing_is_widened() {
        assert_eq!(list(&[]).unwrap(), ["*:*"]);
        let id = "8a1c4d3e-2b7f-4a4e-9c1d-0e5f6a7b8c9d";
        assert_eq!(
            list(&[&format!("workspace:{}", id.to_uppercase())]).unwrap(),
            [format!("workspace:{id}")]
        );
        assert_eq!(
            list(&["workspace:*", &format!("workspace:{id}"), "template:*"]).unwrap(),
            ["template:*", "workspace:*"]
        );
        assert_eq!(list(&["user:*", "*:*"]).unwrap(), ["*:*"]);
    }

    #[test]
    fn bad_entries_get_coders_messages() {
        assert_eq!(
            list(&["badvalue"]).unwrap_err(),
            "invalid allow_list entry \"badvalue\": want <type>:<id>"
        );
        assert_eq!(
            list(&["spaceship:*"]).unwrap_err(),
            "unknown resource type \"spaceship\""
        );
        assert_eq!(
            list(&["workspace:abc"]).unwrap_err(),
            "invalid workspace ID (must be UUID): \"abc\""
        );
        let mut many: Vec<String> = (0..=MAX_ENTRIES).map(|_| "user:*".to_owned()).collect();
        assert_eq!(
            parse_allow_list(&many).unwrap_err().to_string(),
            "allow_list has 129 entries; max allowed is 128"
        );
        // Each entry is decoded before the count is checked.
        many.push("nope".to_owned());
        assert!(matches!(
            parse_allow_list(&many),
            Err(AllowListError::BadEntry(_))
        ));
    }
}
