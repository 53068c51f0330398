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
/// grafana-community 7.x-18.x) and the stage it runs: one mode, or a transition (the chart
/// runs both sets of workloads while a migration hands the ring over, and its gateway keeps
/// routing to the first). Lint's `mode-transition`, `portplan import` and the model's `mode:`
/// (its transitional spellings) read `deploymentMode` with this table.
const CHART_MODES: [(&str, Stage); 7] = [
    ("Monolithic", Stage::single(Mode::Monolithic)),
    ("SingleBinary", Stage::single(Mode::Monolithic)),
    ("SimpleScalable", Stage::single(Mode::SimpleScalable)),
    ("Distributed", Stage::single(Mode::Distributed)),
    (
        "SingleBinary<->SimpleScalable",
        Stage::moving(Mode::Monolithic, Mode::SimpleScalable),
    ),
    (
        "Monolithic<->SimpleScalable",
        Stage::moving(Mode::Monolithic, Mode::SimpleScalable),
    ),
    (
        "SimpleScalable<->Distributed",
        Stage::moving(Mode::SimpleScalable, Mode::Distributed),
    ),
];

impl Stage {
    /// The stage a community chart `deploymentMode` value runs.
    pub fn of_deployment_mode(s: &str) -> Option<Stage> {
        CHART_MODES.iter().find(|(n, _)| *n == s).map(|(_, st)| *st)
    }

    /// Every `deploymentMode` value the community chart accepts, in its documentation's order.
    pub fn deployment_modes() -> impl Iterator<Item = &'static str> {
        CHART_MODES.iter().map(|(n, _)| *n)
    }
}

/// Where a deployment stands on the migration path monolithic <-> simple-scalable <->
/// distributed: one mode, or a transition that runs `mode`'s workloads and `to`'s side by
/// side (the community chart's `SingleBinary<->SimpleScalable` and
/// `SimpleScalable<->Distributed`). The gateway, the clients and every component-to-component
/// address stay with `mode`, the set that serves, until the model names `to` as its mode.
///
/// The model's `mode:` is read as a `Stage` (a transitional spelling names both modes), and
/// the Plan's stage adds the model's `transition:`. Only neighbours may be in a transition:
/// [`Stage::new`] refuses anything else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// The mode that serves: the gateway routes to its workloads.
    pub mode: Mode,
    /// The mode being moved to, whose workloads run beside `mode`'s and join its ring.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Mode>,
}

/// Why two modes cannot be in one transition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageError {
    /// `to` is `mode` itself.
    Same,
    /// monolithic <-> distributed: the step between is simple-scalable.
    NotNeighbours,
}

impl Mode {
    /// Position on the migration path.
    pub fn rank(self) -> u8 {
        match self {
            Mode::Monolithic => 0,
            Mode::SimpleScalable => 1,
            Mode::Distributed => 2,
        }
    }

    fn of_rank(r: u8) -> Mode {
        match r {
            0 => Mode::Monolithic,
            1 => Mode::SimpleScalable,
            _ => Mode::Distributed,
        }
    }

    /// The community chart's `deploymentMode` name.
    pub fn chart_name(self) -> &'static str {
        match self {
            Mode::Monolithic => "SingleBinary",
            Mode::SimpleScalable => "SimpleScalable",
            Mode::Distributed => "Distributed",
        }
    }

    /// The mode one step from `self` towards `target` (`self` when they are equal).
    pub fn toward(self, target: Mode) -> Mode {
        match self.rank().cmp(&target.rank()) {
            std::cmp::Ordering::Less => Mode::of_rank(self.rank() + 1),
            std::cmp::Ordering::Greater => Mode::of_rank(self.rank() - 1),
            std::cmp::Ordering::Equal => self,
        }
    }
}

/// With `per-component` ports, the slots of a transition's incoming set are its mode's
/// slots plus this, so the two sets never share a port (single-binary and write, write and
/// distributor all have slot 1) and a flow log still names the component.
pub const TRANSITION_SLOT_OFFSET: u16 = 10;

