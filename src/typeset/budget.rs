//! Budgets that keep a hostile template from running away: a time limit for one compile
//! (typst cannot cancel a compile, so a watchdog reports and ends the process, writing
//! nothing), a memory budget for the whole process (a counting allocator that reports and
//! exits before the budget is crossed, where a refused allocation would abort), and stacks
//! large enough for every thread that typesets. `BRIEF_COMPILE_TIMEOUT` (seconds, `0` for
//! none) and `BRIEF_MEMORY_LIMIT` (megabytes, `0` for none) set them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The time one compile may take unless `BRIEF_COMPILE_TIMEOUT` says otherwise: far beyond
/// any real brief (the longest handout takes about a second), short enough to notice.
pub const DEFAULT_COMPILE_SECONDS: u64 = 30;

/// The memory the process may use unless `BRIEF_MEMORY_LIMIT` says otherwise, in MB.
pub const DEFAULT_MEMORY_MB: usize = 4096;

/// The stack of every thread that typesets: typst lays out on rayon's workers and recurses
/// with the document's nesting, which brief's own limits keep far below this.
pub const TYPESETTING_STACK: usize = 64 * 1024 * 1024;

/// The compile time limit in force: `BRIEF_COMPILE_TIMEOUT` in seconds (`0`: none).
pub fn compile_limit() -> Option<Duration> {
    let seconds = match std::env::var("BRIEF_COMPILE_TIMEOUT") {
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .unwrap_or(DEFAULT_COMPILE_SECONDS),
        Err(_) => DEFAULT_COMPILE_SECONDS,
    };
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

/// What happens when an armed deadline passes.
pub type OnExpiry = Box<dyn FnOnce(Duration) + Send>;

struct Deadline {
    id: u64,
    at: Instant,
    limit: Duration,
    on_expiry: Option<OnExpiry>,
}

#[derive(Default)]
struct Watch {
    next: u64,
    deadlines: Vec<Deadline>,
}

fn watch() -> &'static (Mutex<Watch>, Condvar) {
    static WATCH: OnceLock<(Mutex<Watch>, Condvar)> = OnceLock::new();
    WATCH.get_or_init(|| {
        std::thread::Builder::new()
            .name("brief-watchdog".into())
            .spawn(watchdog)
            .expect("a thread for the watchdog");
        (Mutex::new(Watch::default()), Condvar::new())
    })
}

fn watchdog() {
    let (lock, signal) = watch();
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        let now = Instant::now();
        if let Some(i) = state.deadlines.iter().position(|d| d.at <= now) {
            let mut deadline = state.deadlines.remove(i);
            drop(state);
            if let Some(on_expiry) = deadline.on_expiry.take() {
                on_expiry(deadline.limit);
            }
            state = lock.lock().unwrap_or_else(|e| e.into_inner());
            continue;
        }
        let next = state.deadlines.iter().map(|d| d.at).min();
        state = match next {
            Some(at) => {
                signal
                    .wait_timeout(state, at.saturating_duration_since(now))
                    .unwrap_or_else(|e| e.into_inner())
                    .0
            }
            None => signal.wait(state).unwrap_or_else(|e| e.into_inner()),
        };
    }
}

/// A deadline being watched; dropping it disarms it.
pub struct Armed(Option<u64>);

impl Drop for Armed {
    fn drop(&mut self) {
        if let Some(id) = self.0 {
            let (lock, _) = watch();
            let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
            // The watchdog is not woken: if it sleeps until this deadline, it wakes then,
            // finds nothing due and sleeps until the next (a personalized copy arms and
            // disarms one per copy, and waking the watchdog for each cost 1.4% of a batch).
            state.deadlines.retain(|d| d.id != id);
        }
    }
}

