//! Small measuring helpers the benchmarks share. Each bench uses some of them.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// The middle of the samples (the upper middle for an even count).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A duration in milliseconds, one decimal.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `f`, giving how long it took and what it returned.
pub fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let start = Instant::now();
    let value = f();
    (start.elapsed(), value)
}

/// This process's peak resident memory (VmHWM), in KiB.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A whole number from the environment (such as the number of runs), else `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// The example brief with `count` participants: names of several scripts (accents,
/// apostrophes, Hangul), each with a seat and every fourth with a table.
pub fn big_brief(example: &str, count: usize) -> String {
    let given = [
        "Hélène",
        "Jordan",
        "Marc-André",
        "Priya",
        "Siobhán",
        "Zoë",
        "Élodie",
        "Minh",
        "Olu",
        "Anaïs",
    ];
    let family = [
        "Tremblay",
        "O'Neil",
        "Côté",
        "Raman",
        "Nguyễn",
        "Dubé",
        "Okafor",
        "Gagnon",
        "Müller",
        "Lévesque",
        "Park",
        "Fraser",
    ];
    let korean = ["김민준", "이서연", "박지원", "최도윤", "정하은", "강시우"];
    let start = example
        .find("\nparticipants:\n")
        .expect("the example lists participants");
    let end = example[start + 1..]
        .find("\n\n")
        .map_or(example.len(), |i| start + 1 + i);
    let mut list = String::from("\nparticipants:\n");
    for i in 0..count {
        let name = if i % 5 == 1 {
            format!("{} {}", korean[i % korean.len()], i / 5 + 1)
        } else {
            format!(
                "{} {}",
                given[i % given.len()],
                family[(i / given.len()) % family.len()]
            )
        };
        list.push_str(&format!(
            "  - name: \"{name}\"\n    title: Senior Fellow\n    organization: Example Institute\n    seat: \"{}\"\n",
            i + 1
        ));
        if i % 4 == 0 {
            list.push_str(&format!("    table: \"{}\"\n", i / 8 + 1));
        }
    }
    format!("{}{}{}", &example[..start], list, &example[end..])
}

/// What one child process took: wall time, CPU time (user and system) and peak memory.
#[derive(Clone, Copy, Debug)]
pub struct Child {
    /// Wall time, measured around the child.
    pub wall: Duration,
    /// User and system time of that child alone.
    pub cpu: Duration,
    /// The part of `cpu` spent in the kernel (files created, written, synced and removed).
    pub system: Duration,
    /// Its peak resident memory, in KiB.
    pub peak_kib: u64,
}

/// Runs `command` to its end and measures it: wall time here, CPU time and peak memory from
/// the kernel's accounting of that one child (`wait4`), not of every child so far.
// The child is reaped by `wait4`, which `Child::wait` cannot replace: it gives no usage.
#[allow(clippy::zombie_processes)]
pub fn measure_child(command: &mut std::process::Command) -> Child {
    let start = Instant::now();
    let child = command
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?} ({e})"));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid, and wait4 writes only into the two locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (the Child handle never waits).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    assert_eq!(reaped, pid, "wait4 reaps the child");
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(exited_ok, "{command:?} failed (wait status {status})");
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    Child {
        wall,
        cpu: time(usage.ru_utime) + time(usage.ru_stime),
        system: time(usage.ru_stime),
        peak_kib: usage.ru_maxrss as u64,
    }
}
