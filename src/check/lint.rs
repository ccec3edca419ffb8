//! The template linter behind `brief check --template`: reads a template's typst files and
//! compares what they read from the brief's data with what the manifest declares.
//!
//! It follows the data through plain bindings (`let data = json("/.brief/data.json")`,
//! `let f = data.fields`, `let e = f.event`) and `for` loops over lists, and reports a read of an
//! undeclared field as an error at its line. A declared field whose name is never read anywhere
//! in the template's files is a warning. Reads through closures and function parameters are not
//! followed; they count only as "read" for the second check.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;
use typst::syntax::ast::{self, Arg, DestructuringItem, Expr, LetBindingKind, Pattern};
use typst::syntax::{LinkedNode, SyntaxKind};

use crate::diag::{Diagnostic, Files, Span, did_you_mean};
use crate::input::yaml::Node;
use crate::model::contract::DATA_PATH;
use crate::model::template::{Field, Kind, Template};

/// What a typst expression holds, as far as the brief's data goes.
#[derive(Clone, Copy)]
enum Shape<'a> {
    /// The whole JSON document: `fields` and `build`.
    Root,
    /// A map of declared fields (the top level, or a record).
    Record(&'a IndexMap<String, Field>),
    /// One declared field's value.
    Value(&'a Field),
}

/// The keys of the data file besides the fields.
const ROOT_KEYS: &[&str] = &["fields", "build"];

fn properties(kind: Kind) -> Option<&'static [&'static str]> {
    match kind {
        Kind::Date => Some(&["iso", "year", "month", "day", "precision", "text", "end"]),
        Kind::Time => Some(&["iso", "hour", "minute", "text"]),
        Kind::Datetime => Some(&["iso", "date", "time", "text"]),
        Kind::Inline => Some(&["inlines", "text"]),
        _ => None,
    }
}

/// Checks a template's typst files against its manifest.
pub fn lint(template: &Template, files: &mut Files) -> Vec<Diagnostic> {
    let mut linter = Linter {
        template,
        // What loading found (a manifest without `contract`) is reported with the rest.
        problems: template.warnings.clone(),
        read: HashSet::new(),
    };
    for (path, bytes) in &template.files {
        if !path.ends_with(".typ") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let key = files.add(
            format!("{}/{path}", template.display_root),
            text.to_string(),
        );
        let root = typst::syntax::parse(text);
        let mut vars = HashMap::new();
        linter.walk(&LinkedNode::new(&root), key, &mut vars);
    }
    let fields_decl = template.manifest_tree.get("fields").map(|e| &e.node);
    linter.unread(&template.manifest.fields, fields_decl, "");
    linter.problems
}

struct Linter<'t> {
    template: &'t Template,
    problems: Vec<Diagnostic>,
    /// Every name read as a field anywhere (`.name` or `.at("name")`).
    read: HashSet<String>,
}

impl<'t> Linter<'t> {
    fn walk(&mut self, node: &LinkedNode<'_>, file: usize, vars: &mut HashMap<String, Shape<'t>>) {
        let syntax = node.get();
        if let Some(binding) = syntax.cast::<ast::LetBinding>()
            && let (LetBindingKind::Normal(Pattern::Normal(Expr::Ident(name))), Some(init)) =
                (binding.kind(), binding.init())
        {
            match self.resolve(init, vars) {
                Some(shape) => vars.insert(name.as_str().to_string(), shape),
                None => vars.remove(name.as_str()),
            };
        }
        if let Some(for_loop) = syntax.cast::<ast::ForLoop>() {
            self.bind_loop(for_loop, vars);
        }
        if let Some(access) = syntax.cast::<ast::FieldAccess>() {
            let name = access.field().as_str().to_string();
            let is_method = node.parent_kind() == Some(SyntaxKind::FuncCall);
            if !is_method {
                self.check_access(access.target(), &name, node, file, vars);
            }
            self.read.insert(name);
        }
        if let Some(call) = syntax.cast::<ast::FuncCall>()
            && let Expr::FieldAccess(callee) = call.callee()
            && callee.field().as_str() == "at"
            && let Some(Arg::Pos(Expr::Str(key))) = call.args().items().next()
        {
            let name = key.get().to_string();
            self.check_access(callee.target(), &name, node, file, vars);
            self.read.insert(name);
        }
        for child in node.children() {
            self.walk(&child, file, vars);
        }
    }

    /// Binds `for x in list` and `for (i, x) in list.enumerate()` to the list's items.
    fn bind_loop(&mut self, for_loop: ast::ForLoop<'_>, vars: &mut HashMap<String, Shape<'t>>) {
        let (iterable, enumerated) = match for_loop.iterable() {
            Expr::FuncCall(call) => match call.callee() {
                Expr::FieldAccess(a) if a.field().as_str() == "enumerate" => (a.target(), true),
                _ => return,
            },
            other => (other, false),
        };
        let Some(Shape::Value(field)) = self.resolve(iterable, vars) else {
            return;
        };
        let Some(items) = field.items.as_deref() else {
            return;
        };
        let item = Shape::Value(items);
        let name = match (for_loop.pattern(), enumerated) {
            (Pattern::Normal(Expr::Ident(name)), false) => Some(name),
            (Pattern::Destructuring(d), true) => match d.items().nth(1) {
                Some(DestructuringItem::Pattern(Pattern::Normal(Expr::Ident(name)))) => Some(name),
                _ => None,
            },
            _ => None,
        };
        if let Some(name) = name {
            vars.insert(name.as_str().to_string(), item);
        }
    }

