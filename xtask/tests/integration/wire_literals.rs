//! No wire literal in the sandbox's or the CLI's sources (issue #13): every
//! field, parameter and header name, enum value and result/status/action code
//! of the gateways is written once, in `specs/`, and reaches the sandbox and
//! the `veritrans` command (its tour) through the protocol crates' generated
//! items. A string literal that spells one of them restates the wire by hand,
//! and renaming it in the spec would no longer break the build.
//!
//! The vocabulary is read from every gateway spec (the OpenAPI documents of
//! POP, Unified API and MPI, and J-Payment's own YAML); the non-test Rust
//! sources of the sandbox and the CLI are tokenised (`proc-macro2` drops
//! comments; doc comments and `#[cfg(test)]` items are skipped: a test states
//! the wire independently) and every string literal whose content is, or
//! contains as a whole token, a wire word is reported.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test over the repository's files: a panic is the report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use serde_yaml::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Literals that spell a wire word but are the sandbox's or the CLI's own
/// vocabulary: (file, word, why). Each is one file's word, not a word
/// everywhere.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "src/delivery.rs",
        "result",
        "the serde tag of a delivery attempt in the sandbox's own delivery log \
         (`/_sandbox/deliveries`), not Unified's `result` object",
    ),
    (
        "src/inspect.rs",
        "status",
        "the sandbox's own health answer `{\"status\": \"ok\"}` (`/_sandbox/health`), \
         not a gateway's `status` field",
    ),
    (
        "src/gateways/pop/commands.rs",
        "payment_key",
        "the transaction log's record kind of a created payment key \
         (`/_sandbox/transactions`), passed once to `create_order`",
    ),
    (
        "src/gateways/pop/controls.rs",
        "paid",
        "the transaction log's record kind of a released CVS/bank payment \
         (`/_sandbox/transactions`), written once; the notification itself \
         carries `ResultType::Paid`",
    ),
    (
        "src/gateways/unified/provider.rs",
        "provider",
        "`PROVIDER_RECORD`, the transaction log's record kind of a provider page \
         choice (`/_sandbox/transactions`), defined once",
    ),
    (
        "veritrans-cli/src/tour/pop.rs",
        "name",
        "the HTML attribute `name` of the redirect form's `<input>`s, read as a \
         browser reads them; not POP's `name` field",
    ),
    (
        "veritrans-cli/src/tour/failures.rs",
        "signature",
        "prose: the tour checks that the merchant's refusal of a tampered Unified \
         webhook names the signature as its reason; not POP's `signature` field",
    ),
];

// ---------------------------------------------------------------- vocabulary

/// The wire vocabulary: word → where it was found (for the report).
#[derive(Default)]
struct Vocabulary {
    /// Matched exactly.
    exact: BTreeMap<String, String>,
    /// Matched ignoring ASCII case (HTTP header names and auth schemes).
    caseless: BTreeMap<String, String>,
}

impl Vocabulary {
    fn add(&mut self, word: &str, origin: &str) {
        // A digits-only value ("0", "10") is a number to any reader: the wire
        // meaning of such a literal cannot be told from the text. Those live
        // as enums in the generated code and are found by review.
        if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
            return;
        }
        self.exact
            .entry(word.to_owned())
            .or_insert_with(|| origin.to_owned());
    }

    fn add_caseless(&mut self, word: &str, origin: &str) {
        self.caseless
            .entry(word.to_ascii_lowercase())
            .or_insert_with(|| origin.to_owned());
    }

    fn lookup(&self, token: &str) -> Option<&str> {
        self.exact
            .get(token)
            .or_else(|| self.caseless.get(&token.to_ascii_lowercase()))
            .map(String::as_str)
    }
}

/// Keys whose string value is a wire value (a code, a status, a header name).
const VALUE_KEYS: &[&str] = &[
    "code",
    "resultCode",
    "status",
    "actionCode",
    "x-resultCode",
    "x-uniqueResultCode",
    "mstatus",
    "payment_type",
    "result_type",
];

/// Keys whose list of strings are wire values.
const LIST_KEYS: &[&str] = &["enum", "commands", "x-payTypes", "x-requiredFor"];

