//! What a fresh `brief` process pays before it reads a brief: the binary's start-up.

/// The first `len` bytes of the binary (or all of it, if shorter).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn binary_start(len: u64) -> Vec<u8> {
    use std::io::Read;
    let mut start = Vec::new();
    std::fs::File::open(env!("CARGO_BIN_EXE_brief"))
        .and_then(|file| file.take(len).read_to_end(&mut start))
        .expect("the binary is readable");
    assert_eq!(&start[..4], b"\x7fELF", "an ELF file");
    start
}

/// A little-endian number of `size` bytes at `at`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn number(bytes: &[u8], at: usize, size: usize) -> u64 {
    let mut word = [0u8; 8];
    word[..size].copy_from_slice(&bytes[at..at + size]);
    u64::from_le_bytes(word)
}

/// The binary is linked at a fixed address (ELF type `EXEC`, not a position-independent
/// `DYN`), so the loader applies no relative relocations at start-up (build.rs asks the
/// linker for it on Linux with glibc).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_is_linked_at_a_fixed_address() {
    // e_type, at offset 16: 2 is ET_EXEC, 3 is ET_DYN (PIE).
    let kind = number(&binary_start(18), 16, 2);
    assert_eq!(
        kind, 2,
        "linked position-independent (ELF type {kind}), not at a fixed address"
    );
}

/// The binary maps no shared library (no `PT_INTERP` or `PT_DYNAMIC` program header, so no
/// loader runs) whenever build.rs linked glibc in statically, which it does when the C
/// compiler has glibc's archives, as Debian's libc6-dev does (`BRIEF_LINK_DYNAMIC=1` at build
/// time keeps it dynamic).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_is_linked_statically() {
    if option_env!("BRIEF_LINKED_STATICALLY").is_none() {
        eprintln!(
            "skipped: build.rs linked dynamically (no glibc archives, or BRIEF_LINK_DYNAMIC)"
        );
        return;
    }
    let header = binary_start(64);
    assert_eq!(header[4], 2, "a 64-bit ELF file");
    // e_phoff at 32, e_phentsize at 54, e_phnum at 56; each program header's p_type first.
    let (offset, size, count) = (
        number(&header, 32, 8),
        number(&header, 54, 2),
        number(&header, 56, 2),
    );
    let headers = binary_start(offset + size * count);
    let types: Vec<u64> = (0..count)
        .map(|i| number(&headers, (offset + i * size) as usize, 4))
        .collect();
    const PT_DYNAMIC: u64 = 2;
    const PT_INTERP: u64 = 3;
    assert!(
        !types.contains(&PT_INTERP) && !types.contains(&PT_DYNAMIC),
        "the binary asks for the dynamic loader (program header types {types:?}): is build.rs's -static reaching the linker?"
    );
}

/// The functions commands run are laid out in the order src/link-order.txt gives (build.rs
/// hands it to the linker), so that they share a few megabytes of pages: most of its names
/// are still the binary's (else it is stale: `python3 benches/link-order.py` makes it again
/// after typst or the toolchain is upgraded), and they lie in its order.
#[cfg(all(target_os = "linux", target_arch = "x86_64", target_env = "gnu"))]
#[test]
fn link_order_names_the_binary_s_functions() {
    let listed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/link-order.txt"))
            .expect("src/link-order.txt is readable");
    let listed: Vec<&str> = listed.lines().filter(|l| !l.is_empty()).collect();
    let nm = match std::process::Command::new("nm")
        .args(["--defined-only", env!("CARGO_BIN_EXE_brief")])
        .output()
    {
        Ok(output) if output.status.success() => output.stdout,
        _ if std::env::var("BRIEF_REQUIRE_TOOLS").as_deref() == Ok("1") => {
            panic!("BRIEF_REQUIRE_TOOLS=1, but nm (binutils) cannot be run")
        }
        _ => {
            eprintln!("skipped: nm (binutils) cannot be run");
            return;
        }
    };
    let addresses: std::collections::HashMap<&str, u64> = std::str::from_utf8(&nm)
        .expect("nm lists UTF-8")
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let address = u64::from_str_radix(fields.next()?, 16).ok()?;
            let kind = fields.next()?;
            let name = fields.next()?;
            matches!(kind, "t" | "T").then_some((name, address))
        })
        .collect();
    let placed: Vec<u64> = listed
        .iter()
        .filter_map(|n| addresses.get(n).copied())
        .collect();
    assert!(
        placed.len() * 10 >= listed.len() * 8,
        "only {} of the {} functions src/link-order.txt names are in the binary: make it again with `python3 benches/link-order.py`",
        placed.len(),
        listed.len()
    );
    let in_order = placed.windows(2).filter(|pair| pair[0] < pair[1]).count();
    assert!(
        in_order * 100 >= (placed.len() - 1) * 99,
        "the binary's functions are not laid out in the order of src/link-order.txt ({in_order} of {} pairs in order): is build.rs's --symbol-ordering-file reaching the linker (LLD)?",
        placed.len() - 1
    );
}
