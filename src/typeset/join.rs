//! PDF files that typst exported apart, joined into one: the merged print file of many
//! personalized copies is exported a few dozen copies at a time, so that memory stays flat
//! however many copies there are, and the pieces are put together here, pages, tags (the
//! structure tree PDF/UA asks for), bookmarks and metadata made one document's.
//!
//! Only what typst-pdf writes is joined: a piece with anything else in its catalog or
//! structure tree (an ID tree, page labels, named destinations) is refused with the reason,
//! rather than joined into a file that would say less than its pieces.

use std::collections::{BTreeMap, BTreeSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

/// The catalog entries a piece may have: the first piece's are kept, the later pieces' pages,
/// structure and bookmarks are moved into it, and their other entries (the attached brief,
/// which the first piece carries for the whole file) are left out.
const CATALOG_KEYS: &[&[u8]] = &[
    b"Type",
    b"Pages",
    b"StructTreeRoot",
    b"MarkInfo",
    b"Lang",
    b"Metadata",
    b"Names",
    b"Outlines",
    b"ViewerPreferences",
    b"AF",
    b"PageMode",
    // PDF/A's colour profile: the same in every piece, the first's is kept.
    b"OutputIntents",
];

/// One PDF file made of `pieces` in order (each a PDF that typst exported): the first gives
/// the document's catalog (its language, metadata, viewer preferences and attached files),
/// its information dictionary and its file identifier; every piece gives its pages, its
/// structure elements (under the first piece's `Document` element) and its bookmarks. Stream
/// contents are copied as they are, never decoded or compressed again.
///
/// The file is written piece by piece: a piece is read, its objects renumbered after the ones
/// before and written out, and it is dropped before the next is read, so the join holds the
/// output and one piece, never every piece read at once. Only the objects the joined file
/// keeps back until the end are held: the first piece's catalog, page tree, structure root,
/// `Document` element and metadata, and the last bookmark written (the next piece's first
/// bookmark comes after it).
///
/// `pieces` may be a channel's receiving end: each piece is taken when the one before is
/// written, so the join can run while later pieces are still being made. `count`, how many
/// pieces there are, sizes the output.
pub fn join(pieces: impl IntoIterator<Item = Vec<u8>>, count: usize) -> Result<Vec<u8>, String> {
    let mut pieces = pieces.into_iter().peekable();
    let Some(first) = pieces.next() else {
        return Err("there is nothing to join".into());
    };
    if pieces.peek().is_none() {
        return Ok(first);
    }
    let capacity = first.len().saturating_mul(count.max(2));
    let base = load(&first, 1)?;
    drop(first);
    let mut out = Output::new(capacity, &base.version);
    let mut joined = Piece::of(&base, 1)?;
    let catalog_id = base
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|_| "piece 1 has no catalog".to_string())?;
    let metadata_id = base
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(Object::as_reference)
        .ok();
    let parent_tree_id = base
        .get_dictionary(joined.struct_root)
        .and_then(|t| t.get(b"ParentTree"))
        .and_then(Object::as_reference)
        .ok();
    // Held until the end, when the whole file's pages, tags and bookmarks are known.
    let mut held: Vec<ObjectId> = vec![
        catalog_id,
        joined.pages_root,
        joined.struct_root,
        joined.document,
    ];
    held.extend(metadata_id);
    if let Some(outline) = joined.outline {
        held.extend([outline.root, outline.last]);
    }
    let trailer = base.trailer.clone();
    let mut base = base;
    let mut kept: BTreeMap<ObjectId, Object> = BTreeMap::new();
    for id in &held {
        if let Some(object) = base.objects.remove(id) {
            kept.insert(*id, object);
        }
    }
    if let Some(id) = parent_tree_id {
        base.objects.remove(&id);
    }
    for (id, object) in &base.objects {
        out.object(*id, object)?;
    }
    let mut next_id = base.max_id + 1;
    drop(base);
    let mut id_roots: Vec<ObjectId> = Vec::new();

    for (i, bytes) in pieces.enumerate() {
        let number = i + 2;
        let mut doc = load(&bytes, number)?;
        drop(bytes);
        doc.renumber_objects_with(next_id);
        next_id = doc.max_id + 1;
        let piece = Piece::of(&doc, number)?;
        if let Ok(names) = doc.catalog().and_then(|c| c.get(b"Names")) {
            let names = resolve(&doc, names).as_dict().map_err(|e| e.to_string())?;
            if let Some((key, _)) = names.iter().find(|(k, _)| k.as_slice() != b"EmbeddedFiles") {
                return Err(format!(
                    "piece {number} has names of a kind this join does not merge (/{})",
                    String::from_utf8_lossy(key)
                ));
            }
        }
        // Structure parents are numbered through the whole file, and element identifiers
        // (typst numbers a document's table cells the same way in every piece) get the
        // piece's number in front.
        let offset = joined.next_key;
        let prefix = format!("P{number}-").into_bytes();
        for object in doc.objects.values_mut() {
            shift_struct_parents(object, offset);
            rename_ids(object, &prefix, false);
        }
        joined.ids.extend(piece.ids.iter().map(|(key, value)| {
            let mut key = key.clone();
            key.splice(0..0, prefix.iter().copied());
            (key, value.clone())
        }));
        for (_, value) in &piece.ids {
            references(value, &mut id_roots);
        }
        joined
            .nums
            .extend(piece.nums.iter().map(|(k, v)| (k + offset, v.clone())));
        joined.next_key += piece.next_key;
        // The piece's top-level elements go under the first piece's `Document` element.
        for kid in &piece.kids {
            let id = kid
                .as_reference()
                .map_err(|_| format!("piece {number} has marked content outside any element"))?;
            doc.get_dictionary_mut(id)
                .map_err(|e| e.to_string())?
                .set("P", Object::Reference(joined.document));
        }
        joined.kids.extend(piece.kids.iter().cloned());
        for (key, value) in piece.role_map.iter() {
            if !joined.role_map.has(key) {
                joined.role_map.set(key.clone(), value.clone());
            }
        }
        for page in &piece.pages {
            doc.get_dictionary_mut(*page)
                .map_err(|e| e.to_string())?
                .set("Parent", Object::Reference(joined.pages_root));
        }
        joined.pages.extend(&piece.pages);
        let mut roots: Vec<ObjectId> = piece.pages.clone();
        roots.extend(piece.kids.iter().filter_map(|k| k.as_reference().ok()));
        for (_, value) in &piece.nums {
            references(value, &mut roots);
        }
        roots.append(&mut id_roots);
        if let Some(outline) = piece.outline {
            let mut items = Vec::new();
            joined.append_outline(&mut kept, &mut doc, outline, &mut items)?;
            roots.extend(items);
        }
        // What the joined file keeps of the piece: what its pages, elements and bookmarks
        // reach (not its catalog, page tree, structure root, metadata or attached files).
        let mut keep = reachable(&doc, roots);
        if let Some(outline) = joined.outline {
            // The last bookmark waits for the next piece's first.
            if keep.remove(&outline.last)
                && let Some(object) = doc.objects.remove(&outline.last)
            {
                kept.insert(outline.last, object);
            }
        }
        for id in &keep {
            if let Some(object) = doc.objects.get(id) {
                out.object(*id, object)?;
            }
        }
    }
    joined.write_into(&mut kept)?;
    for (id, object) in &kept {
        out.object(*id, object)?;
    }
    out.finish(trailer, next_id)
}

