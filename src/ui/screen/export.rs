//! The `e` picker: the export formats, numbered, each with what it is for (from
//! [`Format::ALL`], so a new format shows here by itself).

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::Reply;
use crate::export::Format;
use crate::ui::app::{App, Effect};
use crate::ui::keymap::{self, Action, KeyContext, Screen};
use crate::ui::scroll::len_u16;
use crate::ui::view::theme::Theme;
use crate::ui::view::{block, centered, draw_boxed, hanging, para};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportScreen {
    /// The highlighted format (index into [`Format::ALL`]).
    pub pick: usize,
}

impl ExportScreen {
    /// Opens on the configured format.
    pub fn open(first: Format) -> Self {
        Self { pick: Format::ALL.iter().position(|f| *f == first).unwrap_or(0) }
    }

    pub fn key(&mut self, action: Action, key: &KeyEvent, app: &mut App) -> Reply {
        match action {
            Action::Choose => match keymap::digit_index(key).and_then(|i| Format::ALL.get(i)) {
                Some(f) => Reply::close_with(export(app, *f)),
                None => {
                    let all: Vec<String> =
                        Format::ALL.iter().enumerate().map(|(i, f)| format!("{} {}", i + 1, f.label())).collect();
                    app.warn(format!("There is no format {}: {}.", keymap::key_name(key), all.join(", ")));
                    Reply::stay()
                }
            },
            Action::Up => {
                self.pick = self.pick.saturating_sub(1);
                Reply::stay()
            }
            Action::Down => {
                self.pick = (self.pick + 1).min(Format::ALL.len() - 1);
                Reply::stay()
            }
            Action::Select => match Format::ALL.get(self.pick) {
                Some(f) => Reply::close_with(export(app, *f)),
                None => Reply::stay(),
            },
            Action::Cancel => Reply::close(),
            _ => Reply::stay(),
        }
    }

    pub fn render(&self, app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
        let w = body.width.saturating_sub(4).min(72);
        let inner = w.saturating_sub(4) as usize;
        let mut lines = para("Export this call as:", inner, theme.plain());
        lines.push(Line::raw(""));
        for (i, f) in Format::ALL.iter().enumerate() {
            let on = i == self.pick;
            let style = if on { theme.selected() } else { theme.plain() };
            let prefix = vec![
                Span::raw(if on { "▶ " } else { "  " }),
                Span::styled(format!("{} ", i + 1), if on { style } else { theme.key() }),
            ];
            lines.extend(hanging(prefix, &format!("{}: {}", f.label(), f.purpose()), inner, style));
        }
        lines.push(Line::raw(""));
        let redact = if app.opts.redact { " Redacted (config.toml: redact = true)." } else { "" };
        lines.extend(para(
            &format!("A new file in the export folder (never overwritten) and the clipboard.{redact}"),
            inner,
            theme.dim(),
        ));
        lines.push(Line::raw(""));
        let ctx = KeyContext { items: Format::ALL.len(), ..KeyContext::new(Screen::Export) };
        let key = |a: Action| keymap::key_for(&ctx, a).unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(key(Action::Choose), theme.key()),
            Span::raw(" or "),
            Span::styled(key(Action::Select), theme.key()),
            Span::raw(" export   "),
            Span::styled(key(Action::Cancel), theme.key()),
            Span::raw(" cancel"),
        ]));
        let h = len_u16(lines.len()).saturating_add(2);
        let area = centered(body, w, h);
        frame.render_widget(Clear, area);
        let b = block(Line::styled(" Export ", theme.bold()), theme, true)
            .padding(ratatui::widgets::Padding::horizontal(1));
        draw_boxed(frame, area, b, &lines, 0);
    }
}

/// Exports in `format` (the notes as typed so far included).
fn export(app: &mut App, format: Format) -> Vec<Effect> {
    app.info(format!("Exporting {}…", format.label()));
    let mut fx = Vec::new();
    if app.sync_notes() {
        fx.push(Effect::Persist);
    }
    fx.push(Effect::Export(format));
    fx
}
