//! The only module that touches the terminal: raw mode and the alternate screen (restored on
//! every exit path), signals, the event loop, and carrying out the app's effects.
//!
//! Restoring is idempotent and happens in `TerminalGuard::drop` (normal exit, `?` errors), in a
//! panic hook (panics, before the panic message prints), and after SIGTERM / SIGHUP / SIGINT,
//! which only raise a flag that the loop checks at least every 200 ms, so the session is saved
//! and the terminal restored on the normal path. Exit codes are in [`crate::exit`].
//!
//! Test hook: with `PASSKEY_TRIAGE_TEST_PANIC=1` in the environment the first frame panics half
//! built (the wizard's and the report dashboard's), so the end-to-end tests can check that a
//! panic restores the terminal.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, MouseEventKind,
};
use ratatui::crossterm::terminal::{
    self, BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::crossterm::{cursor, execute, queue};

use crate::ui::app::{App, Effect, Msg};
use crate::ui::frame;
use crate::ui::store::SessionStore;

/// Environment variable that makes the loop panic after the first frame (tests only).
pub const ENV_TEST_PANIC: &str = "PASSKEY_TRIAGE_TEST_PANIC";

/// Is the terminal in raw mode / the alternate screen because of us?
static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: std::sync::Once = std::sync::Once::new();

/// Puts the terminal back: leaves the alternate screen, shows the cursor, ends raw mode.
/// Safe to call any number of times, from any exit path; never panics.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            EndSynchronizedUpdate,
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Collects everything the backend writes until [`Pending::commit`] writes it to stdout in one
/// go: a frame, with whatever goes before it (a clear after a resize), arrives whole, in one
/// write (stdout alone is line-buffered, 1 KiB at a time).
/// `flush`, which ratatui calls several times per frame, keeps collecting.
#[derive(Debug)]
pub struct FrameWriter {
    pending: Pending,
}

/// The bytes a [`FrameWriter`] collected, shared with whoever commits them.
#[derive(Debug, Default, Clone)]
pub struct Pending(Rc<RefCell<Vec<u8>>>);

impl Pending {
    /// Writes what was collected. Once the terminal is restored it writes nothing, so a
    /// half-built frame left by a panic can't land on the normal screen.
    pub fn commit(&self) -> io::Result<()> {
        let mut buf = self.0.try_borrow_mut().map_err(io::Error::other)?;
        let result = if ACTIVE.load(Ordering::SeqCst) {
            let mut out = io::stdout().lock();
            out.write_all(&buf).and_then(|_| out.flush())
        } else {
            Ok(())
        };
        buf.clear();
        result
    }
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.0.try_borrow_mut().map_err(io::Error::other)?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub type Backend = CrosstermBackend<FrameWriter>;

/// Raw mode + alternate screen for as long as it lives.
pub struct TerminalGuard {
    pub terminal: Terminal<Backend>,
    /// What the terminal's backend has written and not yet sent.
    pub pending: Pending,
}

impl TerminalGuard {
    /// Raw mode, the alternate screen, mouse and paste modes.
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let pending = Pending(Rc::new(RefCell::new(Vec::with_capacity(1 << 16))));
        let setup = || -> io::Result<Terminal<Backend>> {
            let mut terminal = Terminal::new(CrosstermBackend::new(FrameWriter { pending: pending.clone() }))?;
            // Clear by escape rather than `Terminal::clear`, which asks the terminal for the cursor
            // position and stalls on terminals that never answer.
            queue!(
                terminal.backend_mut(),
                EnterAlternateScreen,
                EnableMouseCapture,
                EnableBracketedPaste,
                terminal::Clear(terminal::ClearType::All)
            )?;
            pending.commit()?;
            Ok(terminal)
        };
        match setup() {
            Ok(terminal) => Ok(Self { terminal, pending }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Termination signals, turned into a flag holding the exit code.
pub struct Signals {
    code: Arc<AtomicUsize>,
    #[cfg(unix)]
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    pub fn install() -> io::Result<Self> {
        let code = Arc::new(AtomicUsize::new(0));
        #[cfg(unix)]
        {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let mut ids = Vec::new();
            for (sig, exit_code) in
                [(SIGTERM, crate::exit::TERMINATED), (SIGHUP, crate::exit::HANGUP), (SIGINT, crate::exit::INTERRUPTED)]
            {
                ids.push(signal_hook::flag::register_usize(sig, Arc::clone(&code), exit_code as usize)?);
            }
            Ok(Self { code, ids })
        }
        #[cfg(windows)]
        {
            // Ctrl-C in raw mode arrives as a key; this catches Ctrl-Break and closing the console.
            let flag = Arc::clone(&code);
            let _ = ctrlc::set_handler(move || flag.store(crate::exit::TERMINATED as usize, Ordering::SeqCst));
            Ok(Self { code })
        }
        #[cfg(not(any(unix, windows)))]
        {
            Ok(Self { code })
        }
    }

    /// The exit code of a signal that arrived, if any.
    pub fn pending(&self) -> Option<i32> {
        match self.code.load(Ordering::SeqCst) {
            0 => None,
            c => Some(c as i32),
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Reads terminal events on their own thread, so the loop keeps its 200 ms rhythm (signals,
/// the timer, failed writes to a closed terminal) even when reading blocks or, as crossterm
/// does on a closed terminal, spins. The thread ends with the process.
fn spawn_input_reader() -> io::Result<mpsc::Receiver<io::Result<Event>>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new().name("terminal-input".into()).spawn(move || {
        loop {
            let ev = match event::read() {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => other,
            };
            let failed = ev.is_err();
            if tx.send(ev).is_err() || failed {
                break;
            }
        }
    })?;
    Ok(rx)
}

/// The terminal is gone (closed window, dropped SSH connection).
fn terminal_lost(e: &io::Error) -> bool {
    const EIO: i32 = 5;
    matches!(e.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::BrokenPipe) || e.raw_os_error() == Some(EIO)
}

/// The message for a terminal event, if it matters.
fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(_) => ev.as_key_press_event().map(Msg::Key),
        // Clicks and the wheel only: motion reports (any-event tracking) would redraw for nothing.
        Event::Mouse(m) if !matches!(m.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) => Some(Msg::Mouse(m)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// Loads the whole runbook set, or says what is wrong with it.
pub type Loader = fn() -> Result<crate::runbook::RunbookSet, Box<crate::runbook::Finding>>;

/// Runs the wizard until it quits; returns the final app and the exit code.
/// The terminal is restored before this returns, whatever happened. If the terminal fails
/// (e.g. it was closed), the session is saved first; a pending signal's exit code wins, and a
/// lost terminal counts as a hangup.
///
/// `load`, if given, loads the whole runbook set once the first frame (drawn from the entry
/// runbook alone) is on the screen; no key is handled before.
pub fn run(mut app: App, store: &mut dyn SessionStore, load: Option<Loader>) -> io::Result<(App, i32)> {
    let signals = Signals::install()?;
    let mut guard = TerminalGuard::enter()?;
    let result = event_loop(&mut app, store, &mut guard, &signals, load);
    drop(guard);
    match result {
        Ok(code) => Ok((app, code)),
        Err(e) => {
            // A session still on the provisional set has no answers yet and would record the
            // wrong runbooks: nothing to save.
            if !app.set.is_provisional() {
                let _ = store.save(&app.session);
            }
            match signals.pending() {
                Some(code) => Ok((app, code)),
                None if terminal_lost(&e) => Ok((app, crate::exit::HANGUP)),
                None => Err(e),
            }
        }
    }
}

fn event_loop(
    app: &mut App,
    store: &mut dyn SessionStore,
    guard: &mut TerminalGuard,
    signals: &Signals,
    load: Option<Loader>,
) -> io::Result<i32> {
    // The size the terminal object was built with; drawing checks it again.
    let size = guard.terminal.get_frame().area();
    app.update(Msg::Resize(size.width, size.height), Utc::now());
    let test_panic = std::env::var_os(ENV_TEST_PANIC).is_some_and(|v| v == "1");
    let draw = |app: &App, guard: &mut TerminalGuard| -> io::Result<()> {
        queue!(guard.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        guard.terminal.draw(|f| {
            frame::render(app, f);
            if test_panic {
                panic!("test panic requested by {ENV_TEST_PANIC}");
            }
        })?;
        queue!(guard.terminal.backend_mut(), EndSynchronizedUpdate)?;
        guard.pending.commit()
    };
    draw(app, guard)?;
    let mut jobs = Jobs::new(signals);
    // The first frame needed only the entry runbook. The whole set loads now, on this thread:
    // a thread started for it reached an idle core of a VM only after a few hundred µs.
    if let Some(load) = load {
        let set = load().map_err(|finding| io::Error::other(finding.to_string()))?;
        let fx = app.update(Msg::RunbooksLoaded(crate::ui::app::LoadedRunbooks(Box::new(set))), Utc::now());
        if let Some(c) = carry_out(app, fx, store, &mut jobs)? {
            return Ok(c);
        }
    }
    // Started after the first frame, which is what the agent waits for.
    let input = spawn_input_reader()?;
    // A frame drawn from the entry runbook alone is redrawn at once from the whole set (the
    // start screen lists the runbooks, the side panel their titles).
    let mut dirty = load.is_some();
    let mut shown_secs = app.elapsed_secs();
    loop {
        if dirty {
            draw(app, guard)?;
            dirty = false;
        }
        let mut msgs = Vec::new();
        match input.recv_timeout(Duration::from_millis(200)) {
            Ok(ev) => {
                msgs.extend(to_msg(ev?));
                while let Ok(ev) = input.try_recv() {
                    msgs.extend(to_msg(ev?));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the terminal's input closed"));
            }
        }
        msgs.extend(jobs.finished());
        if let Some(c) = signals.pending() {
            msgs.push(Msg::Signal(c));
        }
        // A save that failed (or works again) in the background shows without waiting for
        // the next change.
        match store.save_error() {
            Some(e) if !app.save_failed => msgs.push(Msg::Saved(Err(e))),
            None if app.save_failed => msgs.push(Msg::Saved(Ok(()))),
            _ => {}
        }
        let now = Utc::now();
        if msgs.is_empty() {
            // Notes typed since the last tick are saved by the tick's Persist.
            let fx = app.update(Msg::Tick, now);
            if let Some(c) = carry_out(app, fx, store, &mut jobs)? {
                return Ok(c);
            }
            let secs = app.elapsed_secs();
            if secs != shown_secs {
                shown_secs = secs;
                dirty = true;
            }
            continue;
        }
        dirty = true;
        for m in msgs {
            let fx = app.update(m, now);
            if let Some(c) = carry_out(app, fx, store, &mut jobs)? {
                return Ok(c);
            }
        }
    }
}

/// How long quitting waits for a post still under way (its own timeouts end it sooner), so
/// that a note posted is also recorded as posted.
const POST_WAIT: Duration = Duration::from_secs(120);

/// How long an abandoned post gets to kill its credential command.
const ABANDON_WAIT: Duration = Duration::from_secs(1);

type PostResult = Result<crate::ticketing::delivery::Delivered, String>;

/// Posts under way on their own threads (the network and a credential command never block the
/// screen); each result comes back as `Msg::Posted`.
struct Jobs {
    tx: mpsc::Sender<PostResult>,
    rx: mpsc::Receiver<PostResult>,
    running: usize,
    /// Stops every post started here.
    cancel: crate::ticketing::Cancel,
    /// The signal flag ([`Signals`]): a signal ends a wait for a post.
    signal: Arc<AtomicUsize>,
}

/// What waiting for a post brought.
enum Waited {
    Nothing,
    Result(Msg),
    /// A signal came first (its exit code): the post was abandoned.
    Signal(i32),
}

impl Jobs {
    fn new(signals: &Signals) -> Self {
        let (tx, rx) = mpsc::channel();
        Self { tx, rx, running: 0, cancel: crate::ticketing::Cancel::new(), signal: Arc::clone(&signals.code) }
    }

    /// Starts a post; if no thread can be started, its failure is the result.
    fn spawn(&mut self, job: crate::ui::store::PostJob) -> Option<Msg> {
        let tx = self.tx.clone();
        let cancel = self.cancel.clone();
        match std::thread::Builder::new().name("post".into()).spawn(move || {
            let _ = tx.send(job(&cancel));
        }) {
            Ok(_) => {
                self.running += 1;
                None
            }
            Err(e) => Some(Msg::Posted(Err(format!("could not start posting: {e}")))),
        }
    }

    /// Results that came in since the last look.
    fn finished(&mut self) -> Vec<Msg> {
        let mut out = Vec::new();
        while let Ok(r) = self.rx.try_recv() {
            self.running = self.running.saturating_sub(1);
            out.push(Msg::Posted(r));
        }
        out
    }

    /// Waits for one running post (at most `POST_WAIT`), unless a signal comes first.
    fn wait_one(&mut self) -> Waited {
        if self.running == 0 {
            return Waited::Nothing;
        }
        let end = std::time::Instant::now() + POST_WAIT;
        while std::time::Instant::now() < end {
            match self.signal.load(Ordering::SeqCst) {
                0 => {}
                code => {
                    self.cancel.cancel_and_settle(ABANDON_WAIT);
                    return Waited::Signal(code as i32);
                }
            }
            match self.rx.recv_timeout(Duration::from_millis(100)) {
                Ok(r) => {
                    self.running -= 1;
                    return Waited::Result(Msg::Posted(r));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        self.running -= 1;
        Waited::Nothing
    }

    /// Stops every post under way at once (a credential command is killed; a request on the
    /// wire is not waited for). A result that already came in is kept.
    fn abandon(&mut self) -> Vec<Msg> {
        let done = self.finished();
        if self.running > 0 {
            self.cancel.cancel_and_settle(ABANDON_WAIT);
        }
        done
    }
}

/// Carries out effects (and the effects their results cause); Some(code) to quit.
fn carry_out(
    app: &mut App,
    effects: Vec<Effect>,
    store: &mut dyn SessionStore,
    jobs: &mut Jobs,
) -> io::Result<Option<i32>> {
    let mut queue: VecDeque<Effect> = effects.into();
    while let Some(e) = queue.pop_front() {
        match e {
            Effect::Persist => {
                let r = store.save(&app.session);
                queue.extend(app.update(Msg::Saved(r), Utc::now()));
            }
            Effect::Export(format) => {
                let r = store.export(&app.session, format, &app.set);
                queue.extend(app.update(Msg::Exported(r), Utc::now()));
            }
            Effect::Escalate => {
                let r = store.escalate(&app.session);
                queue.extend(app.update(Msg::Escalated(r), Utc::now()));
            }
            Effect::Claim(id) => {
                let r = store.claim(&id);
                queue.extend(app.update(Msg::Claimed(id, r), Utc::now()));
            }
            Effect::CopyToClipboard(text) => {
                let written =
                    crate::export::clipboard::copy_to_clipboard(&mut io::stdout().lock(), &text).unwrap_or(false);
                queue.extend(app.update(Msg::Copied(written), Utc::now()));
            }
            Effect::Post { system, ticket } => {
                if let Some(failed) = jobs.spawn(store.post_job(&app.session, &app.set, system, &ticket)) {
                    queue.extend(app.update(failed, Utc::now()));
                }
            }
            Effect::Quit(code) if code != crate::exit::OK => {
                // A signal (or Ctrl-C): a post under way is abandoned, not waited for; the app
                // still shows it as under way, and the farewell says it was abandoned.
                let done = jobs.abandon();
                if !done.is_empty() {
                    // A post that did finish is recorded (its Persist runs) before quitting.
                    let mut next: VecDeque<Effect> = VecDeque::new();
                    for msg in done {
                        next.extend(app.update(msg, Utc::now()));
                    }
                    next.push_back(Effect::Quit(code));
                    next.extend(queue.drain(..));
                    queue = next;
                    continue;
                }
                return Ok(Some(code));
            }
            Effect::Quit(code) => {
                // A post under way finishes (and is recorded) before the wizard closes.
                match jobs.wait_one() {
                    Waited::Result(msg) => {
                        let mut next: VecDeque<Effect> = app.update(msg, Utc::now()).into();
                        next.push_back(Effect::Quit(code));
                        next.extend(queue.drain(..));
                        queue = next;
                        continue;
                    }
                    Waited::Signal(signal) => return Ok(Some(signal)),
                    Waited::Nothing => return Ok(Some(code)),
                }
            }
            Effect::ImportFile { path, query } => {
                let max = crate::ui::screen::import::PICK_MAX;
                let r = crate::import::import_file(&path, &mut io::empty(), &query, max)
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                queue.extend(app.update(Msg::Imported(r), Utc::now()));
            }
        }
    }
    Ok(None)
}

/// A read-only dashboard outside the wizard (`report --view`, `readiness --view`): its own
/// state, keys and drawing, in a screen file under `ui/screen/`.
pub trait Dashboard {
    fn resize(&mut self, w: u16, h: u16);
    fn render(&self, frame: &mut ratatui::Frame);
    /// Handles one key press; `true` to quit.
    fn key(&mut self, key: &ratatui::crossterm::event::KeyEvent) -> bool;
}

impl Dashboard for crate::ui::screen::report::ReportView {
    fn resize(&mut self, w: u16, h: u16) {
        crate::ui::screen::report::ReportView::resize(self, w, h);
    }
    fn render(&self, frame: &mut ratatui::Frame) {
        crate::ui::screen::report::ReportView::render(self, frame);
    }
    fn key(&mut self, key: &ratatui::crossterm::event::KeyEvent) -> bool {
        self.update(key) == Some(crate::ui::screen::report::Effect::Quit)
    }
}

/// The `report --view` dashboard (see [`run_dashboard`]).
pub fn run_report(view: &mut crate::ui::screen::report::ReportView) -> io::Result<i32> {
    run_dashboard(view)
}

/// A dashboard: the same terminal hygiene as the wizard (alternate screen, raw mode, restored
/// on every exit, panic and signal), keys in, frames out, until `q`. Returns the exit code: 0,
/// or the signal's.
pub fn run_dashboard(view: &mut dyn Dashboard) -> io::Result<i32> {
    let signals = Signals::install()?;
    let mut guard = TerminalGuard::enter()?;
    let mut run = || -> io::Result<i32> {
        let size = guard.terminal.get_frame().area();
        view.resize(size.width, size.height);
        let input = spawn_input_reader()?;
        let test_panic = std::env::var_os(ENV_TEST_PANIC).is_some_and(|v| v == "1");
        let mut dirty = true;
        loop {
            if dirty {
                queue!(guard.terminal.backend_mut(), BeginSynchronizedUpdate)?;
                guard.terminal.draw(|f| {
                    view.render(f);
                    if test_panic {
                        panic!("test panic requested by {ENV_TEST_PANIC}");
                    }
                })?;
                queue!(guard.terminal.backend_mut(), EndSynchronizedUpdate)?;
                guard.pending.commit()?;
                dirty = false;
            }
            let mut events = Vec::new();
            match input.recv_timeout(Duration::from_millis(200)) {
                Ok(ev) => {
                    events.push(ev?);
                    while let Ok(ev) = input.try_recv() {
                        events.push(ev?);
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the terminal's input closed"));
                }
            }
            if let Some(c) = signals.pending() {
                return Ok(c);
            }
            for ev in events {
                match ev {
                    Event::Key(_) => {
                        if let Some(key) = ev.as_key_press_event() {
                            if view.key(&key) {
                                return Ok(crate::exit::OK);
                            }
                            dirty = true;
                        }
                    }
                    Event::Resize(w, h) => {
                        view.resize(w, h);
                        dirty = true;
                    }
                    _ => {}
                }
            }
        }
    };
    let result = run();
    drop(guard);
    match result {
        Ok(code) => Ok(code),
        Err(e) => match signals.pending() {
            Some(code) => Ok(code),
            None if terminal_lost(&e) => Ok(crate::exit::HANGUP),
            None => Err(e),
        },
    }
}