    fn resolve(&self, expr: Expr<'_>, vars: &HashMap<String, Shape<'t>>) -> Option<Shape<'t>> {
        match expr {
            Expr::Ident(name) => vars.get(name.as_str()).copied(),
            Expr::Parenthesized(inner) => self.resolve(inner.expr(), vars),
            Expr::FuncCall(call) => match (call.callee(), call.args().items().next()) {
                (Expr::Ident(f), Some(Arg::Pos(Expr::Str(path))))
                    if f.as_str() == "json" && path.get() == DATA_PATH =>
                {
                    Some(Shape::Root)
                }
                _ => None,
            },
            Expr::FieldAccess(access) => {
                let target = self.resolve(access.target(), vars)?;
                self.step(target, access.field().as_str())
            }
            _ => None,
        }
    }

    fn step(&self, shape: Shape<'t>, name: &str) -> Option<Shape<'t>> {
        match shape {
            Shape::Root if name == "fields" => Some(Shape::Record(&self.template.manifest.fields)),
            Shape::Root => None,
            Shape::Record(fields) => fields.get(name).map(Shape::Value),
            Shape::Value(field) if field.kind == Kind::Record => {
                field.fields.get(name).map(Shape::Value)
            }
            Shape::Value(_) => None,
        }
    }

    fn check_access(
        &mut self,
        target: Expr<'_>,
        name: &str,
        node: &LinkedNode<'_>,
        file: usize,
        vars: &HashMap<String, Shape<'t>>,
    ) {
        let Some(shape) = self.resolve(target, vars) else {
            return;
        };
        let known: Vec<&str> = match shape {
            Shape::Root => ROOT_KEYS.to_vec(),
            Shape::Record(fields) => fields.keys().map(String::as_str).collect(),
            Shape::Value(field) if field.kind == Kind::Record => {
                field.fields.keys().map(String::as_str).collect()
            }
            Shape::Value(field) => match properties(field.kind) {
                Some(props) => props.to_vec(),
                None => return,
            },
        };
        if known.contains(&name) {
            return;
        }
        let span = Span::new(file, node.range());
        let mut problem = match shape {
            Shape::Value(field) if properties(field.kind).is_some() => Diagnostic::error(
                Some(span),
                format!(
                    "the template reads `{name}` of a {} value, which has no such part",
                    kind_name(field.kind)
                ),
            )
            .with_note(format!("its parts are: {}", known.join(", "))),
            _ => Diagnostic::error(
                Some(span),
                format!(
                    "the template reads the field `{name}`, which template.yaml does not declare"
                ),
            )
            .with_hint(format!(
                "declare `{name}` in template.yaml, or fix the name"
            )),
        };
        if let Some(suggestion) = did_you_mean(name, known.iter().copied()) {
            problem = problem.with_hint(format!("did you mean `{suggestion}`?"));
        }
        self.problems.push(problem);
    }

    /// Warns about declared fields whose names the template never reads.
    fn unread(&mut self, fields: &IndexMap<String, Field>, decls: Option<&Node>, path: &str) {
        for (name, field) in fields {
            let full = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            if field.used_by.is_some() {
                continue;
            }
            let decl = decls.and_then(|d| d.get(name));
            if !self.read.contains(name) {
                let span = decl
                    .map(|d| d.key_span)
                    .or(Some(self.template.manifest_span()));
                self.problems.push(
                    Diagnostic::warning(
                        span,
                        format!("the field `{full}` is declared but the template never reads it"),
                    )
                    .with_hint("remove it from template.yaml, or print it"),
                );
            }
            let inner = |part: &str| decl.and_then(|d| d.node.get(part)).map(|e| &e.node);
            if !field.fields.is_empty() {
                self.unread(&field.fields, inner("fields"), &full);
            }
            if let Some(items) = field.items.as_deref()
                && !items.fields.is_empty()
            {
                let items_decl = inner("items")
                    .and_then(|d| d.get("fields"))
                    .map(|e| &e.node);
                self.unread(&items.fields, items_decl, &format!("{full}[]"));
            }
        }
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Date => "date",
        Kind::Time => "time",
        Kind::Datetime => "date-time",
        Kind::Inline => "one-line text",
        _ => "field",
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::model::template::Registry;

    fn lint_main(main: &str) -> Vec<Diagnostic> {
        let mut files = Files::default();
        let mut template = Registry::default()
            .load("background-note", &mut files, None)
            .unwrap();
        template
            .files
            .insert("main.typ".into(), Cow::Owned(main.as_bytes().to_vec()));
        lint(&template, &mut files)
    }

    #[test]
    fn the_builtin_template_reads_what_it_declares() {
        let mut files = Files::default();
        for name in Template::builtin_names() {
            let template = Registry::default().load(name, &mut files, None).unwrap();
            let problems = lint(&template, &mut files);
            assert!(
                problems.is_empty(),
                "{}",
                crate::diag::render(&files, &problems)
            );
        }
    }

    #[test]
    fn undeclared_reads_are_errors_and_unread_fields_warnings() {
        let problems = lint_main(
            "#let data = json(\"/.brief/data.json\")\n#let f = data.fields\n#f.titel\n#f.event.date.txt\n#for m in f.milestones { m.when }\n",
        );
        let errors: Vec<&str> = problems
            .iter()
            .filter(|p| p.is_error())
            .map(|p| p.message.as_str())
            .collect();
        assert_eq!(
            errors,
            [
                "the template reads the field `titel`, which template.yaml does not declare",
                "the template reads `txt` of a date value, which has no such part",
                "the template reads the field `when`, which template.yaml does not declare",
            ]
        );
        assert!(
            problems.iter().any(|p| p.message
                == "the field `organization` is declared but the template never reads it")
        );
    }
}
