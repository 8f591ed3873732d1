//! The one table of key bindings. `resolve` maps a key to an action, `help` lists the bindings
//! of a screen for `?`, and `hints` builds the footer, all from the same entries, so what the
//! screen advertises is exactly what the keys do. A binding whose `when` is false (e.g. "back"
//! on the first question) is neither shown nor active.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Which key set is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Ticket / user / agent fields before the diagnosis.
    Start,
    /// An unfinished session highlighted on the start screen.
    Resume,
    /// A question with numbered answers.
    Question,
    /// A question's typed-answer line has the focus.
    Entry,
    /// Something the user does, with its result.
    Step,
    /// The classified outcome and its checklist.
    Outcome,
    Notes,
    Search,
    Matrix,
    /// Every fact known so far (`f`).
    Facts,
    /// A question asked now from search, its listed answers highlighted.
    Aside,
    /// A question asked now from search, its typed line focused.
    AsideEntry,
    /// An outcome or step seen from search, read-only.
    Preview,
    Help,
    Confirm,
    /// The `e` format picker.
    Export,
    /// `i`: a sign-in log's path to type, or its entries to paste.
    Import,
    /// `i`: several entries matched; pick one.
    ImportPick,
    /// `p`: post the note to the ticket? (names the system and the ticket)
    Post,
    /// `w`: how the walk got here, over the diagnosis.
    Why,
}

impl Screen {
    pub fn title(self) -> &'static str {
        match self {
            Screen::Start => "Start",
            Screen::Resume => "Start: resume an unfinished call",
            Screen::Question => "Question",
            Screen::Entry => "Question: typing an answer",
            Screen::Step => "Step",
            Screen::Outcome => "Outcome",
            Screen::Notes => "Notes",
            Screen::Search => "Search",
            Screen::Matrix => "Compatibility matrix",
            Screen::Facts => "Facts known so far",
            Screen::Aside => "Asked now, from search",
            Screen::AsideEntry => "Asked now, from search: typing an answer",
            Screen::Preview => "Preview from search (read-only)",
            Screen::Help => "Help",
            Screen::Confirm => "Confirm",
            Screen::Export => "Export ticket notes",
            Screen::Import => "Import a sign-in log",
            Screen::ImportPick => "Import a sign-in log: pick the entry",
            Screen::Post => "Post the note to the ticket",
            Screen::Why => "Why am I asked this? (how the walk got here)",
        }
    }

    /// Screens where letters are text, so `?` and `q` type instead of acting.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Screen::Start | Screen::Entry | Screen::AsideEntry | Screen::Notes | Screen::Search | Screen::Import
        )
    }
}

/// What the app knows that decides which bindings apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyContext {
    pub screen: Screen,
    /// Answers (question, step), checklist items (outcome) or results (search).
    pub items: usize,
    /// The question also takes a typed answer.
    pub typed: bool,
    /// The focused text input is empty.
    pub input_empty: bool,
    pub can_back: bool,
    pub can_restart: bool,
    pub can_export: bool,
    /// A help desk is configured (`[ticketing]`): `p` posts the note on the outcome.
    pub can_post: bool,
    /// The outcome escalates and there is a tier-2 queue to put the package in.
    pub can_escalate: bool,
}

impl KeyContext {
    pub fn new(screen: Screen) -> Self {
        Self {
            screen,
            items: 0,
            typed: false,
            input_empty: true,
            can_back: false,
            can_restart: false,
            can_export: false,
            can_post: false,
            can_escalate: false,
        }
    }
}

/// What a key asks for. Payloads (which digit, which character) are read from the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// 1–9: answer N / tick remediation step N.
    Choose,
    Up,
    Down,
    PageUp,
    PageDown,
    /// Enter on a list: take the highlighted item.
    Select,
    /// Space on the checklist.
    Toggle,
    Back,
    Why,
    /// Put the focus on the typed-answer line.
    TypeAnswer,
    /// Leave the typed-answer line for the listed answers.
    LeaveInput,
    Restart,
    Notes,
    Search,
    Matrix,
    Help,
    Export,
    /// `p` on the outcome: post the note to the call's ticket (asks first).
    Post,
    /// Put the escalation package in the tier-2 queue.
    Escalate,
    /// `q`: quit, asking first if something would be lost.
    Quit,
    /// Ctrl-C: quit now.
    ForceQuit,
    /// Esc: leave the current screen.
    Close,
    Confirm,
    Cancel,
    // Text editing.
    Insert,
    DeleteBack,
    DeleteForward,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    /// Enter in a text input.
    Submit,
    NextField,
    PrevField,
    /// Hand the key to the notes editor.
    Edit,
    /// Enter on an empty typed line: the user can't tell (answers `unknown`).
    CantTell,
    /// `f`: every fact known so far.
    Facts,
    /// `i`: import the user's sign-in from a log export.
    Import,
}

