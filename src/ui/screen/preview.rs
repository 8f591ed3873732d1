//! An outcome (or a step) seen from search, read-only: what it says, and which answers would
//! lead there from the answers given so far ([`crate::engine::reach::answers_leading_to`]).
//! Nothing is assumed on the agent's behalf and nothing changes.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::Reply;
use super::walk::content::source_parts;
use crate::engine::reach::answers_leading_to;
use crate::runbook::NodeRef;
use crate::runbook::model::{Actor, Node};
use crate::text::{sanitize_line, sanitize_text};
use crate::ui::app::App;
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::scroll::{Scroll, len_u16};
use crate::ui::view::layout::regions_of;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, draw_boxed, hanging, para};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewScreen {
    pub node: NodeRef,
    /// The answers that would lead there, in the order they would be asked; None when no
    /// continuation from here reaches it.
    pub lead: Option<Vec<(String, String)>>,
    pub scroll: Scroll,
}

impl PreviewScreen {
    pub fn open(node: NodeRef, app: &App) -> Self {
        let lead = answers_leading_to(&app.set, &app.session.walk, &node);
        Self { node, lead, scroll: Scroll::default() }
    }

    /// Inside the border of a body of `body`.
    fn inner(body: Rect) -> Rect {
        Rect::new(body.x + 1, body.y + 1, body.width.saturating_sub(2), body.height.saturating_sub(2))
    }

    pub fn key(&mut self, action: Action, app: &mut App) -> Reply {
        let inner = Self::inner(regions_of(app.size).main);
        let total = self.lines(app, inner.width as usize, &Theme::new(app.opts.no_color)).len();
        let max = Scroll::max_for(total, inner.height);
        let page = Scroll::page(inner.height);
        if action == Action::Close {
            return Reply::close();
        }
        self.scroll.on_key(action, page, max);
        Reply::stay()
    }

    pub fn lines(&self, app: &App, w: usize, theme: &Theme) -> Vec<Line<'static>> {
        let mut out = para("Preview from search: nothing here is recorded.", w, theme.dim());
        match app.set.node(&self.node) {
            Some(Node::Outcome(o)) => {
                let banner = if o.escalate {
                    "!! would ESCALATE TO TIER 2"
                } else if o.resolved_on_call {
                    "✔ would be RESOLVED ON THE CALL"
                } else {
                    "● would be CLASSIFIED: no escalation needed"
                };
                out.push(Line::styled(banner, theme.bold()));
                out.extend(hanging(
                    vec![Span::styled("Class ", theme.dim())],
                    &sanitize_line(&o.class),
                    w,
                    theme.bold(),
                ));
                out.extend(para(&sanitize_line(&o.title), w, theme.bold()));
                out.push(Line::raw(""));
                out.extend(para(&sanitize_text(&o.summary), w, theme.plain()));
                if !o.remediation.is_empty() {
                    out.push(Line::raw(""));
                    out.push(Line::styled("Remediation", theme.bold()));
                    for r in &o.remediation {
                        let by = match r.by {
                            Some(Actor::User) => " (user)",
                            Some(Actor::Agent) => " (agent)",
                            Some(Actor::Admin) => " (admin)",
                            None => "",
                        };
                        let text = format!("{}{by} [{}]", sanitize_line(&r.text), sanitize_line(&r.source));
                        out.extend(hanging(vec![Span::raw("  • ")], &text, w, theme.plain()));
                    }
                }
            }
            Some(Node::Step(s)) => {
                out.push(Line::styled("A step to do with the user", theme.bold()));
                out.extend(para(&sanitize_line(&s.title), w, theme.bold()));
                out.push(Line::raw(""));
                out.extend(para(&sanitize_text(&s.instruction), w, theme.plain()));
                if let Some((title, url)) = source_parts(&app.set, &self.node, &s.source) {
                    out.extend(hanging(vec![Span::styled("Source: ", theme.bold())], &title, w, theme.plain()));
                    out.extend(hanging(vec![Span::raw("    ")], &url, w, theme.input()));
                }
            }
            _ => out.extend(para("This is no longer in the runbooks.", w, theme.error())),
        }
        out.push(Line::raw(""));
        out.push(Line::styled("What would lead here from the answers given", theme.bold()));
        match &self.lead {
            Some(steps) if steps.is_empty() => {
                out.extend(para("Nothing more: the diagnosis is there.", w, theme.plain()))
            }
            Some(steps) => {
                for (fact, value) in steps {
                    let shown = if value == "(typed)" { "a typed answer".to_string() } else { sanitize_line(value) };
                    out.extend(hanging(
                        vec![Span::raw("  • ")],
                        &format!("{} = {shown}", sanitize_line(fact)),
                        w,
                        theme.plain(),
                    ));
                }
                out.extend(para("These are what the user would have to say; none is assumed.", w, theme.dim()));
            }
            None => {
                let back = keymap::key_for(&KeyContext::new(Screen::Question), Action::Back)
                    .map(|k| format!(" {k} on the diagnosis goes back to change one."))
                    .unwrap_or_default();
                out.extend(para(
                    &format!("No answer from here leads there: an earlier answer rules it out.{back}"),
                    w,
                    theme.plain(),
                ));
            }
        }
        out
    }

    pub fn render(&self, app: &App, frame: &mut Frame, area: Rect, theme: &Theme) {
        let inner = Self::inner(area);
        let lines = self.lines(app, inner.width as usize, theme);
        let scroll = self.scroll.offset().min(Scroll::max_for(lines.len(), inner.height));
        let mut b = block(Line::styled(" Preview (read-only) ", theme.bold()), theme, true);
        if len_u16(lines.len()) > scroll.saturating_add(inner.height) {
            let k = keymap::key_for(&KeyContext::new(Screen::Preview), Action::PageDown).unwrap_or_default();
            b = b.title_bottom(Line::styled(format!(" ↓ more below: {k} "), theme.bold()).right_aligned());
        }
        draw_boxed(frame, area, b, &lines, scroll);
    }
}