impl Stage {
    /// One mode, no transition.
    pub const fn single(mode: Mode) -> Stage {
        Stage { mode, to: None }
    }

    /// A transition of neighbours, for the table above ([`Stage::new`] checks).
    const fn moving(mode: Mode, to: Mode) -> Stage {
        Stage { mode, to: Some(to) }
    }

    /// A transition from `mode` to `to`, which must be its neighbour.
    pub fn new(mode: Mode, to: Mode) -> Result<Stage, StageError> {
        if mode == to {
            Err(StageError::Same)
        } else if mode.rank().abs_diff(to.rank()) > 1 {
            Err(StageError::NotNeighbours)
        } else {
            Ok(Stage { mode, to: Some(to) })
        }
    }

    /// A `mode:` spelling: a mode's, or a transitional one of the community chart.
    pub fn from_spelling(s: &str) -> Option<Stage> {
        if let Some(m) = Mode::from_spelling(s) {
            return Some(Stage::single(m));
        }
        Stage::of_deployment_mode(s).filter(|st| st.to.is_some())
    }

    /// Every spelling `mode:` accepts: the modes', then the transitional ones.
    pub fn spellings() -> impl Iterator<Item = &'static str> {
        let transitional = CHART_MODES.iter().filter(|(_, st)| st.to.is_some());
        Mode::spellings().chain(transitional.map(|(n, _)| *n))
    }

    /// The transitional spellings of the community chart that name `mode` -> `to`.
    pub fn transition_spellings(mode: Mode, to: Mode) -> impl Iterator<Item = &'static str> {
        let wanted = Stage::moving(mode, to);
        CHART_MODES
            .iter()
            .filter(move |(_, st)| *st == wanted)
            .map(|(n, _)| *n)
    }

    /// The modes whose workloads run: the serving one first.
    pub fn modes(self) -> Vec<Mode> {
        std::iter::once(self.mode).chain(self.to).collect()
    }

    /// Whether `c` runs in this stage (in either set).
    pub fn runs(self, c: Component) -> bool {
        self.modes().iter().any(|m| m.components().contains(&c))
    }

    /// Every component that runs: the serving set's, then the incoming set's.
    pub fn components(self) -> Vec<Component> {
        self.modes()
            .iter()
            .flat_map(|m| m.components().iter().copied())
            .collect()
    }

    /// `c`'s slot in the per-component layout when the model gives none: its own, plus
    /// [`TRANSITION_SLOT_OFFSET`] in a transition's incoming set.
    pub fn default_slot(self, c: Component) -> u16 {
        if self.to.is_some_and(|to| to.components().contains(&c)) {
            c.default_slot() + TRANSITION_SLOT_OFFSET
        } else {
            c.default_slot()
        }
    }

    /// The mode that runs `c`: the serving mode's set first.
    pub fn mode_of(self, c: Component) -> Option<Mode> {
        self.modes()
            .into_iter()
            .find(|m| m.components().contains(&c))
    }

    /// The community chart's `deploymentMode` for this stage (a transition is named with
    /// the smaller mode first, as the chart does, whichever way it goes).
    pub fn chart_name(self) -> String {
        match self.to {
            None => self.mode.chart_name().to_owned(),
            Some(to) => {
                let (a, b) = if self.mode.rank() < to.rank() {
                    (self.mode, to)
                } else {
                    (to, self.mode)
                };
                format!("{}<->{}", a.chart_name(), b.chart_name())
            }
        }
    }

    /// The next stage on the way to `target`: from a mode, the transition to its neighbour;
    /// from a transition, the mode it moves to (or back, when `target` lies the other way).
    /// `None` once `target` is reached.
    pub fn next_toward(self, target: Mode) -> Option<Stage> {
        match self.to {
            None if self.mode == target => None,
            None => Some(Stage {
                mode: self.mode,
                to: Some(self.mode.toward(target)),
            }),
            Some(to) => {
                // Finish the transition when it heads towards target, else go back.
                let ahead =
                    to.rank().abs_diff(target.rank()) <= self.mode.rank().abs_diff(target.rank());
                Some(Stage::single(if ahead { to } else { self.mode }))
            }
        }
    }

    /// Every stage from `self` to `target`, `self` excluded.
    pub fn path_to(self, target: Mode) -> Vec<Stage> {
        let mut out = Vec::new();
        let mut at = self;
        while let Some(next) = at.next_toward(target) {
            out.push(next);
            at = next;
        }
        out
    }

    /// How the model says this stage: `mode: monolithic` or
    /// `mode: monolithic, transition: simple-scalable`.
    pub fn model_keys(self) -> String {
        match self.to {
            None => format!("`mode: {}`", self.mode),
            Some(to) => format!("`mode: {}` with `transition: {to}`", self.mode),
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            None => write!(f, "{}", self.mode),
            Some(to) => write!(f, "{} -> {to} (transition)", self.mode),
        }
    }
}