/// A key pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pat {
    Code(KeyCode),
    Char(char),
    Ctrl(char),
    /// 1–9.
    Digits,
    /// Any character typed without Ctrl/Alt.
    Printable,
    Any,
}

impl Pat {
    pub fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        // AltGr arrives as Ctrl+Alt on Windows: that is typing, not a shortcut.
        let plain = ctrl == alt;
        match self {
            Pat::Code(c) => key.code == c && !ctrl && !alt,
            Pat::Char(ch) => key.code == KeyCode::Char(ch) && !ctrl && !alt,
            Pat::Ctrl(ch) => ctrl && !alt && matches!(key.code, KeyCode::Char(c) if c.eq_ignore_ascii_case(&ch)),
            Pat::Digits => matches!(key.code, KeyCode::Char('1'..='9')) && !ctrl && !alt,
            Pat::Printable => matches!(key.code, KeyCode::Char(c) if !c.is_control()) && plain,
            Pat::Any => true,
        }
    }
}

impl Pat {
    /// The key as text names it ("Enter", "?", "Ctrl-C"); None for patterns that stand for
    /// many keys.
    pub fn name(self) -> Option<String> {
        match self {
            Pat::Code(c) => Some(code_name(c)),
            Pat::Char(c) => Some(code_name(KeyCode::Char(c))),
            Pat::Ctrl(c) => Some(format!("Ctrl-{}", c.to_ascii_uppercase())),
            Pat::Digits => Some("1-9".into()),
            Pat::Printable | Pat::Any => None,
        }
    }
}

/// A key code as text names it. A typed character is shown as typed, control and bidi
/// characters neutralised.
fn code_name(code: KeyCode) -> String {
    match code {
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Char(' ') => "Space".into(),
        KeyCode::Char(c) => crate::text::sanitize_line(&c.to_string()),
        other => format!("{other:?}"),
    }
}

/// A key as it was pressed, for the status line ("Ctrl-X does nothing here").
pub fn key_name(key: &KeyEvent) -> String {
    let mut name = String::new();
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        name.push_str("Ctrl-");
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        name.push_str("Alt-");
    }
    name.push_str(&code_name(key.code));
    name
}

/// One binding: keys, what they do, when they apply, and how help and the footer show them.
#[derive(Debug)]
pub struct Binding {
    pub pats: &'static [Pat],
    /// The keys as help shows them.
    pub keys: &'static str,
    /// What help says; empty for a binding another row already describes.
    pub help: &'static str,
    /// Footer hint: (keys, label).
    pub hint: Option<(&'static str, &'static str)>,
    pub action: Action,
    pub when: fn(&KeyContext) -> bool,
}

fn always(_: &KeyContext) -> bool {
    true
}
fn has_items(c: &KeyContext) -> bool {
    c.items > 0
}
fn no_items(c: &KeyContext) -> bool {
    c.items == 0
}
fn has_many(c: &KeyContext) -> bool {
    c.items > 1
}
/// ↑↓ on a typed question: ↑ from the first listed answer goes back to the typed line.
fn movable(c: &KeyContext) -> bool {
    c.items > 1 || (c.typed && c.items > 0)
}
fn many_untyped(c: &KeyContext) -> bool {
    c.items > 1 && !c.typed
}
fn typed_items(c: &KeyContext) -> bool {
    c.typed && c.items > 0
}
fn can_back(c: &KeyContext) -> bool {
    c.can_back
}
fn can_restart(c: &KeyContext) -> bool {
    c.can_restart
}
fn can_export(c: &KeyContext) -> bool {
    c.can_export
}
fn can_post(c: &KeyContext) -> bool {
    c.can_post
}
fn can_escalate(c: &KeyContext) -> bool {
    c.can_escalate
}
fn typed(c: &KeyContext) -> bool {
    c.typed
}
fn has_text(c: &KeyContext) -> bool {
    !c.input_empty
}
fn empty(c: &KeyContext) -> bool {
    c.input_empty
}
fn empty_can_back(c: &KeyContext) -> bool {
    c.input_empty && c.can_back
}

use Action as A;
use KeyCode as K;
use Pat as P;

