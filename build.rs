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
    if linux_gnu {
        println!("cargo:rustc-link-arg-bins=-no-pie");
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
