//! A network in CIDR notation, IPv4 (`10.0.0.0/19`) or IPv6 (`2600:1f18::/56`).
//!
//! The pattern is exact (octets 0..255, prefixes up to /32 and /128, every IPv6 shorthand but
//! an embedded IPv4 tail), so an editor, `validate` and `plan` all refuse the same strings.

use std::net::IpAddr;

use super::checked::string_rule;

macro_rules! h16 {
    () => {
        "[0-9a-fA-F]{1,4}"
    };
}
macro_rules! ipv6 {
    () => {
        concat!(
            "((",
            h16!(),
            ":){7}",
            h16!(),
            "|(",
            h16!(),
            ":){1,7}:",
            "|(",
            h16!(),
            ":){1,6}:",
            h16!(),
            "|(",
            h16!(),
            ":){1,5}(:",
            h16!(),
            "){1,2}",
            "|(",
            h16!(),
            ":){1,4}(:",
            h16!(),
            "){1,3}",
            "|(",
            h16!(),
            ":){1,3}(:",
            h16!(),
            "){1,4}",
            "|(",
            h16!(),
            ":){1,2}(:",
            h16!(),
            "){1,5}",
            "|",
            h16!(),
            ":(:",
            h16!(),
            "){1,6}",
            "|:((:",
            h16!(),
            "){1,7}|:))"
        )
    };
}
macro_rules! octet {
    () => {
        "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
    };
}

string_rule!(
    /// A CIDR block.
    Cidr,
    CidrRule,
    concat!(
        "^((", octet!(), r"\.){3}", octet!(), "/(3[0-2]|[12]?[0-9])",
        "|", ipv6!(), "/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$"
    ),
    "a CIDR block like `10.0.0.0/16` or `2600:1f18::/56`",
    ["10.0.0.0/19", "0.0.0.0/0", "255.255.255.255/32", "2600:1f18::/56", "::/0", "fe80::1/128", "1:2:3:4:5:6:7:8/64"],
    ["", "10.0.0.0", "10.0.0.256/8", "10.0.0.0/33", "01.0.0.0/8", "::/129", "1:2:3:4:5:6:7:8:9/64", "10.0.0.0/8 ", "2600:1f18:::/56"]
);

impl Cidr {
    /// The network address and prefix length. Every string the rule accepts parses.
    pub fn network(&self) -> (IpAddr, u8) {
        let (ip, len) = self
            .as_str()
            .split_once('/')
            .unwrap_or((self.as_str(), "0"));
        (
            ip.parse()
                .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
            len.parse().unwrap_or(0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_agrees_with_the_standard_library() {
        crate::model::scalars::checked::check_rule::<CidrRule>();
        for ok in <CidrRule as crate::model::scalars::StringRule>::EXAMPLES {
            let (ip, _) = ok.split_once('/').unwrap();
            assert!(ip.parse::<IpAddr>().is_ok(), "{ok}");
        }
        assert_eq!(Cidr::new("10.0.32.0/19").unwrap().network().1, 19);
    }
}
