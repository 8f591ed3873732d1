//! The regions of a frame:
//!
//! ```text
//! ┌ header: ticket, user, agent │ state, call timer ─────────────────┐
//! │ main panel (the screen)                 │ side panel (≥ 80 cols) │  body
//! ├ status line: the latest message ────────────────────────────────-┤
//! └ footer: key hints from the keymap ───────────────────────────────┘
//! ```
//!
//! Plain arithmetic: these splits are fixed, and the constraint solver is the slowest part of a
//! first frame.

use ratatui::layout::Rect;

/// Below this the wizard asks for a larger window.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The regions of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    /// Main panel and side panel together (search and matrix use all of it).
    pub body: Rect,
    pub main: Rect,
    pub side: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// Splits the frame. The side panel shows from 80 columns up.
pub fn regions(area: Rect) -> Regions {
    let row = |y: u16, h: u16| Rect::new(area.x, y, area.width, h);
    let h = area.height;
    let header = row(area.y, h.min(1));
    let body_h = h.saturating_sub(3);
    let body = row(area.y + header.height, body_h);
    let status = row(body.bottom(), h.saturating_sub(header.height + body_h).min(1));
    let footer = row(status.bottom(), h.saturating_sub(header.height + body_h + status.height).min(1));
    let side_w = match body.width {
        w if w >= 120 => 40,
        w if w >= 100 => 34,
        w if w >= 80 => 28,
        _ => 0,
    };
    let (main, side) = if side_w > 0 {
        let main = Rect::new(body.x, body.y, body.width - side_w, body.height);
        (main, Some(Rect::new(main.right(), body.y, side_w, body.height)))
    } else {
        (body, None)
    };
    Regions { header, body, main, side, status, footer }
}

/// The regions of a terminal of `size` (columns, rows), as `update` sees it.
pub fn regions_of(size: (u16, u16)) -> Regions {
    regions(Rect::new(0, 0, size.0, size.1))
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}
