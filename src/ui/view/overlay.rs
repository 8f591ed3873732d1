//! Pop-ups: confirmations (restart, quit) and the export format picker.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Clear;

use super::theme::Theme;
use super::{block, centered, para};
use crate::ui::app::{App, Confirm, EXPORT_FORMATS};

pub fn render_confirm(app: &App, what: Confirm, frame: &mut Frame, body: Rect, theme: &Theme) {
    let (title, text) = match what {
        Confirm::Restart if app.session.continued_from.is_some() => (
            " Restart? ",
            "Start the diagnosis over? Every answer is dropped, tier 1's included (the package and the tier-1 session keep them); facts from a facts file and your notes are kept.",
        ),
        Confirm::Restart => (
            " Restart? ",
            "Start the diagnosis over? The answers given on this call are dropped; facts from the facts file and your notes are kept.",
        ),
        Confirm::Quit => (
            " Quit? ",
            if app.save_failed {
                "The last save failed: quitting now loses this call's answers and notes."
            } else {
                "This call is not saved: quitting loses its answers, ticks and notes."
            },
        ),
    };
    let w = body.width.saturating_sub(4).min(64);
    let mut lines = para(text, w.saturating_sub(4) as usize, theme.plain());
    lines.push(Line::raw(""));
    let yes = if what == Confirm::Quit { " quit   " } else { " restart   " };
    lines.push(Line::from(vec![
        Span::styled("y", theme.key()),
        Span::raw(yes),
        Span::styled("n", theme.key()),
        Span::raw(" / "),
        Span::styled("Esc", theme.key()),
        Span::raw(" keep going"),
    ]));
    let h = super::len_u16(lines.len()).saturating_add(2);
    let area = centered(body, w, h);
    frame.render_widget(Clear, area);
    let b = block(Line::styled(title, theme.bold()), theme, true).padding(ratatui::widgets::Padding::horizontal(1));
    super::draw_boxed(frame, area, b, &lines, 0);
}

/// The `e` picker: numbered formats, the highlighted one marked, what each is for.
pub fn render_export(app: &App, frame: &mut Frame, body: Rect, theme: &Theme) {
    let w = body.width.saturating_sub(4).min(72);
    let inner = w.saturating_sub(4) as usize;
    let mut lines = para("Export this call as:", inner, theme.plain());
    lines.push(Line::raw(""));
    for (i, (_, name, what)) in EXPORT_FORMATS.iter().enumerate() {
        let on = i == app.export_pick;
        let style = if on { theme.selected() } else { theme.plain() };
        let prefix = vec![
            Span::raw(if on { "▶ " } else { "  " }),
            Span::styled(format!("{} ", i + 1), if on { style } else { theme.key() }),
        ];
        lines.extend(super::hanging(prefix, &format!("{name}: {what}"), inner, style));
    }
    lines.push(Line::raw(""));
    let redact = if app.opts.redact { " Redacted (config.toml: redact = true)." } else { "" };
    lines.extend(para(
        &format!("A new file in the export folder (never overwritten) and the clipboard.{redact}"),
        inner,
        theme.dim(),
    ));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("1-3", theme.key()),
        Span::raw(" or "),
        Span::styled("Enter", theme.key()),
        Span::raw(" export   "),
        Span::styled("Esc", theme.key()),
        Span::raw(" cancel"),
    ]));
    let h = super::len_u16(lines.len()).saturating_add(2);
    let area = centered(body, w, h);
    frame.render_widget(Clear, area);
    let b =
        block(Line::styled(" Export ", theme.bold()), theme, true).padding(ratatui::widgets::Padding::horizontal(1));
    super::draw_boxed(frame, area, b, &lines, 0);
}
