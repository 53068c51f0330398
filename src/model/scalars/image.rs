//! A container image reference, `registry/repository:tag` or `...@sha256:digest`.

use super::checked::string_rule;

string_rule!(
    /// A container image reference.
    ImageRef,
    ImageRule,
    r"^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}$",
    "an image reference like `docker.io/grafana/loki:3.5.7`",
    ["grafana/loki:3.5.7", "docker.io/nginxinc/nginx-unprivileged:1.29-alpine", "memcached@sha256:abc"],
    ["", "grafana loki", "-x", "a{{b}}", "x\ny"]
);

#[cfg(test)]
mod tests {
    #[test]
    fn rule() {
        crate::model::scalars::checked::check_rule::<super::ImageRule>();
    }
}