/// Walks an OpenAPI document (POP, Unified, MPI).
fn openapi(value: &Value, origin: &str, parent: Option<&str>, vocab: &mut Vocabulary) {
    match value {
        Value::Mapping(map) => {
            // A parameter object: its name (a header name is caseless).
            if let (Some(name), Some(location)) = (
                map.get("name").and_then(Value::as_str),
                map.get("in").and_then(Value::as_str),
            ) {
                if location == "header" {
                    vocab.add_caseless(name, &format!("{origin}: header parameter"));
                } else {
                    vocab.add(name, &format!("{origin}: {location} parameter"));
                }
            }
            // An http security scheme: the scheme is the Authorization prefix.
            if map.get("type").and_then(Value::as_str) == Some("http")
                && let Some(scheme) = map.get("scheme").and_then(Value::as_str)
            {
                vocab.add_caseless(scheme, &format!("{origin}: security scheme"));
            }
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                match parent {
                    Some("properties") => vocab.add(key, &format!("{origin}: property")),
                    Some("headers") => vocab.add_caseless(key, &format!("{origin}: header")),
                    _ => {}
                }
                if VALUE_KEYS.contains(&key)
                    && let Some(word) = child.as_str()
                {
                    vocab.add(word, &format!("{origin}: {key}"));
                }
                if key == "signatureHeader"
                    && let Some(word) = child.as_str()
                {
                    vocab.add_caseless(word, &format!("{origin}: {key}"));
                }
                if key == "value"
                    && parent == Some("x-serviceOptionTypes")
                    && let Some(word) = child.as_str()
                {
                    vocab.add(word, &format!("{origin}: service option type"));
                }
                if LIST_KEYS.contains(&key)
                    && let Some(list) = child.as_sequence()
                {
                    for word in list.iter().filter_map(Value::as_str) {
                        vocab.add(word, &format!("{origin}: {key}"));
                    }
                }
                openapi(child, origin, Some(key), vocab);
            }
        }
        Value::Sequence(list) => {
            for child in list {
                // Rows of a table keep the table's key as their parent.
                openapi(child, origin, parent, vocab);
            }
        }
        _ => {}
    }
}

/// Walks J-Payment's YAML (`specs/jpayment/README.md`).
fn jpayment(value: &Value, origin: &str, parent: Option<&str>, vocab: &mut Vocabulary) {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                let word = child.as_str();
                match (parent, key, word) {
                    // Column and request field names, enum wire values,
                    // error codes, the enum's field, a constant's value.
                    (_, "name" | "wire" | "field" | "code" | "endpoint", Some(word)) => {
                        vocab.add(word, &format!("{origin}: {key}"));
                    }
                    (_, "accepted_answer", Some(word)) => {
                        vocab.add(word, &format!("{origin}: {key}"));
                    }
                    _ => {}
                }
                jpayment(child, origin, Some(key), vocab);
            }
        }
        Value::Sequence(list) => {
            for child in list {
                jpayment(child, origin, parent, vocab);
            }
        }
        _ => {}
    }
}

/// The gateways, as named by their directories under `specs/` and under the
/// sandbox's `src/gateways/`.
const GATEWAYS: &[&str] = &["pop", "unified", "mpi", "jpayment"];

/// The vocabulary of one gateway's specs.
fn vocabulary(gateway: &str) -> Vocabulary {
    let mut vocab = Vocabulary::default();
    let mut files = Vec::new();
    collect(&root().join("specs").join(gateway), "yaml", &mut files);
    assert!(!files.is_empty(), "no spec of {gateway}");
    for file in files {
        let origin = file.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let value: Value = serde_yaml::from_str(&text).unwrap();
        if gateway == "jpayment" {
            jpayment(&value, &origin, None, &mut vocab);
        } else {
            openapi(&value, &origin, None, &mut vocab);
        }
    }
    vocab
}

