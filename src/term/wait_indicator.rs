//! The spinner on stderr while the device flow polls. Pure: the frames
//! ([`indicator_frame`]). I/O: drawing and erasing them ([`WaitIndicator`]).

#[cfg(unix)]
use crate::term::raw_mode::terminal_restore;
use crate::term::stderr::say_styled;

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// One frame of the waiting line: `\r<spinner> Waiting for authorization in the browser
/// (<elapsed>s)`, cleared to the end of the line.
pub fn indicator_frame(tick: usize, elapsed_secs: u64) -> String {
    format!(
        "\r{} Waiting for authorization in the browser ({elapsed_secs}s)\x1b[K",
        SPINNER[tick % SPINNER.len()]
    )
}

/// A spinner on stderr while the device flow polls; draws only when enabled (stderr is a
/// terminal and messages are not suppressed). Clears its line on [`WaitIndicator::finish`],
/// on drop, and (Unix) when a SIGINT, SIGTERM, SIGHUP or SIGQUIT ends the process while it
/// is drawn ([`terminal_restore::indicator_shown`]).
#[derive(Debug)]
pub struct WaitIndicator {
    enabled: bool,
    tick: usize,
    started: std::time::Instant,
    drawn: bool,
}

impl WaitIndicator {
    /// `enabled`: pass `stderr_is_tty() && !quiet`.
    pub fn new(enabled: bool) -> WaitIndicator {
        WaitIndicator {
            enabled,
            tick: 0,
            started: std::time::Instant::now(),
            drawn: false,
        }
    }

    /// Sleep `secs` seconds, animating every 200 ms when enabled.
    pub fn sleep(&mut self, secs: u64) {
        let start = std::time::Instant::now();
        // A huge `secs` would overflow the clock: cap it at a day.
        let end = start
            .checked_add(std::time::Duration::from_secs(secs.min(86_400)))
            .unwrap_or(start);
        loop {
            let now = std::time::Instant::now();
            if now >= end {
                break;
            }
            self.draw();
            std::thread::sleep((end - now).min(std::time::Duration::from_millis(200)));
        }
    }

    /// Draw the next frame now (when enabled), for a caller that waits in its own loop (the
    /// authorization code flow's listener): call it every 200 ms or so.
    pub fn draw(&mut self) {
        if !self.enabled {
            return;
        }
        let frame = indicator_frame(self.tick, self.started.elapsed().as_secs());
        self.tick += 1;
        if !self.drawn {
            #[cfg(unix)]
            terminal_restore::indicator_shown(true);
        }
        say_styled(&frame);
        self.drawn = true;
    }

    /// Erase the waiting line.
    pub fn finish(&mut self) {
        if self.drawn {
            #[cfg(unix)]
            terminal_restore::indicator_shown(false);
            say_styled("\r\x1b[K");
            self.drawn = false;
        }
    }
}

impl Drop for WaitIndicator {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_frames() {
        assert!(indicator_frame(11, 7).contains("⠙ Waiting for authorization in the browser (7s)"));
    }
}
