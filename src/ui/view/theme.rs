//! Styles. Meaning is always carried by words and symbols too; colour only reinforces it, and
//! with `NO_COLOR` only text attributes (bold, reverse, underline) are used. Filled colours
//! always set both foreground and background, so banners read the same on dark and light
//! terminals; plain text keeps the terminal's own colours.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Self {
        Self { color: !no_color }
    }

    pub fn plain(&self) -> Style {
        Style::default()
    }

    pub fn bold(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    pub fn header(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// The highlighted answer / item.
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    /// A key name in the footer and help.
    pub fn key(&self) -> Style {
        if self.color {
            Style::default().add_modifier(Modifier::BOLD).fg(Color::Blue)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn escalate(&self) -> Style {
        if self.color {
            Style::default().fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn resolved(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Black).bg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn classified(&self) -> Style {
        if self.color {
            Style::default().fg(Color::White).bg(Color::Blue).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }

    pub fn error(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Red).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    pub fn warn(&self) -> Style {
        if self.color {
            Style::default().fg(Color::Magenta).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        }
    }

    /// A matrix row that applies to the current client.
    pub fn matched(&self) -> Style {
        if self.color {
            Style::default().fg(Color::White).bg(Color::Blue).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    pub fn good(&self) -> Style {
        if self.color { Style::default().fg(Color::Green) } else { Style::default() }
    }

    pub fn bad(&self) -> Style {
        if self.color { Style::default().fg(Color::Red) } else { Style::default() }
    }

    /// A focused text input.
    pub fn input(&self) -> Style {
        Style::default().add_modifier(Modifier::UNDERLINED)
    }

    pub fn border(&self) -> Style {
        Style::default()
    }

    pub fn focused_border(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
}