macro_rules! b {
    ($pats:expr, $keys:expr, $help:expr, $hint:expr, $action:expr) => {
        b!($pats, $keys, $help, $hint, $action, always)
    };
    ($pats:expr, $keys:expr, $help:expr, $hint:expr, $action:expr, $when:expr) => {
        Binding { pats: $pats, keys: $keys, help: $help, hint: $hint, action: $action, when: $when }
    };
}

/// Checked before everything else, on every screen.
const GLOBAL: &[Binding] = &[
    b!(&[P::Ctrl('c')], "Ctrl-C", "quit now, from any screen (nothing is asked)", None, A::ForceQuit),
    b!(&[P::Code(K::F(1))], "F1", "help for this screen (also ? where ? is not text)", None, A::Help),
];

/// Same keys as `GLOBAL`, for text screens, where the footer must show them.
const GLOBAL_TEXT: &[Binding] = &[
    b!(
        &[P::Ctrl('c')],
        "Ctrl-C",
        "quit now, from any screen (nothing is asked)",
        Some(("Ctrl-C", "quit")),
        A::ForceQuit
    ),
    b!(&[P::Code(K::F(1))], "F1", "help for this screen", Some(("F1", "help")), A::Help),
];

/// The keys every diagnosis screen (question, step, outcome) shares.
const WALK_COMMON: &[Binding] = &[
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll this panel", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(
        &[P::Char('/')],
        "/",
        "search questions, outcomes, classes and error codes: ask a question now, or preview an outcome (no answer changes)",
        Some(("/", "search")),
        A::Search
    ),
    b!(&[P::Char('n')], "n", "notes for the ticket (kept with the session)", Some(("n", "notes")), A::Notes),
    b!(
        &[P::Char('m')],
        "m",
        "compatibility matrix: rows for this client highlighted; at an outcome the matrix decided, opens on that row",
        Some(("m", "matrix")),
        A::Matrix
    ),
    b!(&[P::Char('f')], "f", "every fact known so far, and where each came from", Some(("f", "facts")), A::Facts),
    b!(
        &[P::Char('i')],
        "i",
        "import the user's sign-in from a log export: a file path, or paste the entries",
        Some(("i", "import log")),
        A::Import
    ),
    b!(
        &[P::Char('e')],
        "e",
        "export ticket notes (Markdown, text) or the escalation package (JSON) to a file and the clipboard",
        Some(("e", "export")),
        A::Export,
        can_export
    ),
    b!(
        &[P::Char('r')],
        "r",
        "restart the diagnosis (asks first; notes are kept)",
        Some(("r", "restart")),
        A::Restart,
        can_restart
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
    b!(&[P::Char('q')], "q", "quit (asks first if something would be lost)", Some(("q", "quit")), A::Quit),
];

const QUESTION: &[Binding] = &[
    b!(&[P::Digits], "1-9", "choose that answer", Some(("1-9", "choose")), A::Choose, has_items),
    // One hint for moving and choosing, so a 100-column footer keeps `f facts`.
    b!(
        &[P::Code(K::Up), P::Char('k')],
        "↑ k",
        "highlight the answer above",
        Some(("↑↓ Enter", "pick")),
        A::Up,
        many_untyped
    ),
    b!(
        &[P::Code(K::Up), P::Char('k')],
        "↑ k",
        "highlight the answer above; from the first, back to the typed line",
        Some(("↑↓ Enter", "pick")),
        A::Up,
        typed_items
    ),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the answer below", None, A::Down, movable),
    b!(&[P::Code(K::Enter)], "Enter", "choose the highlighted answer", None, A::Select, has_items),
    b!(&[P::Code(K::Tab)], "Tab", "type the answer instead", Some(("Tab", "type")), A::TypeAnswer, typed),
    b!(
        &[P::Code(K::Backspace), P::Code(K::Left)],
        "← Backspace",
        "back one question (your earlier answer stays highlighted)",
        Some(("←", "back")),
        A::Back,
        can_back
    ),
    b!(
        &[P::Char('w')],
        "w",
        "why am I asked this? (the rules that led here; again to hide)",
        Some(("w", "why")),
        A::Why
    ),
];

