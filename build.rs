//! Build script: embeds every file under `templates/` in the binary, so `brief` works from
//! any folder while the templates stay real files in the repository.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let templates = root.join("templates");
    // A directory here makes cargo rerun the script when anything below it changes.
    println!("cargo:rerun-if-changed=templates");
    // The binary is linked at a fixed address (not position-independent): the loader then
    // has no relative relocations to apply (about 105,000 of them, touching 1.8 MB of
    // pages at every start). Only the binaries' link changes: no crate is compiled
    // differently, so `cargo build` and `cargo test` still share one build.
    let linux_gnu = env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    let crt_static = env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|f| f == "crt-static"));
    if linux_gnu && !crt_static {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        // The C library is linked in as well (static): the loader then maps no shared
        // library, resolves no symbol and relocates no libc at start-up, 0.2-1 ms of a
        // fresh process's 2.5-5 (`brief check` 0.78-0.93 of before). See `static_libraries`.
        // BRIEF_LINKED_STATICALLY tells tests/cli/startup.rs which link to expect.
        println!("cargo:rerun-if-env-changed=BRIEF_LINK_DYNAMIC");
        if env::var_os("BRIEF_LINK_DYNAMIC").is_none()
            && let Some(dir) = static_libraries()
        {
            println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
            println!("cargo:rustc-link-arg-bins=-static");
            println!("cargo:rustc-env=BRIEF_LINKED_STATICALLY=1");
        }
    }
    // The functions commands run are laid out together, the most run first
    // (src/link-order.txt, made by benches/link-order.py): a build then maps 6 MB of code
    // instead of 16.5 MB, in fewer page faults, and unmaps less at exit. Only LLD reads the
    // list, and it is the linker of x86_64 Linux from Rust 1.90 on, unless told otherwise;
    // a name the binary does not have is skipped without a word.
    let order = root.join("src/link-order.txt");
    println!("cargo:rerun-if-changed=src/link-order.txt");
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER");
    if linux_gnu && links_with_lld() && order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }

    let mut files = Vec::new();
    collect(&templates, &mut files);
    files.sort();

    let mut out =
        String::from("/// Every file under `templates/`: (path relative to it, contents).\n");
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let relative = file
            .strip_prefix(&templates)
            .expect("walked below templates/");
        let relative = relative.to_string_lossy().replace('\\', "/");
        writeln!(
            out,
            "    ({relative:?}, include_bytes!({:?})),",
            file.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");

    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("templates.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// Whether the binaries are linked by LLD: on x86_64 Linux with Rust 1.90 or later, unless
/// the linker or its features are chosen otherwise.
fn links_with_lld() -> bool {
    if env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu")
        || env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some()
    {
        return false;
    }
    let flags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    if flags.contains("linker") || flags.contains("fuse-ld") {
        return false;
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let Ok(output) = std::process::Command::new(rustc).arg("--version").output() else {
        return false;
    };
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = String::from_utf8_lossy(&output.stdout);
    let mut numbers = version
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let (major, minor) = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    (major, minor) >= (1, 90)
}

/// The C libraries rustc names for a dynamic glibc link (`-lgcc_s -lutil -lrt -lpthread -lm
/// -ldl -lc`), as static archives in a folder of OUT_DIR, or `None` when the system has not
/// got them all (then the binaries stay dynamic). The folder is searched before the system's,
/// so each `-l` finds its archive there: the system's own `.a` (a link to it), and for
/// `gcc_s`, which has no archive, a linker script naming libgcc_eh.a and libgcc.a, what the
/// C compiler links for `-static`. Linking crates built for `crt-static` instead would need
/// a `--target` (cargo applies target flags to proc-macros otherwise) and a second build.
#[cfg(unix)]
fn static_libraries() -> Option<PathBuf> {
    let archive = |name: &str| -> Option<PathBuf> {
        // `cc` is what rustc links with on Linux unless told otherwise.
        let output = std::process::Command::new("cc")
            .arg(format!("-print-file-name={name}"))
            .output()
            .ok()?;
        // The compiler prints the bare name back when it has no such file.
        let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
        (output.status.success() && path.is_absolute() && path.is_file()).then_some(path)
    };
    let dir = PathBuf::from(env::var("OUT_DIR").ok()?).join("static-libraries");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).ok()?;
    for name in ["c", "m", "pthread", "dl", "rt", "util"] {
        let file = format!("lib{name}.a");
        std::os::unix::fs::symlink(archive(&file)?, dir.join(&file)).ok()?;
    }
    let (eh, gcc) = (archive("libgcc_eh.a")?, archive("libgcc.a")?);
    let script = format!("GROUP ( {} {} )\n", eh.display(), gcc.display());
    fs::write(dir.join("libgcc_s.a"), script).ok()?;
    Some(dir)
}

#[cfg(not(unix))]
fn static_libraries() -> Option<PathBuf> {
    None
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
