//! The command-line surface: `--help` text pinned exactly, and the completion scripts and man
//! page generated from the same definitions.
//!
//! tests/fixtures/help/NAME.txt holds the expected standard output of each help command, the
//! version redacted as `{version}`. `BLESS=1` rewrites them after a deliberate change of the
//! command line; review the diff.

use std::fs;

use crate::util::{brief, root, run};

/// The subcommands, as `brief --help` lists them.
const COMMANDS: &[&str] = &[
    "build",
    "watch",
    "preview",
    "handout",
    "check",
    "register",
    "show",
    "schema",
    "templates",
    "new",
    "extract",
    "completions",
    "man",
];

/// Standard output of `brief ARGS`, which must succeed, with the version redacted.
fn stdout_of(args: &[&str]) -> String {
    let (output, stderr) = run(brief(&root()).args(args).env_remove("COLUMNS"));
    assert!(output.status.success(), "brief {args:?} failed: {stderr}");
    String::from_utf8(output.stdout)
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "{version}")
}

fn pinned(name: &str, args: &[&str]) {
    let actual = stdout_of(args);
    let path = root()
        .join("tests/fixtures/help")
        .join(format!("{name}.txt"));
    if std::env::var_os("BLESS").is_some() {
        fs::write(&path, &actual).unwrap();
    }
    let expected = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "`brief {}` differs from {}\n--- expected\n{expected}--- actual\n{actual}",
        args.join(" "),
        path.display()
    );
}

/// `brief --help` prints exactly tests/fixtures/help/brief.txt.
#[test]
fn main_help_is_pinned() {
    pinned("brief", &["--help"]);
}

/// `brief build --help` prints exactly tests/fixtures/help/build.txt.
#[test]
fn build_help_is_pinned() {
    pinned("build", &["build", "--help"]);
}

/// `brief handout --help` prints exactly tests/fixtures/help/handout.txt.
#[test]
fn handout_help_is_pinned() {
    pinned("handout", &["handout", "--help"]);
}

/// `brief preview --help` prints exactly tests/fixtures/help/preview.txt.
#[test]
fn preview_help_is_pinned() {
    pinned("preview", &["preview", "--help"]);
}

/// `brief watch --help` prints exactly tests/fixtures/help/watch.txt.
#[test]
fn watch_help_is_pinned() {
    pinned("watch", &["watch", "--help"]);
}

/// `brief check --help` prints exactly tests/fixtures/help/check.txt.
#[test]
fn check_help_is_pinned() {
    pinned("check", &["check", "--help"]);
}

/// `brief register --help` prints exactly tests/fixtures/help/register.txt.
#[test]
fn register_help_is_pinned() {
    pinned("register", &["register", "--help"]);
}

/// `brief show --help` prints exactly tests/fixtures/help/show.txt.
#[test]
fn show_help_is_pinned() {
    pinned("show", &["show", "--help"]);
}

/// `brief schema --help` prints exactly tests/fixtures/help/schema.txt.
#[test]
fn schema_help_is_pinned() {
    pinned("schema", &["schema", "--help"]);
}

/// `brief templates --help` prints exactly tests/fixtures/help/templates.txt.
#[test]
fn templates_help_is_pinned() {
    pinned("templates", &["templates", "--help"]);
}

/// `brief new --help` prints exactly tests/fixtures/help/new.txt.
#[test]
fn new_help_is_pinned() {
    pinned("new", &["new", "--help"]);
}

/// `brief extract --help` prints exactly tests/fixtures/help/extract.txt.
#[test]
fn extract_help_is_pinned() {
    pinned("extract", &["extract", "--help"]);
}

/// `brief completions --help` prints exactly tests/fixtures/help/completions.txt.
#[test]
fn completions_help_is_pinned() {
    pinned("completions", &["completions", "--help"]);
}

/// `brief man --help` prints exactly tests/fixtures/help/man.txt.
#[test]
fn man_help_is_pinned() {
    pinned("man", &["man", "--help"]);
}

/// Every subcommand is in `brief --help`, so COMMANDS below stays the full list.
#[test]
fn help_lists_every_command() {
    let help = stdout_of(&["--help"]);
    for command in COMMANDS {
        assert!(
            help.contains(&format!("\n  {command} ")),
            "{command}:\n{help}"
        );
    }
}

/// The bash completion script completes `brief` and offers every subcommand.
#[test]
fn bash_completions_offer_every_command() {
    let script = stdout_of(&["completions", "bash"]);
    assert!(script.contains("complete -F _brief"), "{script}");
    for command in COMMANDS {
        assert!(script.contains(command), "{command} is missing");
    }
}

/// Every shell clap_complete knows gets a script; an unknown shell is a usage error (exit 2).
#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains("schema"), "{shell}: {script}");
    }
    let (output, stderr) = run(brief(&root()).args(["completions", "tcsh"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("invalid value 'tcsh'"), "{stderr}");
}

/// `brief man` is a roff page: its first request after the roff crate's two-line apostrophe
/// preamble (`.ie`/`.el`) is `.TH`, and it mentions every subcommand.
#[test]
fn man_page_is_roff_and_lists_every_command() {
    let page = stdout_of(&["man"]);
    let first = page
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .unwrap_or("");
    assert!(first.starts_with(".TH brief 1"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!("brief\\-{command}(1)")),
            "{command}:\n{page}"
        );
    }
}
