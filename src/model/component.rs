use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How Loki is split into processes, as in the official chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Mode {
    /// One process runs every component (the chart's `SingleBinary` / `Monolithic`).
    #[serde(rename = "monolithic")]
    Monolithic,
    /// Read, write and backend targets.
    #[serde(rename = "simple-scalable")]
    SimpleScalable,
    /// One workload per microservice.
    #[serde(rename = "distributed")]
    Distributed,
}

/// Every spelling of a mode the model accepts: portplan's own, then the community chart's
/// `deploymentMode` names. One table for reading, the schema and the message.
const MODE_SPELLINGS: [(&str, Mode); 7] = [
    ("monolithic", Mode::Monolithic),
    ("simple-scalable", Mode::SimpleScalable),
    ("distributed", Mode::Distributed),
    ("SingleBinary", Mode::Monolithic),
    ("Monolithic", Mode::Monolithic),
    ("SimpleScalable", Mode::SimpleScalable),
    ("Distributed", Mode::Distributed),
];

impl Mode {
    /// The mode a spelling names.
    pub fn from_spelling(s: &str) -> Option<Mode> {
        MODE_SPELLINGS
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, m)| *m)
    }

    /// Every accepted spelling, portplan's own first.
    pub fn spellings() -> impl Iterator<Item = &'static str> {
        MODE_SPELLINGS.iter().map(|(n, _)| *n)
    }
}

/// Every value of the community chart's `deploymentMode` (grafana/loki 6.x and
/// grafana-community 7.x-18.x), with the modes it runs: one, or both of a transitional
/// setting (the chart runs both sets of workloads while a migration hands the ring over).
/// Lint's `mode-transition` and `portplan import` read `deploymentMode` with this table.
const CHART_MODES: [(&str, &[Mode]); 7] = [
    ("Monolithic", &[Mode::Monolithic]),
    ("SingleBinary", &[Mode::Monolithic]),
    ("SimpleScalable", &[Mode::SimpleScalable]),
    ("Distributed", &[Mode::Distributed]),
    (
        "Monolithic<->SimpleScalable",
        &[Mode::Monolithic, Mode::SimpleScalable],
    ),
    (
        "SingleBinary<->SimpleScalable",
        &[Mode::Monolithic, Mode::SimpleScalable],
    ),
    (
        "SimpleScalable<->Distributed",
        &[Mode::SimpleScalable, Mode::Distributed],
    ),
];

impl Mode {
    /// The modes a community chart `deploymentMode` value runs (two for a transitional one).
    pub fn of_deployment_mode(s: &str) -> Option<&'static [Mode]> {
        CHART_MODES.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
    }

    /// Every `deploymentMode` value the community chart accepts, in its documentation's order.
    pub fn deployment_modes() -> impl Iterator<Item = &'static str> {
        CHART_MODES.iter().map(|(n, _)| *n)
    }
}

impl<'de> Deserialize<'de> for Mode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Mode::from_spelling(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not one of {}",
                s.escape_debug(),
                Mode::spellings().collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

impl JsonSchema for Mode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Mode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "How Loki is split into processes: `monolithic`, `simple-scalable` or `distributed`; the community chart's `SingleBinary`, `Monolithic`, `SimpleScalable` and `Distributed` are accepted too.",
            "type": "string",
            "enum": Mode::spellings().collect::<Vec<_>>(),
        })
    }
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Monolithic => "monolithic",
            Mode::SimpleScalable => "simple-scalable",
            Mode::Distributed => "distributed",
        }
    }

    /// The Loki components this mode runs, in the order they are rendered and listed.
    pub fn components(self) -> &'static [Component] {
        use Component::*;
        match self {
            Mode::Monolithic => &[SingleBinary],
            Mode::SimpleScalable => &[Write, Read, Backend],
            Mode::Distributed => &[
                Distributor,
                Ingester,
                Querier,
                QueryFrontend,
                QueryScheduler,
                IndexGateway,
                Compactor,
                Ruler,
            ],
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Loki workload: a microservice in distributed mode, a target group in simple-scalable
/// mode, or the single binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    SingleBinary,
    Write,
    Read,
    Backend,
    Distributor,
    Ingester,
    Querier,
    QueryFrontend,
    QueryScheduler,
    IndexGateway,
    Compactor,
    Ruler,
}

impl Component {
    pub const ALL: [Component; 12] = [
        Component::SingleBinary,
        Component::Write,
        Component::Read,
        Component::Backend,
        Component::Distributor,
        Component::Ingester,
        Component::Querier,
        Component::QueryFrontend,
        Component::QueryScheduler,
        Component::IndexGateway,
        Component::Compactor,
        Component::Ruler,
    ];

    /// The kebab-case name: the model key, the Service suffix and the component label.
    pub fn name(self) -> &'static str {
        match self {
            Component::SingleBinary => "single-binary",
            Component::Write => "write",
            Component::Read => "read",
            Component::Backend => "backend",
            Component::Distributor => "distributor",
            Component::Ingester => "ingester",
            Component::Querier => "querier",
            Component::QueryFrontend => "query-frontend",
            Component::QueryScheduler => "query-scheduler",
            Component::IndexGateway => "index-gateway",
            Component::Compactor => "compactor",
            Component::Ruler => "ruler",
        }
    }

    /// The camelCase key of this component in the generated values.yaml.
    pub fn values_key(self) -> &'static str {
        match self {
            Component::SingleBinary => "singleBinary",
            Component::Write => "write",
            Component::Read => "read",
            Component::Backend => "backend",
            Component::Distributor => "distributor",
            Component::Ingester => "ingester",
            Component::Querier => "querier",
            Component::QueryFrontend => "queryFrontend",
            Component::QueryScheduler => "queryScheduler",
            Component::IndexGateway => "indexGateway",
            Component::Compactor => "compactor",
            Component::Ruler => "ruler",
        }
    }

    /// Loki's `-target` for this workload.
    pub fn target(self) -> &'static str {
        match self {
            Component::SingleBinary => "all",
            other => other.name(),
        }
    }

    pub fn from_name(name: &str) -> Option<Component> {
        Component::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Components that keep state on disk run as StatefulSets, as in the official chart.
    pub fn is_stateful(self) -> bool {
        matches!(
            self,
            Component::SingleBinary
                | Component::Write
                | Component::Backend
                | Component::Ingester
                | Component::IndexGateway
                | Component::Compactor
                | Component::Ruler
        )
    }

    /// Whether the mode can run without this component.
    pub fn is_optional(self) -> bool {
        matches!(
            self,
            Component::QueryScheduler
                | Component::IndexGateway
                | Component::Compactor
                | Component::Ruler
        )
    }

    /// The slot in the per-component layout: port = base + slot.
    pub fn default_slot(self) -> u16 {
        match self {
            Component::SingleBinary | Component::Write | Component::Distributor => 1,
            Component::Read | Component::Ingester => 2,
            Component::Backend | Component::Querier => 3,
            Component::QueryFrontend => 4,
            Component::QueryScheduler => 5,
            Component::IndexGateway => 6,
            Component::Compactor => 7,
            Component::Ruler => 8,
        }
    }
}

impl fmt::Display for Component {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
