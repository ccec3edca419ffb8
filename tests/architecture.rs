//! The source tree is the pipeline: no module uses a module that uses it back (directly or
//! through others), and each stage's folder uses only the stages below it.
//!
//! The test reads every file under `src/` as text, without compiling anything: `use` trees
//! (braces expanded), `crate::`, `super::` and `self::` paths, and paths through a module's
//! own children (`build::run` in `cli/mod.rs`). Comments, strings and `#[cfg(test)]` modules
//! are left out: a unit test may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each top-level module and the stage it belongs to; a module may use modules of its own
/// stage or of a lower one. Stages, lowest first: shared helpers, reading input and writing
/// output, the model, the checker, typesetting, jobs, the sessions that keep running (watch
/// and preview), the command line.
const STAGES: &[(&str, u8)] = &[
    ("text", 0),
    ("diag", 0),
    ("error", 0),
    ("input", 1),
    ("output", 1),
    ("model", 2),
    ("check", 3),
    ("typeset", 4),
    ("jobs", 5),
    ("live", 6),
    ("cli", 7),
];

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let cycles = cycles(&graph);
    assert!(
        cycles.is_empty(),
        "import cycles between modules:\n{}",
        cycles
            .iter()
            .map(|c| format!("  {}", c.join(" -> ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn each_stage_uses_only_the_stages_below_it() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let stage = |module: &str| {
        let top = module.split("::").next().unwrap_or(module);
        STAGES
            .iter()
            .find(|(name, _)| *name == top)
            .map(|(_, s)| *s)
    };
    let mut wrong = Vec::new();
    for (from, uses) in &graph {
        if from.is_empty() {
            continue; // lib.rs declares every stage
        }
        let Some(mine) = stage(from) else {
            wrong.push(format!(
                "  {from}: a top-level module no stage names (add it to STAGES)"
            ));
            continue;
        };
        for to in uses {
            match stage(to) {
                Some(theirs) if theirs > mine => wrong.push(format!("  {from} uses {to}")),
                _ => {}
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "modules that use a later stage of the pipeline:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_the_command_line_knows_clap() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    collect(&src, &src, &mut files);
    let users: Vec<&String> = files
        .iter()
        .filter(|(module, _)| !module.starts_with("cli") && !module.is_empty())
        .filter(|(_, text)| {
            paths(&tokens(strip_tests(text)))
                .iter()
                .any(|path| path.first().is_some_and(|p| p == "clap"))
        })
        .map(|(module, _)| module)
        .collect();
    // main.rs maps to "" with lib.rs; it parses the command line and may name clap.
    assert!(
        users.is_empty(),
        "modules outside cli/ that use clap: {users:?}"
    );
}

#[test]
fn the_reader_finds_a_cycle_past_comments_strings_and_tests() {
    // A three-module tree where `a` uses `b`, `b` uses `a::c` and `a` declares `c`.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    fs::create_dir(src.join("a")).unwrap();
    fs::write(src.join("lib.rs"), "pub mod a;\npub mod b;\n").unwrap();
    fs::write(
        src.join("a/mod.rs"),
        "//! a\npub mod c;\nuse crate::b::{self, Thing};\nfn f() { b::g(); c::h(); }\n",
    )
    .unwrap();
    fs::write(
        src.join("a/c.rs"),
        "// crate::b in a comment\nconst S: &str = \"crate::b\";\n",
    )
    .unwrap();
    fs::write(
        src.join("b.rs"),
        "use crate::a::c;\n#[cfg(test)]\nmod tests { use crate::a; }\n",
    )
    .unwrap();
    let first = graph(src);
    assert_eq!(
        first["a"],
        BTreeSet::from(["a::c".to_string(), "b".to_string()])
    );
    assert_eq!(
        first["a::c"],
        BTreeSet::new(),
        "comments and strings are not uses"
    );
    assert_eq!(
        first["b"],
        BTreeSet::from(["a::c".to_string()]),
        "tests are left out"
    );
    assert!(cycles(&first).is_empty());
    fs::write(src.join("a/c.rs"), "fn h() { super::super::b::g() }\n").unwrap();
    let second = graph(src);
    assert_eq!(cycles(&second), vec![vec!["a::c", "b", "a::c"]]);
}

/// The modules under `src` (`check::load` for `src/check/load.rs`, `""` for `lib.rs`) and the
/// modules each one uses.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = BTreeMap::new();
    collect(src, src, &mut files);
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (module, text) in &files {
        let tokens = tokens(strip_tests(text));
        let children: BTreeSet<String> = tokens
            .windows(3)
            .filter_map(|w| match w {
                [Tok::Ident(m), Tok::Ident(name), Tok::Semi] if m == "mod" => Some(name.clone()),
                _ => None,
            })
            .collect();
        let mut uses = BTreeSet::new();
        for path in paths(&tokens) {
            if let Some(target) = resolve(module, &path, &children, &modules)
                && target != *module
            {
                uses.insert(target);
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap().with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            files.insert(parts.join("::"), fs::read_to_string(&path).unwrap());
        }
    }
}

/// The text before a `#[cfg(test)]` module (the unit tests sit at the end of a file).
fn strip_tests(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod ") {
        Some(at) => &text[..at],
        None => text,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Semi,
    Other,
}

/// The tokens of Rust source that paths are made of; comments, strings and characters are
/// skipped.
fn tokens(text: &str) -> Vec<Tok> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('#' | '"')) && {
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            chars.get(i + 1 + hashes) == Some(&'"')
        } {
            let hashes = chars[i + 1..].iter().take_while(|&&c| c == '#').count();
            i += 2 + hashes;
            while i < chars.len() {
                if chars[i] == '"' && chars[i + 1..].iter().take(hashes).all(|&c| c == '#') {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push(Tok::Other);
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(Tok::Other);
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{a0}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
            out.push(Tok::Other);
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(match c {
                ':' if next == Some(':') => {
                    i += 1;
                    Tok::PathSep
                }
                '{' => Tok::Open,
                '}' => Tok::Close,
                ',' => Tok::Comma,
                ';' => Tok::Semi,
                c if c.is_whitespace() => {
                    i += 1;
                    continue;
                }
                _ => Tok::Other,
            });
            i += 1;
        }
    }
    out
}

/// Every path in the tokens: those of `use` trees with their braces expanded, and every other
/// run of `a::b::c`.
fn paths(tokens: &[Tok]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == Tok::Ident("use".into()) {
            i += 1;
            use_tree(tokens, &mut i, &[], &mut out);
        } else if let Tok::Ident(first) = &tokens[i] {
            let after_sep = i > 0 && tokens[i - 1] == Tok::PathSep;
            let mut path = vec![first.clone()];
            let mut j = i + 1;
            while tokens.get(j) == Some(&Tok::PathSep) {
                match tokens.get(j + 1) {
                    Some(Tok::Ident(name)) => path.push(name.clone()),
                    _ => break,
                }
                j += 2;
            }
            if !after_sep && path.len() > 1 {
                out.push(path);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// Reads one use tree at `tokens[*i]` under `prefix`, pushing every path it names.
fn use_tree(tokens: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let mut path = prefix.to_vec();
    loop {
        match tokens.get(*i) {
            Some(Tok::Ident(name)) => {
                if name != "self" || path.is_empty() {
                    path.push(name.clone());
                }
                *i += 1;
            }
            Some(Tok::PathSep) => *i += 1,
            Some(Tok::Open) => {
                *i += 1;
                while !matches!(tokens.get(*i), Some(Tok::Close) | None) {
                    if tokens.get(*i) == Some(&Tok::Comma) {
                        *i += 1;
                        continue;
                    }
                    use_tree(tokens, i, &path, out);
                }
                *i += 1;
                return;
            }
            _ => {
                if path.len() > prefix.len() || !path.is_empty() {
                    // `as name` and `*` end the path; what comes after is not part of it.
                    let end = path.iter().position(|p| p == "as").unwrap_or(path.len());
                    out.push(path[..end].to_vec());
                }
                while !matches!(
                    tokens.get(*i),
                    Some(Tok::Comma | Tok::Close | Tok::Semi) | None
                ) {
                    *i += 1;
                }
                if tokens.get(*i) == Some(&Tok::Semi) {
                    *i += 1;
                }
                return;
            }
        }
    }
}

/// The module a path from `module` lands in (the longest module prefix), if it is ours.
fn resolve(
    module: &str,
    path: &[String],
    children: &BTreeSet<String>,
    modules: &BTreeSet<String>,
) -> Option<String> {
    let mut base: Vec<String> = module
        .split("::")
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("super") => {
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some("self") => rest = &rest[1..],
        Some(first) if children.contains(first) => {}
        _ => return None,
    }
    let mut best = None;
    let mut current = base.clone();
    if modules.contains(&current.join("::")) {
        best = Some(current.join("::"));
    }
    for segment in rest {
        current.push(segment.clone());
        let name = current.join("::");
        if modules.contains(&name) {
            best = Some(name);
        } else {
            break;
        }
    }
    best
}

/// Every cycle of the graph, once each, as the modules in order with the first repeated.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Strongly connected components (Tarjan); a component of two or more modules holds a
    // cycle, shown as one path through it.
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        components: Vec<Vec<&'g str>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.components.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    let mut out = Vec::new();
    for component in state.components {
        let members: BTreeSet<&str> = component.iter().copied().collect();
        let start = *members.iter().next().expect("a component has members");
        // A shortest way from `start` back to itself inside the component (breadth first).
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start]);
        'search: while let Some(v) = queue.pop_front() {
            for w in &graph[v] {
                let w = w.as_str();
                if !members.contains(w) {
                    continue;
                }
                if w == start {
                    previous.insert(start, v);
                    break 'search;
                }
                if !previous.contains_key(w) {
                    previous.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
        let mut cycle = vec![start.to_string()];
        let mut at = previous[start];
        while at != start {
            cycle.push(at.to_string());
            at = previous[at];
        }
        cycle.push(start.to_string());
        let last = cycle.len() - 1;
        cycle[1..last].reverse();
        out.push(cycle);
    }
    out
}