const ENTRY: &[Binding] = &[
    // An empty line has nothing to edit: ←, Esc and q do what they do on every other screen.
    // Backspace doesn't: held to clear the line, its key repeat would run on into the answers
    // before, and the digits typed next would answer them again.
    b!(
        &[P::Char('q')],
        "q",
        "on an empty line: quit (asks first if something would be lost)",
        Some(("q", "quit")),
        A::Quit,
        empty
    ),
    b!(
        &[P::Code(K::Left), P::Code(K::Esc)],
        "← Esc",
        "on an empty line: back one question",
        Some(("←", "back")),
        A::Back,
        empty_can_back
    ),
    b!(
        &[P::Printable],
        "letters, digits",
        "type the answer (digits type too); matching listed answers show under the line",
        None,
        A::Insert
    ),
    b!(&[P::Code(K::Enter)], "Enter", "use the typed answer", Some(("Enter", "use it")), A::Submit, has_text),
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "on an empty line: the user can't tell (answers unknown)",
        Some(("Enter", "can't tell")),
        A::CantTell,
        empty
    ),
    b!(&[P::Code(K::Backspace)], "Backspace", "delete the character before the cursor", None, A::DeleteBack, has_text),
    b!(
        &[P::Code(K::Left)],
        "← → Home End Delete",
        "move and delete in the typed answer",
        None,
        A::CursorLeft,
        has_text
    ),
    b!(&[P::Code(K::Right)], "", "", None, A::CursorRight),
    b!(&[P::Code(K::Home)], "", "", None, A::CursorHome),
    b!(&[P::Code(K::End)], "", "", None, A::CursorEnd),
    b!(&[P::Code(K::Delete)], "", "", None, A::DeleteForward),
    b!(
        &[P::Code(K::Down), P::Code(K::Tab), P::Code(K::Esc)],
        "↓ Tab Esc",
        "pick one of the answers listed under the line (a digit then takes it)",
        Some(("↓", "listed answers")),
        A::LeaveInput,
        has_items
    ),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll this panel", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
];

const STEP: &[Binding] = &[
    b!(&[P::Digits], "1-9", "record that result", Some(("1-9", "result")), A::Choose, has_items),
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k", "highlight the result above", Some(("↑↓", "move")), A::Up, has_many),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the result below", None, A::Down, has_many),
    b!(&[P::Code(K::Enter)], "Enter", "record the highlighted result", Some(("Enter", "record")), A::Select, has_items),
    b!(
        &[P::Code(K::Backspace), P::Code(K::Left)],
        "← Backspace",
        "back one question",
        Some(("←", "back")),
        A::Back,
        can_back
    ),
    b!(
        &[P::Char('w')],
        "w",
        "why am I asked this? (how the walk got here, over the screen)",
        Some(("w", "why")),
        A::Why
    ),
];

const OUTCOME: &[Binding] = &[
    b!(
        &[P::Char(' ')],
        "Space",
        "tick / untick the highlighted remediation step",
        Some(("Space", "tick")),
        A::Toggle,
        has_items
    ),
    b!(&[P::Digits], "1-9", "tick / untick remediation step N", None, A::Choose, has_items),
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k", "highlight the step above", Some(("↑↓", "move")), A::Up, has_many),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the step below", None, A::Down, has_many),
    b!(
        &[P::Code(K::Backspace), P::Code(K::Left)],
        "← Backspace",
        "back to the last question, to change the answer",
        Some(("←", "back")),
        A::Back,
        can_back
    ),
    b!(
        &[P::Char('w')],
        "w",
        "how did we get here? (the rules that decided; again to hide)",
        Some(("w", "why")),
        A::Why
    ),
    b!(
        &[P::Char('p')],
        "p",
        "post the ticket note to the call's ticket as an internal note (asks first, naming the system and the ticket)",
        Some(("p", "post")),
        A::Post,
        can_post
    ),
    b!(
        &[P::Char('t')],
        "t",
        "escalate: put the escalation package in the tier-2 queue (the status line says where)",
        Some(("t", "to tier 2")),
        A::Escalate,
        can_escalate
    ),
];

const START: &[Binding] = &[
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "start the diagnosis (the fields are optional)",
        Some(("Enter", "start")),
        A::Submit
    ),
    b!(&[P::Printable], "letters, digits", "type in the highlighted field", None, A::Insert),
    b!(
        &[P::Code(K::Tab), P::Code(K::Down)],
        "Tab ↓",
        "next field",
        Some(("Tab", "next field")),
        A::NextField,
        no_items
    ),
    b!(
        &[P::Code(K::Tab), P::Code(K::Down)],
        "Tab ↓",
        "next field; past the last one, the unfinished calls to resume",
        Some(("↓", "next field / resume a call")),
        A::NextField,
        has_items
    ),
    b!(&[P::Code(K::BackTab), P::Code(K::Up)], "Shift-Tab ↑", "previous field", None, A::PrevField),
    b!(&[P::Code(K::Backspace)], "Backspace", "delete the character before the cursor", None, A::DeleteBack),
    b!(&[P::Code(K::Left)], "← → Home End Delete", "move and delete in the field", None, A::CursorLeft),
    b!(&[P::Code(K::Right)], "", "", None, A::CursorRight),
    b!(&[P::Code(K::Home)], "", "", None, A::CursorHome),
    b!(&[P::Code(K::End)], "", "", None, A::CursorEnd),
    b!(&[P::Code(K::Delete)], "", "", None, A::DeleteForward),
];