/// Arms a deadline `limit` from now (none when `limit` is `None`) that calls `on_expiry`
/// unless the returned guard is dropped first. For a server that must outlive a runaway
/// compile (a preview), `on_expiry` can end a worker rather than the process.
pub fn arm_with(limit: Option<Duration>, on_expiry: OnExpiry) -> Armed {
    let Some(limit) = limit else {
        return Armed(None);
    };
    let (lock, signal) = watch();
    let mut state = lock.lock().unwrap_or_else(|e| e.into_inner());
    state.next += 1;
    let id = state.next;
    let at = Instant::now() + limit;
    // The watchdog sleeps until the earliest deadline: it needs waking only for an earlier one.
    let earliest = state.deadlines.iter().all(|d| at < d.at);
    state.deadlines.push(Deadline {
        id,
        at,
        limit,
        on_expiry: Some(on_expiry),
    });
    if earliest {
        signal.notify_all();
    }
    Armed(Some(id))
}

/// Arms the compile time limit for one compile of `what` (such as `the template
/// background-note`): when it passes, the process says so and exits with code 1. Nothing
/// is being written while a compile runs (output is written after it, from memory), so
/// nothing is left half-written.
pub fn arm_compile(what: &str) -> Armed {
    let what = what.to_string();
    arm_with(
        compile_limit(),
        Box::new(move |limit| {
            eprintln!(
                "error: {what} took longer than {} s to typeset, so brief stopped it\n  = hint: a template that loops or grows without end never finishes; if it is only slow, set BRIEF_COMPILE_TIMEOUT to more seconds (0 for no limit)\nerror: nothing was written",
                limit.as_secs()
            );
            std::process::exit(crate::error::EXIT_FAILURE as i32);
        }),
    )
}

/// The system allocator, counting what is in use and ending the process with a report
/// (exit code 1) before the memory budget is crossed; one atomic addition an allocation.
pub struct Counting;

/// Signed: what was allocated before the budget was set is not counted, and its release
/// takes that much off, so the count runs that little (a few kilobytes) below the truth.
static IN_USE: AtomicIsize = AtomicIsize::new(0);
/// The budget in bytes; `usize::MAX` until [`set_memory_limit`] runs, and for no budget.
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// How much the system allocator adds each time a heap of its grows, in bytes.
pub const HEAP_STEP: usize = 16 * 1024 * 1024;

/// The smallest allocation the system allocator maps on its own rather than taking from a
/// heap, in bytes.
pub const MAP_ALONE: usize = 4 * 1024 * 1024;

/// Tunes glibc's allocator for brief's work, before anything else runs:
/// - a heap grows [`HEAP_STEP`] at a time rather than by what each allocation lacks. Each
///   growth of a thread's heap is an `mprotect` call, which on a process with several threads
///   also makes the kernel flush the other cores' address translations; a build made 605 of
///   them (22 now), a hundred personalized copies 1,041 (63). What is resident does not
///   change: the kernel gives a page only when it is first written;
/// - only an allocation of [`MAP_ALONE`] or more is mapped on its own. Setting the step turns
///   off glibc's own raising of that threshold (from 128 KiB, as large blocks are freed), and
///   a rebuild under `brief watch` then mapped, faulted in and unmapped its compressors and
///   buffers every time: a save to PDF took 5.9 ms (median) against 4.6 ms with the threshold
///   set.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let step = libc::c_int::try_from(HEAP_STEP).unwrap_or(libc::c_int::MAX);
        let alone = libc::c_int::try_from(MAP_ALONE).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only sets a parameter of the allocator; it is safe to call at any
        // time (a refused value returns 0 and changes nothing).
        unsafe {
            libc::mallopt(libc::M_TOP_PAD, step);
            libc::mallopt(libc::M_MMAP_THRESHOLD, alone);
        }
    }
}

/// How much of a build's heap [`HeapMark::fault_in`] has the second core fault in ahead of
/// need: about what the example's compile and PDF export write into fresh memory on the
/// build's own thread (1,052 page faults, over 2 ms of it), and no more, since a page given
/// and never used is one more for the system to take back at exit.
pub const FAULT_AHEAD: usize = 4 * 1024 * 1024;

/// Where the calling thread's heap is: the address of a block it has just allocated (and
/// freed). glibc gives every thread but the first a heap of its own, which grows up from
/// there by [`HEAP_STEP`]s of address space, each page given only when first written.
#[derive(Clone, Copy, Debug)]
pub struct HeapMark(usize);