/// The objects `roots` lead to in `doc`, through references to objects of `doc`.
fn reachable(doc: &Document, roots: Vec<ObjectId>) -> BTreeSet<ObjectId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        let Some(object) = doc.objects.get(&id) else {
            continue;
        };
        if !seen.insert(id) {
            continue;
        }
        references(object, &mut stack);
    }
    seen
}

fn references(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(dict) => dict.iter().for_each(|(_, o)| references(o, out)),
        Object::Stream(stream) => stream.dict.iter().for_each(|(_, o)| references(o, out)),
        _ => {}
    }
}

/// A PDF file being written object by object, with the offsets its cross-reference table
/// lists.
struct Output {
    bytes: Vec<u8>,
    offsets: BTreeMap<u32, usize>,
}

impl Output {
    fn new(capacity: usize, version: &str) -> Self {
        let mut bytes = Vec::with_capacity(capacity + capacity / 16);
        bytes.extend_from_slice(format!("%PDF-{version}\n").as_bytes());
        bytes.extend_from_slice(b"%\x80\x80\x80\x80\n");
        Self {
            bytes,
            offsets: BTreeMap::new(),
        }
    }

    fn object(&mut self, id: ObjectId, object: &Object) -> Result<(), String> {
        use std::io::Write;
        self.offsets.insert(id.0, self.bytes.len());
        let fail = |e: std::io::Error| e.to_string();
        writeln!(self.bytes, "{} {} obj", id.0, id.1).map_err(fail)?;
        lopdf::Writer::write_object(&mut self.bytes, object).map_err(|e| e.to_string())?;
        self.bytes.extend_from_slice(b"\nendobj\n");
        Ok(())
    }

