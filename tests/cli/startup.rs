//! What a fresh `brief` process pays before it reads a brief: the binary's start-up.

/// The binary is linked at a fixed address (ELF type `EXEC`, not a position-independent
/// `DYN`), so the loader applies no relative relocations at start-up (build.rs asks the
/// linker for it on Linux with glibc).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_is_linked_at_a_fixed_address() {
    use std::io::Read;
    let mut binary = [0u8; 18];
    std::fs::File::open(env!("CARGO_BIN_EXE_brief"))
        .and_then(|mut file| file.read_exact(&mut binary))
        .expect("the binary is readable");
    assert_eq!(&binary[..4], b"\x7fELF", "an ELF file");
    // e_type, little-endian at offset 16: 2 is ET_EXEC, 3 is ET_DYN (PIE).
    let kind = u16::from_le_bytes([binary[16], binary[17]]);
    assert_eq!(
        kind, 2,
        "linked position-independent (ELF type {kind}), not at a fixed address"
    );
}
