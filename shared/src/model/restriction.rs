use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use uuid::Uuid;

/// Barong's restriction categories, in the order they are checked.
pub const CATEGORIES: [&str; 4] = ["whitelist", "maintenance", "blacklist", "blocklogin"];

/// Scopes Gatehouse can match. Barong's `continent` and `country` need a GeoIP database,
/// which a Lambda does not carry; they are refused when created.
pub const SCOPES: [&str; 3] = ["all", "ip", "ip_subnet"];

/// A Barong access restriction (`restrictions` table): who it matches and what it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restriction {
    pub id: Uuid,
    pub category: String,
    pub scope: String,
    pub value: String,
    /// The status refused requests get (Barong's defaults per scope; maintenance is 471).
    pub code: u16,
    /// `enabled` or `disabled`.
    pub state: String,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::model::timestamp::deserialize")]
    pub updated_at: DateTime<Utc>,
}

impl Restriction {
    /// Barong's default code for a category and scope (`app/models/restriction.rb`).
    pub fn default_code(category: &str, scope: &str) -> u16 {
        if category == "maintenance" {
            return 471;
        }
        match scope {
            "continent" | "country" => 423,
            "ip_subnet" => 403,
            _ => 401,
        }
    }

    /// Does it apply to a request from `ip`?
    pub fn matches(&self, ip: IpAddr) -> bool {
        if self.state != "enabled" {
            return false;
        }
        let ip = ip.to_canonical();
        match self.scope.as_str() {
            "all" => true,
            "ip" => self
                .value
                .parse::<IpAddr>()
                .is_ok_and(|v| v.to_canonical() == ip),
            "ip_subnet" => subnet_contains(&self.value, ip),
            _ => false,
        }
    }
}

/// `a.b.c.d/n` or an IPv6 CIDR, with a prefix length its family allows.
pub fn valid_cidr(cidr: &str) -> bool {
    let Some((network, bits)) = cidr.split_once('/') else {
        return false;
    };
    match (network.parse::<IpAddr>(), bits.parse::<u32>()) {
        (Ok(IpAddr::V4(_)), Ok(bits)) => bits <= 32,
        (Ok(IpAddr::V6(_)), Ok(bits)) => bits <= 128,
        _ => false,
    }
}

/// `a.b.c.d/n` (or an IPv6 CIDR) contains `ip`.
pub fn subnet_contains(cidr: &str, ip: IpAddr) -> bool {
    let Some((network, bits)) = cidr.split_once('/') else {
        return false;
    };
    let (Ok(network), Ok(bits)) = (network.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (network.to_canonical(), ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::subnet_contains;

    #[test]
    fn subnets() {
        let ip = |s: &str| s.parse().unwrap();
        assert!(subnet_contains("192.168.32.0/24", ip("192.168.32.77")));
        assert!(!subnet_contains("192.168.32.0/24", ip("192.168.33.1")));
        assert!(subnet_contains("0.0.0.0/0", ip("8.8.8.8")));
        assert!(subnet_contains("2001:db8::/32", ip("2001:db8:1::1")));
        assert!(!subnet_contains("garbage", ip("1.2.3.4")));
        assert!(!subnet_contains("1.2.3.4/40", ip("1.2.3.4")));
    }
}