impl<'de> Deserialize<'de> for Stage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Stage::from_spelling(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{}` is not one of {}",
                s.escape_debug(),
                Stage::spellings().collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

impl JsonSchema for Stage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DeploymentMode".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "How Loki is split into processes: `monolithic`, `simple-scalable` or `distributed`; the community chart's `SingleBinary`, `Monolithic`, `SimpleScalable` and `Distributed` are accepted too, and its transitional `SingleBinary<->SimpleScalable` (`Monolithic<->SimpleScalable`) and `SimpleScalable<->Distributed`, which run both modes' workloads with the gateway on the first (the same as `mode:` with `transition:`).",
            "type": "string",
            "enum": Stage::spellings().collect::<Vec<_>>(),
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use Mode::*;

    #[test]
    fn only_neighbours_are_a_transition() {
        assert!(Stage::new(Monolithic, SimpleScalable).is_ok());
        assert!(Stage::new(Distributed, SimpleScalable).is_ok());
        assert_eq!(
            Stage::new(Monolithic, Distributed),
            Err(StageError::NotNeighbours)
        );
        assert_eq!(Stage::new(Distributed, Distributed), Err(StageError::Same));
    }

    #[test]
    fn the_charts_spellings_are_stages() {
        let t = Stage::from_spelling("Monolithic<->SimpleScalable").unwrap();
        assert_eq!((t.mode, t.to), (Monolithic, Some(SimpleScalable)));
        assert_eq!(t.chart_name(), "SingleBinary<->SimpleScalable");
        let back = Stage::new(Distributed, SimpleScalable).unwrap();
        assert_eq!(back.chart_name(), "SimpleScalable<->Distributed");
        assert_eq!(
            Stage::from_spelling("SingleBinary"),
            Some(Stage::single(Monolithic))
        );
        assert_eq!(Stage::from_spelling("monolithic<->distributed"), None);
    }

    #[test]
    fn the_path_goes_one_stage_at_a_time() {
        let names: Vec<String> = Stage::single(Monolithic)
            .path_to(Distributed)
            .iter()
            .map(|s| s.chart_name())
            .collect();
        assert_eq!(
            names,
            [
                "SingleBinary<->SimpleScalable",
                "SimpleScalable",
                "SimpleScalable<->Distributed",
                "Distributed"
            ]
        );
        // Half-way the other way: go back first.
        let t = Stage::new(SimpleScalable, Distributed).unwrap();
        assert_eq!(
            t.next_toward(Monolithic),
            Some(Stage::single(SimpleScalable))
        );
        assert_eq!(t.next_toward(Distributed), Some(Stage::single(Distributed)));
        assert_eq!(Stage::single(Distributed).next_toward(Distributed), None);
    }

    #[test]
    fn the_incoming_set_takes_offset_slots() {
        let t = Stage::new(Monolithic, SimpleScalable).unwrap();
        assert_eq!(t.default_slot(Component::SingleBinary), 1);
        assert_eq!(t.default_slot(Component::Write), 11);
        assert_eq!(
            Stage::single(SimpleScalable).default_slot(Component::Write),
            1
        );
    }
}
