//! The stage on the migration path: the model's `mode`, and its `transition` when it has
//! one. Only neighbours may be in a transition; the error names the way through.

use super::Resolver;
use crate::model::{Mode, Stage, StageError};

impl Resolver<'_> {
    /// The stage the model asks for. An impossible transition is a located error at
    /// `transition` (the stage is then the mode alone, so the rest resolves as usual).
    pub(super) fn stage(&mut self) -> Stage {
        let m = &self.lm.model;
        let written = m.mode;
        let Some(to) = m.transition else {
            return written;
        };
        if written.to.is_some() {
            let spelled = written.chart_name();
            self.err_key(
                "/transition",
                format!("`mode: {spelled}` names its transition already"),
            )
            .hint = Some(format!(
                "remove `transition`, or write it out: `mode: {}` with `transition: {}`",
                written.mode,
                written.to.unwrap_or(to)
            ));
            return written;
        }
        let mode = written.mode;
        match Stage::new(mode, to) {
            Ok(s) => s,
            Err(StageError::Same) => {
                self.err_value(
                    "/transition",
                    format!("`transition: {to}` is the mode the model already runs"),
                )
                .hint = Some(format!(
                    "remove `transition`, or name the mode to move to: {}",
                    neighbours(mode)
                ));
                Stage::single(mode)
            }
            Err(StageError::NotNeighbours) => {
                let path: Vec<String> = Stage::single(mode)
                    .path_to(to)
                    .iter()
                    .map(|s| s.model_keys())
                    .collect();
                self.err_value(
                    "/transition",
                    format!(
                        "{mode} cannot move to {to} in one transition: Loki's modes migrate between neighbours only, through simple-scalable"
                    ),
                )
                .hint = Some(format!(
                    "set `transition: {}` first; the way to {to}: {}",
                    mode.toward(to),
                    path.join(", then ")
                ));
                Stage::single(mode)
            }
        }
    }
}

/// The modes `mode` may move to, for messages.
fn neighbours(mode: Mode) -> String {
    [Mode::Monolithic, Mode::SimpleScalable, Mode::Distributed]
        .into_iter()
        .filter(|&to| Stage::new(mode, to).is_ok())
        .map(Mode::as_str)
        .collect::<Vec<_>>()
        .join(" or ")
}
