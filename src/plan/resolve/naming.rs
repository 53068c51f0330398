//! Service names and DNS names: `<release>-<component>` in `<namespace>.svc.<domain>`.

use crate::plan::ServiceNames;

/// What every name is built from.
pub(super) struct Naming {
    pub release: String,
    pub namespace: String,
    pub domain: String,
}

impl Naming {
    /// The Service `<release>-<suffix>`.
    pub fn service(&self, suffix: &str) -> String {
        format!("{}-{suffix}", self.release)
    }

    /// A Service's fully qualified name.
    pub fn fqdn(&self, service: &str) -> String {
        format!("{service}.{}.svc.{}", self.namespace, self.domain)
    }

    /// A workload's ClusterIP and headless Services.
    pub fn services(&self, suffix: &str) -> ServiceNames {
        let name = self.service(suffix);
        let headless = format!("{name}-headless");
        ServiceNames {
            fqdn: self.fqdn(&name),
            headless_fqdn: self.fqdn(&headless),
            name,
            headless,
        }
    }
}
