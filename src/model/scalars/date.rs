//! A calendar day, `YYYY-MM-DD`, as Loki's schema periods start.

use super::checked::string_rule;

string_rule!(
    /// A day from 2000-01-01 on, `YYYY-MM-DD`.
    Date,
    DateRule,
    r"^2[0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
    "a date `YYYY-MM-DD` from the year 2000 on, like `2024-04-01`",
    ["2024-04-01", "2000-12-31"],
    ["2024-4-1", "1999-01-01", "2024-13-01", "2024-00-10", "2024-01-32", "2024/01/01"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rule() {
        crate::model::scalars::checked::check_rule::<super::DateRule>();
    }
}