const RESUME: &[Binding] = &[
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "resume the highlighted call: same question, facts, notes and checklist",
        Some(("Enter", "resume")),
        A::Select
    ),
    b!(
        &[P::Code(K::Down), P::Char('j'), P::Code(K::Tab)],
        "↓ j Tab",
        "next unfinished call (after the last: back to the fields)",
        Some(("↑↓", "move")),
        A::NextField
    ),
    b!(
        &[P::Code(K::Up), P::Char('k'), P::Code(K::BackTab)],
        "↑ k Shift-Tab",
        "previous call, then the fields",
        None,
        A::PrevField
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
    b!(&[P::Char('q')], "q", "quit (no new call was started)", Some(("q", "quit")), A::Quit),
];

/// The digits the export picker takes: one per format.
const EXPORT_DIGITS: &str = match crate::export::Format::ALL.len() {
    1 => "1",
    2 => "1-2",
    3 => "1-3",
    4 => "1-4",
    5 => "1-5",
    6 => "1-6",
    7 => "1-7",
    8 => "1-8",
    _ => "1-9",
};

const EXPORT: &[Binding] = &[
    b!(&[P::Digits], EXPORT_DIGITS, "export in that format", Some((EXPORT_DIGITS, "format")), A::Choose),
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k", "highlight the format above", Some(("↑↓", "move")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the format below", None, A::Down),
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "export in the highlighted format: a new file (never overwritten), also copied to the clipboard",
        Some(("Enter", "export")),
        A::Select
    ),
    b!(&[P::Code(K::Esc)], "Esc", "cancel", Some(("Esc", "cancel")), A::Cancel),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const NOTES: &[Binding] = &[
    b!(&[P::Code(K::Esc)], "Esc", "back to the diagnosis (the notes are kept)", Some(("Esc", "done")), A::Close),
    b!(
        &[P::Any],
        "other keys",
        "edit: Enter new line, arrows move, Ctrl-U undo, Ctrl-R redo, Ctrl-K cut to end of line",
        None,
        A::Edit
    ),
];

const SEARCH: &[Binding] = &[
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "a question: ask it now (every answer stays); an outcome or step: preview it and what would lead there",
        Some(("Enter", "open")),
        A::Select,
        has_items
    ),
    b!(&[P::Code(K::Up), P::Ctrl('p')], "↑ Ctrl-P", "highlight the match above", Some(("↑↓", "move")), A::Up, has_many),
    b!(&[P::Code(K::Down), P::Ctrl('n')], "↓ Ctrl-N", "highlight the match below", None, A::Down, has_many),
    b!(&[P::Code(K::Esc)], "Esc", "close the search", Some(("Esc", "close")), A::Close),
    b!(&[P::Printable], "letters, digits", "type words, an AADSTS code or error text", None, A::Insert),
    b!(&[P::Code(K::Backspace)], "Backspace", "delete the character before the cursor", None, A::DeleteBack),
    b!(&[P::Code(K::Left)], "← → Home End Delete", "move and delete in the query", None, A::CursorLeft),
    b!(&[P::Code(K::Right)], "", "", None, A::CursorRight),
    b!(&[P::Code(K::Home)], "", "", None, A::CursorHome),
    b!(&[P::Code(K::End)], "", "", None, A::CursorEnd),
    b!(&[P::Code(K::Delete)], "", "", None, A::DeleteForward),
];

const IMPORT: &[Binding] = &[
    b!(&[P::Code(K::Enter)], "Enter", "read the export at this path", Some(("Enter", "import")), A::Submit, has_text),
    b!(&[P::Code(K::Esc)], "Esc", "back to the diagnosis (nothing imported)", Some(("Esc", "cancel")), A::Close),
    b!(&[P::Printable], "letters, digits", "type the file's path (or paste the entries)", None, A::Insert),
    b!(&[P::Code(K::Backspace)], "Backspace", "delete the character before the cursor", None, A::DeleteBack),
    b!(&[P::Code(K::Left)], "← → Home End Delete", "move and delete in the path", None, A::CursorLeft),
    b!(&[P::Code(K::Right)], "", "", None, A::CursorRight),
    b!(&[P::Code(K::Home)], "", "", None, A::CursorHome),
    b!(&[P::Code(K::End)], "", "", None, A::CursorEnd),
    b!(&[P::Code(K::Delete)], "", "", None, A::DeleteForward),
];