/// Every gateway's vocabulary together: for sources shared by the gateways.
fn all_vocabularies() -> Vocabulary {
    let mut all = Vocabulary::default();
    for gateway in GATEWAYS {
        let vocab = vocabulary(gateway);
        for (word, origin) in vocab.exact {
            all.exact.entry(word).or_insert(origin);
        }
        for (word, origin) in vocab.caseless {
            all.caseless.entry(word).or_insert(origin);
        }
    }
    all
}

// ------------------------------------------------------------------ sources

fn collect(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// Whether an attribute's bracket group is `doc = …` (a doc comment).
fn is_doc(group: &TokenStream) -> bool {
    matches!(group.clone().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

/// Whether an attribute's bracket group is a `cfg` that holds only under test.
fn is_cfg_test(group: &TokenStream) -> bool {
    let mut tokens = group.clone().into_iter();
    if !matches!(tokens.next(), Some(TokenTree::Ident(i)) if i == "cfg") {
        return false;
    }
    let text = tokens.map(|t| t.to_string()).collect::<String>();
    text.contains("test") && !text.contains("not")
}

/// The string literals of a token stream, outside doc attributes and
/// `#[cfg(test)]` items.
fn literals(stream: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#[…]` or `#![…]`
                let mut j = i + 1;
                if matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
                    j += 1;
                }
                if let Some(TokenTree::Group(g)) = tokens.get(j)
                    && g.delimiter() == Delimiter::Bracket
                {
                    let inner = g.stream();
                    if is_doc(&inner) {
                        i = j + 1;
                        continue;
                    }
                    if is_cfg_test(&inner) {
                        // Skip the item: up to its first `{…}` group or `;`.
                        let mut k = j + 1;
                        while k < tokens.len() {
                            match &tokens[k] {
                                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => break,
                                TokenTree::Punct(p) if p.as_char() == ';' => break,
                                _ => k += 1,
                            }
                        }
                        i = k + 1;
                        continue;
                    }
                }
                i += 1;
            }
            TokenTree::Group(g) => {
                literals(g.stream(), out);
                i += 1;
            }
            TokenTree::Literal(lit) => {
                if let syn::Lit::Str(s) = syn::Lit::new(lit.clone()) {
                    out.push(s.value());
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
}

/// The wire-shaped words of a literal's content. Prose (an error message that
/// names a field, a page's text) is not the wire; a literal restates the wire
/// where a word stands in a wire position:
/// - the whole literal, trimmed, format placeholders (`{…}`) left out
///   (`"paymentId"`, `"Bearer "`, `"Bearer {}"`);
/// - a query or form parameter name: a word directly before `=` that starts
///   the literal or follows `?`, `&`, `;`, a space or a placeholder
///   (`"order_id={}&mstatus={}"`), unless it is an HTML attribute (`name="…"`);
/// - an HTML form field's name: `name="word"`;
/// - a JSON key: `"word":`.
fn wire_words(literal: &str) -> Vec<String> {
    // Placeholders become a NUL: a boundary that is no character of the text.
    // A `{` that does not open a format placeholder (JSON) is text.
    let source: Vec<char> = literal.chars().collect();
    let mut text = String::new();
    let mut i = 0;
    while i < source.len() {
        let c = source[i];
        if c == '{' && source.get(i + 1) == Some(&'{') {
            text.push('{');
            i += 2;
            continue;
        }
        if c == '}' && source.get(i + 1) == Some(&'}') {
            text.push('}');
            i += 2;
            continue;
        }
        if c == '{'
            && let Some(len) = source[i + 1..].iter().position(|&c| c == '}')
            && source[i + 1..i + 1 + len]
                .iter()
                .all(|c| c.is_ascii_alphanumeric() || "_.:?#<>^+-".contains(*c))
        {
            text.push('\0');
            i += len + 2;
            continue;
        }
        text.push(c);
        i += 1;
    }
    let mut words = Vec::new();
    let whole = text.replace('\0', "");
    let whole = whole.trim();
    if !whole.is_empty() {
        words.push(whole.to_owned());
    }
    let chars: Vec<char> = text.chars().collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_word(chars[i]) {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        let before = start.checked_sub(1).map(|k| chars[k]);
        let after = chars.get(i).copied();
        let after2 = chars.get(i + 1).copied();
        let query_key = after == Some('=')
            && after2 != Some('"')
            && matches!(before, None | Some('?' | '&' | ';' | ' ' | '\0'));
        let form_name = before == Some('"')
            && after == Some('"')
            && chars[..start - 1]
                .iter()
                .collect::<String>()
                .ends_with("name=");
        let json_key = before == Some('"') && after == Some('"') && after2 == Some(':');
        if query_key || form_name || json_key {
            words.push(word);
        }
    }
    words
}

/// The files of the out-of-line test modules a file declares at its top level
/// (`#[cfg(test)] mod tests;`): `tests.rs` or `tests/` next to a `mod.rs`,
/// `lib.rs` or `main.rs`, or under the directory named after the file.
fn test_module_paths(file: &Path, stream: TokenStream) -> Vec<PathBuf> {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = file.parent().unwrap();
    let dir = if ["mod", "lib", "main"].contains(&stem.as_str()) {
        dir.to_path_buf()
    } else {
        dir.join(&stem)
    };
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let TokenTree::Group(g) = token else { continue };
        let after_hash =
            i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '#');
        if !(after_hash && g.delimiter() == Delimiter::Bracket && is_cfg_test(&g.stream())) {
            continue;
        }
        // `#[cfg(test)]` [more attributes] [pub …] `mod` NAME `;`
        let rest: Vec<String> = tokens[i + 1..]
            .iter()
            .take_while(|t| match t {
                TokenTree::Punct(p) => p.as_char() != ';',
                TokenTree::Group(g) => g.delimiter() != Delimiter::Brace,
                _ => true,
            })
            .map(ToString::to_string)
            .collect();
        if let Some(at) = rest.iter().position(|t| t == "mod")
            && at + 2 == rest.len()
        {
            out.push(dir.join(format!("{}.rs", rest[at + 1])));
            out.push(dir.join(&rest[at + 1]));
        }
    }
    out
}

/// The gateway a source file belongs to, if any: a file under
/// `gateways/<gateway>/` (the sandbox) or `tour/<gateway>/`, or one named
/// `<gateway>.rs` (the CLI's `tour/pop.rs`).
fn gateway_of(shown: &str) -> Option<&'static str> {
    GATEWAYS.iter().copied().find(|g| {
        shown.contains(&format!("/gateways/{g}/"))
            || shown.contains(&format!("/tour/{g}/"))
            || shown.ends_with(&format!("/{g}.rs"))
    })
}

