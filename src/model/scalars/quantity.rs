//! Kubernetes resource quantities as the model accepts them: CPU (`250m`, `1.5`) and memory
//! (`512Mi`, `2Gi`). Digits are bounded so that every accepted value adds up without overflow.

use super::checked::string_rule;

string_rule!(
    /// A CPU quantity: millicores (`250m`) or cores (`1`, `1.5`).
    CpuQuantity,
    CpuRule,
    r"^([0-9]{1,9}m|[0-9]{1,9}(\.[0-9]{1,9})?)$",
    "a CPU quantity like `250m` or `1.5`",
    ["250m", "1", "1.5", "0.25"],
    ["", "1.5m", "m", "1,5", "-1", "1e3", "250 m"]
);

string_rule!(
    /// A memory quantity: bytes, or with a unit `Ki Mi Gi Ti k M G T`.
    MemoryQuantity,
    MemoryRule,
    r"^[0-9]{1,15}(\.[0-9]{1,9})?(Ki|Mi|Gi|Ti|k|M|G|T)?$",
    "a memory quantity like `512Mi` or `2Gi`",
    ["512Mi", "2Gi", "1.5Gi", "1000000", "64M"],
    ["", "2GB", "2gi", "Gi", "-1Gi", "1 Gi"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rules() {
        crate::model::scalars::checked::check_rule::<super::CpuRule>();
        crate::model::scalars::checked::check_rule::<super::MemoryRule>();
    }
}