impl HeapMark {
    /// The calling thread's.
    pub fn here() -> Self {
        let block = std::hint::black_box(vec![0u8; 64]);
        Self(block.as_ptr() as usize)
    }

    /// Has the system give pages to the `bytes` of address space above the mark now, on the
    /// calling thread, rather than one at a time as the thread whose heap it is first writes
    /// each (about 2 µs a fault on these machines). No byte changes (`MADV_POPULATE_WRITE`
    /// gives a page only where there is none, as a first write would), so it may run while
    /// that thread allocates; it stops at the first part that is not writable memory (the
    /// end of the heap's mapped part), and does nothing where Linux cannot (before 5.14).
    pub fn fault_in(self, bytes: usize) {
        #[cfg(target_os = "linux")]
        {
            const CHUNK: usize = 256 * 1024;
            const PAGE: usize = 4096;
            let start = self.0.next_multiple_of(PAGE);
            let end = start.saturating_add(bytes);
            let mut at = start;
            while at < end {
                let length = CHUNK.min(end - at);
                // SAFETY: MADV_POPULATE_WRITE changes neither memory nor mappings: it only
                // faults in the pages of the range, and fails (ending the loop) on any that
                // is not writable memory of the process.
                let done = unsafe {
                    libc::madvise(at as *mut libc::c_void, length, libc::MADV_POPULATE_WRITE)
                };
                if done != 0 {
                    break;
                }
                at += length;
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = bytes;
    }
}

/// Sets the memory budget from `BRIEF_MEMORY_LIMIT` (MB, `0` for none), else the default.
pub fn set_memory_limit() {
    let megabytes = match std::env::var("BRIEF_MEMORY_LIMIT") {
        Ok(text) => text.trim().parse::<usize>().unwrap_or(DEFAULT_MEMORY_MB),
        Err(_) => DEFAULT_MEMORY_MB,
    };
    let mut bytes = if megabytes == 0 {
        usize::MAX
    } else {
        megabytes.saturating_mul(1024 * 1024)
    };
    // Under a smaller cap on the address space (`ulimit -v`), the system would refuse first
    // and the process abort: stay at three quarters of it (stacks and code take the rest).
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0
            && limit.rlim_cur != libc::RLIM_INFINITY
        {
            bytes = bytes.min((limit.rlim_cur / 4 * 3) as usize);
        }
    }
    // The count is signed; a budget beyond what it holds is none.
    if bytes > isize::MAX as usize {
        bytes = usize::MAX;
    }
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// The bytes allocated and not yet freed, as counted (nothing is counted without a budget).
pub fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed).max(0) as usize
}

/// Whether allocations are counted: only under a budget, so that without one
/// (`BRIEF_MEMORY_LIMIT=0`) every call goes straight to the system's allocator.
#[inline(always)]
fn counting() -> bool {
    LIMIT.load(Ordering::Relaxed) != usize::MAX
}

#[cold]
fn over_budget() -> ! {
    // Nothing here may allocate: the message is put together on the stack.
    let mut message = [0u8; 256];
    let mut length = 0;
    let mut put = |bytes: &[u8]| {
        for &b in bytes {
            if length < message.len() {
                message[length] = b;
                length += 1;
            }
        }
    };
    put(b"error: brief needs more memory than its budget of ");
    let mut digits = [0u8; 20];
    let mut n = LIMIT.load(Ordering::Relaxed) / 1024 / 1024;
    let mut count = 0;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        count += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits[..count].reverse();
    put(&digits[..count]);
    put(b" MB, so it stopped\n  = hint: a template or image that grows without end never fits; if the work is only large, set BRIEF_MEMORY_LIMIT to more megabytes (0 for no limit)\nerror: nothing was written\n");
    #[cfg(unix)]
    unsafe {
        libc::write(2, message.as_ptr().cast(), length);
        libc::_exit(crate::error::EXIT_FAILURE as i32);
    }
    #[cfg(not(unix))]
    std::process::abort();
}

fn reserve(size: usize) {
    let size = size as isize;
    let used = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
    if used > LIMIT.load(Ordering::Relaxed) as isize {
        over_budget();
    }
}