/// Every literal of a source tree that spells a wire word. A file of one
/// gateway (`gateway_of`) is checked against its gateway's vocabulary (a
/// J-Payment log key `"card"` is not POP's `card` object); every other file,
/// shared by the gateways, against all of them.
fn hits(dir: &Path) -> Vec<String> {
    let own: BTreeMap<&str, Vocabulary> = GATEWAYS.iter().map(|g| (*g, vocabulary(g))).collect();
    let shared = all_vocabularies();
    let mut files = Vec::new();
    collect(dir, "rs", &mut files);
    let mut test_only = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        test_only.extend(test_module_paths(
            file,
            TokenStream::from_str(&text).unwrap(),
        ));
    }
    let mut out = Vec::new();
    for file in files {
        if test_only.iter().any(|t| file.starts_with(t)) {
            continue;
        }
        let shown = file.strip_prefix(root()).unwrap().display().to_string();
        let vocab = gateway_of(&shown).map_or(&shared, |g| &own[g]);
        let text = std::fs::read_to_string(&file).unwrap();
        let stream = TokenStream::from_str(&text).unwrap();
        let mut found = Vec::new();
        literals(stream, &mut found);
        for literal in found {
            for token in wire_words(&literal) {
                if ALLOWED
                    .iter()
                    .any(|(path, word, _)| shown.ends_with(path) && *word == token)
                {
                    continue;
                }
                if let Some(origin) = vocab.lookup(&token) {
                    out.push(format!("{shown}: {literal:?} spells `{token}` ({origin})"));
                    break;
                }
            }
        }
    }
    out
}