const IMPORT_PICK: &[Binding] = &[
    b!(&[P::Digits], "1-9", "import that entry", Some(("1-9", "import")), A::Choose, has_items),
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k", "highlight the entry above", Some(("↑↓", "move")), A::Up, has_many),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the entry below", None, A::Down, has_many),
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "import the highlighted entry's facts",
        Some(("Enter", "import")),
        A::Select,
        has_items
    ),
    b!(&[P::Code(K::Esc)], "Esc", "back to the diagnosis (nothing imported)", Some(("Esc", "cancel")), A::Close),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const MATRIX: &[Binding] = &[
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k ↓ j", "scroll", Some(("↑↓", "scroll")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "", "", None, A::Down),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll a page", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(
        &[P::Code(K::Esc), P::Char('m'), P::Char('q')],
        "Esc m q",
        "back to the diagnosis",
        Some(("Esc", "close")),
        A::Close
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const FACTS: &[Binding] = &[
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k ↓ j", "scroll", Some(("↑↓", "scroll")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "", "", None, A::Down),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll a page", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(
        &[P::Code(K::Esc), P::Char('f'), P::Char('q')],
        "Esc f q",
        "back to the diagnosis",
        Some(("Esc", "close")),
        A::Close
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const ASIDE: &[Binding] = &[
    b!(
        &[P::Digits],
        "1-9",
        "record that answer (every other answer stays)",
        Some(("1-9", "answer")),
        A::Choose,
        has_items
    ),
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k", "highlight the answer above", Some(("↑↓", "move")), A::Up, has_many),
    b!(&[P::Code(K::Down), P::Char('j')], "↓ j", "highlight the answer below", None, A::Down, has_many),
    b!(&[P::Code(K::Enter)], "Enter", "record the highlighted answer", Some(("Enter", "answer")), A::Select, has_items),
    b!(
        &[P::Code(K::Tab), P::Char('i')],
        "Tab i",
        "type the answer instead",
        Some(("Tab", "type")),
        A::TypeAnswer,
        typed
    ),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll this panel", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(
        &[P::Code(K::Esc), P::Char('q')],
        "Esc q",
        "back to the diagnosis, nothing recorded",
        Some(("Esc", "close")),
        A::Close
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const ASIDE_ENTRY: &[Binding] = &[
    b!(&[P::Printable], "letters, digits", "type the answer (digits type too)", None, A::Insert),
    b!(&[P::Code(K::Enter)], "Enter", "record the typed answer", Some(("Enter", "use it")), A::Submit, has_text),
    b!(
        &[P::Code(K::Enter)],
        "Enter",
        "on an empty line: the user can't tell (records unknown)",
        Some(("Enter", "can't tell")),
        A::CantTell,
        empty
    ),
    b!(&[P::Code(K::Backspace)], "Backspace", "delete the character before the cursor", None, A::DeleteBack),
    b!(&[P::Code(K::Left)], "← → Home End Delete", "move and delete in the typed answer", None, A::CursorLeft),
    b!(&[P::Code(K::Right)], "", "", None, A::CursorRight),
    b!(&[P::Code(K::Home)], "", "", None, A::CursorHome),
    b!(&[P::Code(K::End)], "", "", None, A::CursorEnd),
    b!(&[P::Code(K::Delete)], "", "", None, A::DeleteForward),
    b!(
        &[P::Code(K::Down), P::Code(K::Tab)],
        "↓ Tab",
        "pick one of the listed answers instead",
        Some(("↓", "listed answers")),
        A::LeaveInput,
        has_items
    ),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll this panel", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(&[P::Code(K::Esc)], "Esc", "back to the diagnosis, nothing recorded", Some(("Esc", "close")), A::Close),
];

const PREVIEW: &[Binding] = &[
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k ↓ j", "scroll", Some(("↑↓", "scroll")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "", "", None, A::Down),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll a page", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(
        &[P::Code(K::Esc), P::Char('q')],
        "Esc q",
        "back to the diagnosis (nothing changed)",
        Some(("Esc", "close")),
        A::Close
    ),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

const HELP: &[Binding] = &[
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k ↓ j", "scroll", Some(("↑↓", "scroll")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "", "", None, A::Down),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll a page", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(&[P::Code(K::Esc), P::Char('?'), P::Char('q')], "Esc ? q", "close the help", Some(("Esc", "close")), A::Close),
];

const WHY: &[Binding] = &[
    b!(&[P::Code(K::Up), P::Char('k')], "↑ k ↓ j", "scroll", Some(("↑↓", "scroll")), A::Up),
    b!(&[P::Code(K::Down), P::Char('j')], "", "", None, A::Down),
    b!(&[P::Code(K::PageUp)], "PgUp PgDn", "scroll a page", None, A::PageUp),
    b!(&[P::Code(K::PageDown)], "", "", None, A::PageDown),
    b!(&[P::Code(K::Esc), P::Char('w'), P::Char('q')], "Esc w q", "close", Some(("Esc", "close")), A::Close),
];

const CONFIRM: &[Binding] = &[
    b!(&[P::Char('y'), P::Char('Y')], "y", "yes, do it", Some(("y", "yes")), A::Confirm),
    b!(&[P::Char('n'), P::Char('N'), P::Code(K::Esc)], "n Esc", "no, go back", Some(("n", "no")), A::Cancel),
];

const POST: &[Binding] = &[
    b!(&[P::Char('y'), P::Char('Y')], "y", "yes, post it", Some(("y", "post")), A::Confirm),
    b!(&[P::Char('n'), P::Char('N'), P::Code(K::Esc)], "n Esc", "no, don't post", Some(("n", "cancel")), A::Cancel),
    b!(&[P::Char('?')], "?", "this help", Some(("?", "help")), A::Help),
];

fn screen_table(screen: Screen) -> &'static [&'static [Binding]] {
    match screen {
        Screen::Start => &[START],
        Screen::Resume => &[RESUME],
        Screen::Export => &[EXPORT],
        Screen::Question => &[QUESTION, WALK_COMMON],
        Screen::Entry => &[ENTRY],
        Screen::Step => &[STEP, WALK_COMMON],
        Screen::Outcome => &[OUTCOME, WALK_COMMON],
        Screen::Notes => &[NOTES],
        Screen::Search => &[SEARCH],
        Screen::Matrix => &[MATRIX],
        Screen::Facts => &[FACTS],
        Screen::Aside => &[ASIDE],
        Screen::AsideEntry => &[ASIDE_ENTRY],
        Screen::Preview => &[PREVIEW],
        Screen::Help => &[HELP],
        Screen::Confirm => &[CONFIRM],
        Screen::Import => &[IMPORT],
        Screen::ImportPick => &[IMPORT_PICK],
        Screen::Post => &[POST],
        Screen::Why => &[WHY],
    }
}

fn global_table(screen: Screen) -> &'static [Binding] {
    if screen.is_text() { GLOBAL_TEXT } else { GLOBAL }
}

/// The bindings in force, in display order (screen keys first, global keys last).
pub fn bindings(ctx: &KeyContext) -> Vec<&'static Binding> {
    screen_table(ctx.screen)
        .iter()
        .flat_map(|t| t.iter())
        .chain(global_table(ctx.screen).iter())
        .filter(|b| (b.when)(ctx))
        .collect()
}

/// The action for a key, if any. Global keys (Ctrl-C, F1) win over everything.
pub fn resolve(ctx: &KeyContext, key: &KeyEvent) -> Option<Action> {
    global_table(ctx.screen)
        .iter()
        .chain(screen_table(ctx.screen).iter().flat_map(|t| t.iter()))
        .filter(|b| (b.when)(ctx))
        .find(|b| b.pats.iter().any(|p| p.matches(key)))
        .map(|b| b.action)
}

/// Rows for the help screen: (keys, what they do).
pub fn help(ctx: &KeyContext) -> Vec<(&'static str, &'static str)> {
    bindings(ctx).into_iter().filter(|b| !b.help.is_empty()).map(|b| (b.keys, b.help)).collect()
}

/// Footer hints, most important first.
pub fn hints(ctx: &KeyContext) -> Vec<(&'static str, &'static str)> {
    let mut bindings = bindings(ctx);
    if ctx.screen == Screen::Outcome {
        // At the end of a call the ticket is what counts: ticking, exporting, escalating and
        // posting come before browsing, so a narrow footer still shows them.
        bindings
            .sort_by_key(|b| !matches!(b.action, Action::Toggle | Action::Export | Action::Escalate | Action::Post));
    }
    bindings.into_iter().filter_map(|b| b.hint).collect()
}

/// The key for `action` in this context, for text that names it ("press ? for the keys"): the
/// footer's name for it, else its first key. None when no binding in force does it, so a text
/// never names a key that does nothing.
pub fn key_for(ctx: &KeyContext, action: Action) -> Option<String> {
    let b = bindings(ctx).into_iter().find(|b| b.action == action)?;
    match b.hint {
        Some((keys, _)) => Some(keys.to_string()),
        None => b.pats.iter().find_map(|p| p.name()),
    }
}

/// Every key for `action` in this context, as help lists them, joined by " / " ("n / Esc").
pub fn keys_for(ctx: &KeyContext, action: Action) -> Option<String> {
    let b = bindings(ctx).into_iter().find(|b| b.action == action && !b.keys.is_empty())?;
    Some(b.keys.split(' ').collect::<Vec<_>>().join(" / "))
}

/// The digit of a `Choose` key, as a 0-based index.
pub fn digit_index(key: &KeyEvent) -> Option<usize> {
    match key.code {
        KeyCode::Char(c @ '1'..='9') => Some(c as usize - '1' as usize),
        _ => None,
    }
}

/// The character of an `Insert` key.
pub fn typed_char(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c) if !c.is_control() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn every_shown_binding_resolves_to_itself() {
        // For every screen and context, each binding help shows is reachable by one of its keys
        // (no earlier binding shadows it), so help never describes a key that does something else.
        let screens = [
            Screen::Start,
            Screen::Resume,
            Screen::Export,
            Screen::Question,
            Screen::Entry,
            Screen::Step,
            Screen::Outcome,
            Screen::Notes,
            Screen::Search,
            Screen::Matrix,
            Screen::Facts,
            Screen::Aside,
            Screen::AsideEntry,
            Screen::Preview,
            Screen::Help,
            Screen::Confirm,
            Screen::Import,
            Screen::ImportPick,
            Screen::Post,
            Screen::Why,
        ];
        for screen in screens {
            for flags in 0..256u32 {
                let ctx = KeyContext {
                    screen,
                    items: if flags & 1 != 0 { 3 } else { 0 },
                    typed: flags & 2 != 0,
                    input_empty: flags & 4 != 0,
                    can_back: flags & 8 != 0,
                    can_restart: flags & 16 != 0,
                    can_export: flags & 32 != 0,
                    can_post: flags & 64 != 0,
                    can_escalate: flags & 128 != 0,
                };
                for b in bindings(&ctx) {
                    let sample = b.pats.iter().find_map(|p| match *p {
                        Pat::Code(c) => Some(key(c)),
                        Pat::Char(c) => Some(key(KeyCode::Char(c))),
                        Pat::Ctrl(c) => Some(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
                        Pat::Digits => Some(key(KeyCode::Char('3'))),
                        Pat::Printable => Some(key(KeyCode::Char('x'))),
                        Pat::Any => None,
                    });
                    if let Some(k) = sample {
                        let got = resolve(&ctx, &k);
                        // Printable keys may be claimed by a more specific binding first; that is
                        // fine as long as the general one is reachable by some character.
                        if !b.pats.contains(&Pat::Printable) {
                            assert_eq!(got, Some(b.action), "{screen:?} {} with {ctx:?}", b.keys);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn hidden_bindings_do_nothing() {
        let mut ctx = KeyContext::new(Screen::Question);
        ctx.items = 3;
        assert_eq!(resolve(&ctx, &key(KeyCode::Backspace)), None);
        assert!(!hints(&ctx).iter().any(|(_, l)| *l == "back"));
        ctx.can_back = true;
        assert_eq!(resolve(&ctx, &key(KeyCode::Backspace)), Some(Action::Back));
        assert!(hints(&ctx).iter().any(|(_, l)| *l == "back"));
        assert_eq!(resolve(&ctx, &key(KeyCode::Char('e'))), None);
    }

    #[test]
    fn text_screens_type_letters() {
        let mut ctx = KeyContext::new(Screen::Search);
        assert_eq!(resolve(&ctx, &key(KeyCode::Char('q'))), Some(Action::Insert));
        assert_eq!(resolve(&ctx, &key(KeyCode::Char('?'))), Some(Action::Insert));
        assert_eq!(resolve(&ctx, &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Some(Action::ForceQuit));
        ctx.screen = Screen::Notes;
        assert_eq!(resolve(&ctx, &key(KeyCode::Char('q'))), Some(Action::Edit));
        assert_eq!(resolve(&ctx, &key(KeyCode::F(1))), Some(Action::Help));
        assert_eq!(resolve(&ctx, &key(KeyCode::Esc)), Some(Action::Close));
        // Uppercase letters arrive with SHIFT and still type.
        ctx.screen = Screen::Entry;
        assert_eq!(resolve(&ctx, &KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT)), Some(Action::Insert));
    }
}