    /// The cross-reference table (numbers never written are free) and the trailer.
    fn finish(mut self, trailer: Dictionary, size: u32) -> Result<Vec<u8>, String> {
        use std::io::Write;
        let fail = |e: std::io::Error| e.to_string();
        let start = self.bytes.len();
        write!(self.bytes, "xref\n0 {size}\n0000000000 65535 f\r\n").map_err(fail)?;
        for number in 1..size {
            match self.offsets.get(&number) {
                Some(offset) => write!(self.bytes, "{offset:010} 00000 n\r\n"),
                None => write!(self.bytes, "0000000000 00000 f\r\n"),
            }
            .map_err(fail)?;
        }
        let mut trailer = trailer;
        trailer.set("Size", Object::Integer(i64::from(size)));
        for key in [b"Prev".as_slice(), b"XRefStm"] {
            trailer.remove(key);
        }
        self.bytes.extend_from_slice(b"trailer\n");
        lopdf::Writer::write_object(&mut self.bytes, &Object::Dictionary(trailer))
            .map_err(|e| e.to_string())?;
        write!(self.bytes, "\nstartxref\n{start}\n%%EOF\n").map_err(fail)?;
        Ok(self.bytes)
    }
}

fn load(bytes: &[u8], number: usize) -> Result<Document, String> {
    Document::load_mem(bytes).map_err(|e| format!("piece {number} cannot be read ({e})"))
}

/// The object `object` refers to, or itself when it is direct.
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> &'a Object {
    doc.dereference(object).map_or(object, |(_, o)| o)
}

/// Adds `offset` to every `/StructParent` and `/StructParents` in `object` and the direct
/// objects inside it (pages, annotations, form XObjects).
fn shift_struct_parents(object: &mut Object, offset: i64) {
    let dict = match object {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &mut stream.dict,
        Object::Array(items) => {
            for item in items {
                shift_struct_parents(item, offset);
            }
            return;
        }
        _ => return,
    };
    for (key, value) in dict.iter_mut() {
        match (key.as_slice(), value) {
            (b"StructParent" | b"StructParents", Object::Integer(n)) => *n += offset,
            (_, value) => shift_struct_parents(value, offset),
        }
    }
}

/// Puts `prefix` before every element identifier in `object`: a structure element's `/ID`,
/// and the identifiers a table cell's `/Headers` names (`in_headers`: inside such a list).
fn rename_ids(object: &mut Object, prefix: &[u8], in_headers: bool) {
    match object {
        Object::String(text, _) if in_headers => {
            text.splice(0..0, prefix.iter().copied());
        }
        Object::Array(items) => {
            for item in items {
                rename_ids(item, prefix, in_headers);
            }
        }
        Object::Dictionary(dict) => {
            let element = dict.has(b"S");
            for (key, value) in dict.iter_mut() {
                match (key.as_slice(), value) {
                    (b"ID", Object::String(text, _)) if element => {
                        text.splice(0..0, prefix.iter().copied());
                    }
                    (b"Headers", value) => rename_ids(value, prefix, true),
                    (_, value) => rename_ids(value, prefix, false),
                }
            }
        }
        Object::Stream(stream) => {
            for (_, value) in stream.dict.iter_mut() {
                rename_ids(value, prefix, false);
            }
        }
        _ => {}
    }
}

/// A bookmark tree: its root and first and last top-level items, and its `/Count`.
#[derive(Clone, Copy)]
struct Outline {
    root: ObjectId,
    first: ObjectId,
    last: ObjectId,
    count: i64,
}