/// Fails, listing every hit, when `dir`'s sources spell a wire word.
fn assert_no_wire_literal(dir: &str, who: &str) {
    let found = hits(&root().join(dir));
    assert!(
        found.is_empty(),
        "{} string literals of the {who} restate the wire; use the protocol crates' \
         generated items (or put the fact in specs/ and run `cargo xtask codegen`):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_sandbox_writes_no_wire_literal() {
    assert_no_wire_literal("crates/veritrans-sandbox/src", "sandbox");
}

/// The same rule for the `veritrans` command: its tour drives every gateway
/// through the facade and checks their answers, and those checks use the
/// generated codes, enums and names too.
#[test]
fn the_cli_writes_no_wire_literal() {
    assert_no_wire_literal("crates/veritrans-cli/src", "CLI");
}

/// Which files are one gateway's: the sandbox's and the CLI's layouts.
#[test]
fn files_are_checked_against_their_gateways_words() {
    assert_eq!(
        gateway_of("crates/veritrans-sandbox/src/gateways/pop/commands.rs"),
        Some("pop")
    );
    assert_eq!(
        gateway_of("crates/veritrans-cli/src/tour/mpi.rs"),
        Some("mpi")
    );
    assert_eq!(
        gateway_of("crates/veritrans-cli/src/tour/jpayment/page.rs"),
        Some("jpayment")
    );
    assert_eq!(
        gateway_of("crates/veritrans-cli/src/tour/failures.rs"),
        None
    );
    assert_eq!(gateway_of("crates/veritrans-sandbox/src/inspect.rs"), None);
}

/// The vocabulary is not empty by accident: a few words of each spec.
#[test]
fn the_vocabulary_holds_every_gateways_words() {
    let vocab = all_vocabularies();
    for word in [
        "UA-REQ-001",
        "paymentId",
        "order_id",
        "vresult_code",
        "rst",
        "mstatus",
    ] {
        assert!(vocab.lookup(word).is_some(), "{word} missing");
    }
    assert!(vocab.lookup("x-vt-idempotency-key").is_some());
    assert!(vocab.lookup("Bearer").is_some());
}

/// The scanner sees what it must: literals in code and macros, not in
/// comments, doc comments or test modules.
#[test]
fn the_scanner_skips_comments_docs_and_tests() {
    let source = r##"
        //! "inner doc"
        /// "outer doc"
        // "comment"
        const A: &str = "code";
        fn f() { format!("x={}&y", 1); }
        #[cfg(test)]
        mod tests { const B: &str = "test"; }
        #[serde(rename = "attr")]
        struct S;
    "##;
    let mut found = Vec::new();
    literals(TokenStream::from_str(source).unwrap(), &mut found);
    assert_eq!(found, ["code", "x={}&y", "attr"]);
    let declared = "#[cfg(test)]\nmod tests;\n#[cfg(test)]\n#[allow(dead_code)]\npub(crate) mod more;\nmod kept;\n#[cfg(test)]\nfn f() {}\nmod also_kept;";
    let skipped = test_module_paths(
        Path::new("src/a/b.rs"),
        TokenStream::from_str(declared).unwrap(),
    );
    assert_eq!(
        skipped,
        [
            "src/a/b/tests.rs",
            "src/a/b/tests",
            "src/a/b/more.rs",
            "src/a/b/more"
        ]
        .map(PathBuf::from)
    );
    assert_eq!(wire_words("Bearer "), ["Bearer"]);
    assert_eq!(wire_words("Bearer {token}"), ["Bearer"]);
    assert_eq!(
        wire_words("{}?order_id={}&mstatus=x"),
        ["?order_id=&mstatus=x", "order_id", "mstatus"]
    );
    assert_eq!(
        wire_words(r#"<input type="hidden" name="payment_type" value="{}">"#)[1..],
        ["payment_type"]
    );
    assert_eq!(wire_words(r#"{"resultCode":"x"}"#)[1..], ["resultCode"]);
    // Prose naming a field is not the wire.
    assert_eq!(
        wire_words("order_id: {e} is too long"),
        ["order_id:  is too long"]
    );
}