fn release(size: usize) {
    IN_USE.fetch_sub(size as isize, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            reserve(layout.size());
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if counting() {
            reserve(layout.size());
        }
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if counting() {
            release(layout.size());
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            if new_size > layout.size() {
                reserve(new_size - layout.size());
            } else {
                release(layout.size() - new_size);
            }
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Makes rayon's workers, on which typst lays out pages, with [`TYPESETTING_STACK`] each.
/// Called once, before anything typesets; a second call changes nothing.
pub fn big_stacks_for_workers() {
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(TYPESETTING_STACK)
        .build_global();
}

/// Runs `work` on a thread with [`TYPESETTING_STACK`] and returns what it returns; a panic
/// in it is passed on (the panic hook has reported it).
pub fn with_big_stack<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(TYPESETTING_STACK)
            .spawn_scoped(scope, work)
            .expect("a thread for the command")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn arm_sending(limit: Duration, name: &'static str, to: &mpsc::Sender<&'static str>) -> Armed {
        let to = to.clone();
        arm_with(
            Some(limit),
            Box::new(move |_| {
                let _ = to.send(name);
            }),
        )
    }

    /// Faulting in gives every writable page of the range one, changes no byte, and stops
    /// at memory that may not be written (where a heap's mapped part ends).
    #[cfg(target_os = "linux")]
    #[test]
    fn fault_in_gives_pages_changes_nothing_and_stops_at_the_end() {
        const PAGE: usize = 4096;
        let (writable, closed) = (64 * PAGE, 16 * PAGE);
        // SAFETY: a fresh private anonymous mapping, unmapped at the end of the test.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                writable + closed,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        let bytes = base.cast::<u8>();
        let resident = |offset: usize, pages: usize| -> usize {
            let mut vec = vec![0u8; pages];
            // SAFETY: the range is within the mapping; `vec` has one byte a page.
            let done = unsafe {
                libc::mincore(
                    base.cast::<u8>().add(offset).cast(),
                    pages * PAGE,
                    vec.as_mut_ptr(),
                )
            };
            assert_eq!(done, 0);
            vec.iter().filter(|&&b| b & 1 == 1).count()
        };
        // SAFETY: within the mapping; its last part made unwritable and unreadable.
        unsafe {
            bytes.write(7);
            bytes.add(PAGE).write(9);
            assert_eq!(
                libc::mprotect(bytes.add(writable).cast(), closed, libc::PROT_NONE),
                0
            );
        }
        assert_eq!(resident(0, 64), 2, "only the two pages written have memory");
        HeapMark(base as usize).fault_in(writable + closed);
        assert_eq!(resident(0, 64), 64, "every writable page has memory");
        // SAFETY: within the writable part.
        unsafe {
            assert_eq!((bytes.read(), bytes.add(PAGE).read()), (7, 9));
            assert_eq!(bytes.add(2 * PAGE).read(), 0);
            assert_eq!(libc::munmap(base, writable + closed), 0);
        }
    }

    /// Deadlines fire in order, whether armed before or after a later one, and a disarmed one
    /// never fires, although the watchdog is woken only for an earlier deadline.
    #[test]
    fn deadlines_fire_in_order_and_disarmed_ones_never() {
        let (to, from) = mpsc::channel();
        let far = arm_sending(Duration::from_secs(600), "far", &to);
        let later = arm_sending(Duration::from_millis(300), "later", &to);
        let sooner = arm_sending(Duration::from_millis(100), "sooner", &to);
        let disarmed = arm_sending(Duration::from_millis(50), "disarmed", &to);
        drop(disarmed);
        let wait = Duration::from_secs(10);
        assert_eq!(from.recv_timeout(wait), Ok("sooner"));
        assert_eq!(from.recv_timeout(wait), Ok("later"));
        // One armed after the others have fired, earlier than `far`, fires too.
        let last = arm_sending(Duration::from_millis(50), "last", &to);
        assert_eq!(from.recv_timeout(wait), Ok("last"));
        drop(far);
        assert!(from.recv_timeout(Duration::from_millis(200)).is_err());
        drop((later, sooner, last));
    }
}
