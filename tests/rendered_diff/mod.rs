//! The rendered-object diff (`portplan diff --manifests`, `diff --chart --rendered`): the
//! community Loki chart rendered by real Helm against the generated twin of each of its
//! modes (`community`), and each migration breaker on small hand-written manifest pairs
//! (`breakers`).

mod breakers;
mod community;
mod streams;