/// What one piece contributes, or (for the first) what the joined file is being built into.
struct Piece {
    catalog: ObjectId,
    /// Whether the bookmark root came from a later piece (the first had none).
    outline_new: bool,
    pages_root: ObjectId,
    pages: Vec<ObjectId>,
    struct_root: ObjectId,
    document: ObjectId,
    kids: Vec<Object>,
    nums: Vec<(i64, Object)>,
    next_key: i64,
    role_map: Dictionary,
    /// The element identifiers (`/ID`, which table cells' `/Headers` name) and their elements.
    ids: Vec<(Vec<u8>, Object)>,
    outline: Option<Outline>,
}

impl Piece {
    fn of(doc: &Document, number: usize) -> Result<Self, String> {
        let unknown = |what: &str, key: &[u8]| {
            format!(
                "piece {number} has {what} /{} that this join does not merge",
                String::from_utf8_lossy(key)
            )
        };
        let broken = |what: &str| format!("piece {number} has no {what}");
        let catalog = doc.catalog().map_err(|_| broken("catalog"))?;
        if let Some((key, _)) = catalog
            .iter()
            .find(|(k, _)| !CATALOG_KEYS.contains(&k.as_slice()))
        {
            return Err(unknown("a catalog entry", key));
        }
        let pages_root = catalog
            .get(b"Pages")
            .and_then(Object::as_reference)
            .map_err(|_| broken("page tree"))?;
        let root = doc
            .get_dictionary(pages_root)
            .map_err(|_| broken("page tree"))?;
        if let Some((key, _)) = root
            .iter()
            .find(|(k, _)| !matches!(k.as_slice(), b"Type" | b"Kids" | b"Count"))
        {
            return Err(unknown("a page tree entry", key));
        }
        let pages: Vec<ObjectId> = doc.page_iter().collect();

        let struct_root = catalog
            .get(b"StructTreeRoot")
            .and_then(Object::as_reference)
            .map_err(|_| broken("structure tree (it is not tagged)"))?;
        let tree = doc
            .get_dictionary(struct_root)
            .map_err(|_| broken("structure tree"))?;
        if let Some((key, _)) = tree.iter().find(|(k, _)| {
            !matches!(
                k.as_slice(),
                b"Type" | b"K" | b"ParentTree" | b"ParentTreeNextKey" | b"RoleMap" | b"IDTree"
            )
        }) {
            return Err(unknown("a structure tree entry", key));
        }
        // typst-pdf writes one `Document` element at the root.
        let top = match tree.get(b"K").map(|k| resolve(doc, k)) {
            Ok(Object::Array(items)) if items.len() == 1 => items[0].as_reference(),
            Ok(Object::Reference(id)) => Ok(*id),
            _ => return Err(format!("piece {number} has no single Document element")),
        }
        .map_err(|_| broken("Document element"))?;
        let element = doc
            .get_dictionary(top)
            .map_err(|_| broken("Document element"))?;
        if element.get(b"S").and_then(Object::as_name).ok() != Some(b"Document".as_slice()) {
            return Err(format!("piece {number} has no single Document element"));
        }
        let kids = match element.get(b"K").map(|k| resolve(doc, k)) {
            Ok(Object::Array(items)) => items.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        let mut nums = Vec::new();
        if let Ok(tree_node) = tree.get(b"ParentTree") {
            collect_nums(doc, resolve(doc, tree_node), &mut nums, number, 0)?;
        }
        let next_key = tree
            .get(b"ParentTreeNextKey")
            .and_then(Object::as_i64)
            .unwrap_or_else(|_| nums.iter().map(|(k, _)| k + 1).max().unwrap_or(0));
        let role_map = tree
            .get(b"RoleMap")
            .map(|r| resolve(doc, r))
            .and_then(Object::as_dict)
            .cloned()
            .unwrap_or_default();

        let mut ids = Vec::new();
        if let Ok(node) = tree.get(b"IDTree") {
            collect_names(doc, resolve(doc, node), &mut ids, number, 0)?;
        }
        let outline = match catalog.get(b"Outlines").and_then(Object::as_reference) {
            Ok(root) => {
                let dict = doc
                    .get_dictionary(root)
                    .map_err(|_| broken("bookmark tree"))?;
                match (
                    dict.get(b"First").and_then(Object::as_reference),
                    dict.get(b"Last").and_then(Object::as_reference),
                ) {
                    (Ok(first), Ok(last)) => Some(Outline {
                        root,
                        first,
                        last,
                        count: dict.get(b"Count").and_then(Object::as_i64).unwrap_or(0),
                    }),
                    _ => None,
                }
            }
            Err(_) => None,
        };
        Ok(Self {
            catalog: doc
                .trailer
                .get(b"Root")
                .and_then(Object::as_reference)
                .map_err(|_| broken("catalog"))?,
            outline_new: false,
            pages_root,
            pages,
            struct_root,
            document: top,
            kids,
            nums,
            next_key,
            role_map,
            ids,
            outline,
        })
    }

    /// Appends a later piece's bookmarks after the joined file's (or makes them the file's,
    /// when it has none yet); `items` gets the piece's top-level bookmarks.
    fn append_outline(
        &mut self,
        kept: &mut BTreeMap<ObjectId, Object>,
        doc: &mut Document,
        outline: Outline,
        items: &mut Vec<ObjectId>,
    ) -> Result<(), String> {
        let Some(mine) = self.outline.as_mut() else {
            // The piece's bookmark root becomes the file's (written with the catalog).
            let root = doc
                .objects
                .remove(&outline.root)
                .ok_or("a bookmark tree without its root")?;
            kept.insert(outline.root, root);
            self.outline_new = true;
            self.outline = Some(outline);
            let mut next = Some(outline.first);
            while let Some(id) = next {
                items.push(id);
                next = doc
                    .get_dictionary(id)
                    .and_then(|d| d.get(b"Next"))
                    .and_then(Object::as_reference)
                    .ok()
                    .filter(|_| id != outline.last);
            }
            return Ok(());
        };
        // Every top-level item of the piece is moved under the joined root.
        let mut next = Some(outline.first);
        while let Some(id) = next {
            items.push(id);
            let item = doc.get_dictionary_mut(id).map_err(|e| e.to_string())?;
            item.set("Parent", Object::Reference(mine.root));
            next = item.get(b"Next").and_then(Object::as_reference).ok();
            if id == outline.last {
                break;
            }
        }
        doc.get_dictionary_mut(outline.first)
            .map_err(|e| e.to_string())?
            .set("Prev", Object::Reference(mine.last));
        // The joined file's last bookmark, held back for this, now comes before the piece's.
        let last = kept
            .remove(&mine.last)
            .ok_or("the last bookmark was not kept back")?;
        let mut last = last;
        last.as_dict_mut()
            .map_err(|e| e.to_string())?
            .set("Next", Object::Reference(outline.first));
        doc.objects.insert(mine.last, last);
        items.push(mine.last);
        mine.last = outline.last;
        mine.count += outline.count;
        Ok(())
    }

    /// Writes what was gathered into the first piece's page tree, structure tree, bookmarks
    /// and metadata.
    fn write_into(&self, kept: &mut BTreeMap<ObjectId, Object>) -> Result<(), String> {
        fn dict(
            kept: &mut BTreeMap<ObjectId, Object>,
            id: ObjectId,
        ) -> Result<&mut Dictionary, String> {
            kept.get_mut(&id)
                .ok_or_else(|| format!("object {} was not kept back", id.0))?
                .as_dict_mut()
                .map_err(|e| e.to_string())
        }
        let root = dict(kept, self.pages_root)?;
        root.set(
            "Kids",
            Object::Array(self.pages.iter().map(|p| Object::Reference(*p)).collect()),
        );
        root.set("Count", Object::Integer(self.pages.len() as i64));

        let mut nums = self.nums.clone();
        nums.sort_by_key(|(k, _)| *k);
        let mut parent_tree = Dictionary::new();
        parent_tree.set(
            "Nums",
            Object::Array(
                nums.into_iter()
                    .flat_map(|(k, v)| [Object::Integer(k), v])
                    .collect(),
            ),
        );
        let tree = dict(kept, self.struct_root)?;
        tree.set("ParentTree", Object::Dictionary(parent_tree));
        tree.set("ParentTreeNextKey", Object::Integer(self.next_key));
        if !self.role_map.is_empty() {
            tree.set("RoleMap", Object::Dictionary(self.role_map.clone()));
        }
        if !self.ids.is_empty() {
            // A name tree's keys in order.
            let mut ids = self.ids.clone();
            ids.sort_by(|a, b| a.0.cmp(&b.0));
            let mut names = Dictionary::new();
            names.set(
                "Names",
                Object::Array(
                    ids.into_iter()
                        .flat_map(|(k, v)| [Object::String(k, lopdf::StringFormat::Literal), v])
                        .collect(),
                ),
            );
            tree.set("IDTree", Object::Dictionary(names));
        }
        dict(kept, self.document)?.set("K", Object::Array(self.kids.clone()));
        if let Some(outline) = &self.outline {
            let root = dict(kept, outline.root)?;
            root.set("Last", Object::Reference(outline.last));
            root.set("Count", Object::Integer(outline.count));
            if self.outline_new {
                dict(kept, self.catalog)?.set("Outlines", Object::Reference(outline.root));
            }
        }
        // The XMP metadata counts the pages.
        let metadata = dict(kept, self.catalog)?
            .get(b"Metadata")
            .and_then(Object::as_reference);
        if let Ok(id) = metadata
            && let Some(Object::Stream(stream)) = kept.get_mut(&id)
            && !stream.dict.has(b"Filter")
        {
            let text = String::from_utf8_lossy(&stream.content).into_owned();
            let (open, close) = ("<xmpTPg:NPages>", "</xmpTPg:NPages>");
            if let Some(start) = text.find(open)
                && let Some(end) = text[start..].find(close)
            {
                let patched = format!(
                    "{}{open}{}{}",
                    &text[..start],
                    self.pages.len(),
                    &text[start + end..]
                );
                stream.set_content(patched.into_bytes());
            }
        }
        Ok(())
    }
}

/// The entries of a name tree (an ID tree), flattened.
fn collect_names(
    doc: &Document,
    node: &Object,
    out: &mut Vec<(Vec<u8>, Object)>,
    number: usize,
    depth: usize,
) -> Result<(), String> {
    let broken = || format!("piece {number} has a broken ID tree");
    if depth > 32 {
        return Err(broken());
    }
    let dict = node.as_dict().map_err(|_| broken())?;
    if let Ok(names) = dict.get(b"Names").map(|n| resolve(doc, n)) {
        for pair in names.as_array().map_err(|_| broken())?.chunks(2) {
            if let [key, value] = pair {
                out.push((key.as_str().map_err(|_| broken())?.to_vec(), value.clone()));
            }
        }
    }
    if let Ok(kids) = dict.get(b"Kids").map(|k| resolve(doc, k)) {
        for kid in kids.as_array().map_err(|_| broken())? {
            collect_names(doc, resolve(doc, kid), out, number, depth + 1)?;
        }
    }
    Ok(())
}

/// The entries of a number tree (a parent tree), flattened.
fn collect_nums(
    doc: &Document,
    node: &Object,
    out: &mut Vec<(i64, Object)>,
    number: usize,
    depth: usize,
) -> Result<(), String> {
    if depth > 32 {
        return Err(format!("piece {number} has a parent tree nested too deep"));
    }
    let dict = node
        .as_dict()
        .map_err(|_| format!("piece {number} has a broken parent tree"))?;
    if let Ok(nums) = dict.get(b"Nums").map(|n| resolve(doc, n)) {
        let items = nums
            .as_array()
            .map_err(|_| format!("piece {number} has a broken parent tree"))?;
        for pair in items.chunks(2) {
            if let [key, value] = pair {
                let key = key
                    .as_i64()
                    .map_err(|_| format!("piece {number} has a broken parent tree"))?;
                out.push((key, value.clone()));
            }
        }
    }
    if let Ok(kids) = dict.get(b"Kids").map(|k| resolve(doc, k)) {
        let kids = kids
            .as_array()
            .map_err(|_| format!("piece {number} has a broken parent tree"))?;
        for kid in kids {
            collect_nums(doc, resolve(doc, kid), out, number, depth + 1)?;
        }
    }
    Ok(())
}
