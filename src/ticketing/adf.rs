//! The note as an Atlassian Document Format document (Jira Cloud REST v3 takes comment bodies
//! only in ADF). Markdown is parsed as CommonMark with tables (pulldown-cmark) and mapped node
//! for node: headings, paragraphs, lists, tables, code blocks, block quotes, rules, and the
//! strong/em/strike/code/link marks. Plain text becomes paragraphs with line breaks.
//!
//! ADF's rules that shape the mapping: text nodes are never empty; list items and table cells
//! hold blocks (so loose inline text is wrapped in a paragraph); code blocks hold unmarked text;
//! the code mark combines only with a link.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::{Map, Value, json};

/// A document from Markdown.
pub fn from_markdown(markdown: &str) -> Value {
    let mut b = Builder::default();
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for event in parser {
        b.event(event);
    }
    b.finish()
}

/// A document from plain text: blank lines separate paragraphs, other line ends are breaks.
pub fn from_text(text: &str) -> Value {
    let mut content = Vec::new();
    let mut para: Vec<Value> = Vec::new();
    let text = text.replace("\r\n", "\n");
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !para.is_empty() {
                content.push(json!({ "type": "paragraph", "content": std::mem::take(&mut para) }));
            }
            continue;
        }
        if !para.is_empty() {
            para.push(json!({ "type": "hardBreak" }));
        }
        para.push(json!({ "type": "text", "text": line }));
    }
    if !para.is_empty() {
        content.push(json!({ "type": "paragraph", "content": para }));
    }
    doc(content)
}

fn doc(mut content: Vec<Value>) -> Value {
    if content.is_empty() {
        content.push(json!({ "type": "paragraph", "content": [] }));
    }
    json!({ "type": "doc", "version": 1, "content": content })
}

/// A block being built.
struct Block {
    kind: &'static str,
    attrs: Option<Value>,
    content: Vec<Value>,
    /// Opened to hold loose inline content (a tight list item's text, a table cell's).
    implicit: bool,
}

impl Block {
    fn new(kind: &'static str, attrs: Option<Value>) -> Self {
        Self { kind, attrs, content: Vec::new(), implicit: false }
    }

    fn holds_inline(&self) -> bool {
        matches!(self.kind, "paragraph" | "heading" | "codeBlock")
    }

    fn into_value(mut self) -> Option<Value> {
        match self.kind {
            // An implicit paragraph with nothing in it is dropped; cells must hold a block.
            "paragraph" if self.implicit && self.content.is_empty() => return None,
            "tableCell" | "tableHeader" | "listItem" | "blockquote" if self.content.is_empty() => {
                self.content.push(json!({ "type": "paragraph", "content": [] }));
            }
            "codeBlock" => trim_final_newline(&mut self.content),
            _ => {}
        }
        let mut node = Map::new();
        node.insert("type".into(), Value::from(self.kind));
        if let Some(a) = self.attrs {
            node.insert("attrs".into(), a);
        }
        node.insert("content".into(), Value::Array(self.content));
        Some(Value::Object(node))
    }
}

fn trim_final_newline(content: &mut Vec<Value>) {
    if let Some(Value::Object(last)) = content.last_mut()
        && let Some(Value::String(t)) = last.get_mut("text")
    {
        while t.ends_with('\n') {
            t.pop();
        }
        if t.is_empty() {
            content.pop();
        }
    }
}

#[derive(Default)]
struct Builder {
    root: Vec<Value>,
    stack: Vec<Block>,
    /// Active marks, innermost last; `None` for a tag that adds no mark (an unsafe link, an image).
    marks: Vec<Option<Value>>,
    in_table_head: bool,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t, false),
            Event::Code(t) => self.text(&t, true),
            Event::Html(t) | Event::InlineHtml(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                self.text(&t, false)
            }
            Event::FootnoteReference(t) => self.text(&format!("[^{t}]"), false),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.inline(json!({ "type": "hardBreak" })),
            Event::Rule => {
                self.close_implicit();
                self.attach(json!({ "type": "rule" }));
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, false),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let block = |kind, attrs| Some(Block::new(kind, attrs));
        let opened = match tag {
            Tag::Paragraph => block("paragraph", None),
            Tag::Heading { level, .. } => block("heading", Some(json!({ "level": level as u8 }))),
            Tag::BlockQuote(_) => block("blockquote", None),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or_default().to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block("codeBlock", (!lang.is_empty()).then(|| json!({ "language": lang })))
            }
            Tag::List(None) => block("bulletList", None),
            Tag::List(Some(start)) => block("orderedList", Some(json!({ "order": start }))),
            Tag::Item => block("listItem", None),
            Tag::Table(_) => block("table", None),
            Tag::TableHead => {
                self.in_table_head = true;
                block("tableRow", None)
            }
            Tag::TableRow => block("tableRow", None),
            Tag::TableCell => block(if self.in_table_head { "tableHeader" } else { "tableCell" }, None),
            Tag::Emphasis => return self.marks.push(Some(json!({ "type": "em" }))),
            Tag::Strong => return self.marks.push(Some(json!({ "type": "strong" }))),
            Tag::Strikethrough => return self.marks.push(Some(json!({ "type": "strike" }))),
            Tag::Link { dest_url, .. } => {
                let safe = ["https://", "http://", "mailto:"].iter().any(|p| dest_url.starts_with(p));
                return self
                    .marks
                    .push(safe.then(|| json!({ "type": "link", "attrs": { "href": dest_url.as_ref() } })));
            }
            // Images and anything else: their text goes through as text.
            _ => return self.marks.push(None),
        };
        if let Some(b) = opened {
            self.close_implicit();
            self.stack.push(b);
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell => {
                self.close_implicit();
                if tag == TagEnd::TableHead {
                    self.in_table_head = false;
                }
                if let Some(b) = self.stack.pop()
                    && let Some(v) = b.into_value()
                {
                    self.attach(v);
                }
            }
            _ => {
                self.marks.pop();
            }
        }
    }

    /// Closes a paragraph opened for loose inline content, if one is on top.
    fn close_implicit(&mut self) {
        if self.stack.last().is_some_and(|b| b.implicit)
            && let Some(b) = self.stack.pop()
            && let Some(v) = b.into_value()
        {
            self.attach(v);
        }
    }

    fn attach(&mut self, node: Value) {
        match self.stack.last_mut() {
            Some(parent) => parent.content.push(node),
            None => self.root.push(node),
        }
    }

    fn text(&mut self, text: &str, code: bool) {
        if text.is_empty() {
            return;
        }
        let in_code_block = self.stack.last().is_some_and(|b| b.kind == "codeBlock");
        let marks: Vec<Value> = if in_code_block {
            Vec::new()
        } else if code {
            // ADF: `code` combines only with `link`.
            let mut m = vec![json!({ "type": "code" })];
            m.extend(self.marks.iter().flatten().filter(|m| m["type"] == "link").cloned());
            m
        } else {
            self.marks.iter().flatten().cloned().collect()
        };
        // Merge with the previous text node when the marks are the same.
        if let Some(Value::Object(last)) =
            self.stack.last_mut().filter(|b| b.holds_inline()).and_then(|b| b.content.last_mut())
            && last.get("type").and_then(Value::as_str) == Some("text")
            && last.get("marks").cloned().unwrap_or(Value::Array(Vec::new())) == Value::Array(marks.clone())
            && let Some(Value::String(t)) = last.get_mut("text")
        {
            t.push_str(text);
            return;
        }
        let mut node = Map::new();
        node.insert("type".into(), "text".into());
        node.insert("text".into(), text.into());
        if !marks.is_empty() {
            node.insert("marks".into(), Value::Array(marks));
        }
        self.inline(Value::Object(node));
    }

    fn inline(&mut self, node: Value) {
        if !self.stack.last().is_some_and(Block::holds_inline) {
            let mut p = Block::new("paragraph", None);
            p.implicit = true;
            self.stack.push(p);
        }
        if let Some(top) = self.stack.last_mut() {
            top.content.push(node);
        }
    }

    fn finish(mut self) -> Value {
        while let Some(b) = self.stack.pop() {
            if let Some(v) = b.into_value() {
                self.attach(v);
            }
        }
        doc(self.root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text node non-empty; every node has a type; block containers hold blocks.
    fn check(v: &Value) {
        let kind = v["type"].as_str().unwrap_or_default();
        assert!(!kind.is_empty(), "{v}");
        if kind == "text" {
            assert!(!v["text"].as_str().unwrap_or_default().is_empty(), "{v}");
        }
        if matches!(kind, "listItem" | "tableCell" | "tableHeader" | "blockquote" | "doc") {
            for c in v["content"].as_array().into_iter().flatten() {
                assert!(!matches!(c["type"].as_str(), Some("text" | "hardBreak")), "inline in {kind}: {v}");
            }
        }
        for c in v["content"].as_array().into_iter().flatten() {
            check(c);
        }
    }

    #[test]
    fn markdown_maps_to_nodes_and_marks() {
        let d = from_markdown(
            "# Title\n\n| A | B |\n|---|---|\n| **x** | `y` |\n\n- one [l](https://e.com) _i_\n- two\n\n```text\ncode\n```\n",
        );
        check(&d);
        assert_eq!(
            d["content"][0],
            json!({"type":"heading","attrs":{"level":1},"content":[{"type":"text","text":"Title"}]})
        );
        let table = &d["content"][1];
        assert_eq!(table["type"], "table");
        assert_eq!(table["content"][0]["content"][0]["type"], "tableHeader");
        assert_eq!(
            table["content"][1]["content"][0]["content"][0]["content"][0],
            json!({"type":"text","text":"x","marks":[{"type":"strong"}]})
        );
        let list = &d["content"][2];
        assert_eq!(list["type"], "bulletList");
        let item = &list["content"][0]["content"][0];
        assert_eq!(item["type"], "paragraph");
        assert_eq!(
            item["content"][1],
            json!({"type":"text","text":"l","marks":[{"type":"link","attrs":{"href":"https://e.com"}}]})
        );
        assert_eq!(
            d["content"][3],
            json!({"type":"codeBlock","attrs":{"language":"text"},"content":[{"type":"text","text":"code"}]})
        );
    }

    #[test]
    fn unsafe_links_and_escapes_stay_text() {
        let d = from_markdown("[x](javascript:alert(1)) a\\|b &amp; \\*c\\*");
        check(&d);
        assert_eq!(d["content"][0]["content"], json!([{"type":"text","text":"x a|b & *c*"}]));
    }

    #[test]
    fn text_becomes_paragraphs_with_breaks() {
        let d = from_text("a\nb\n\n\nc\n");
        assert_eq!(
            d["content"],
            json!([
                {"type":"paragraph","content":[{"type":"text","text":"a"},{"type":"hardBreak"},{"type":"text","text":"b"}]},
                {"type":"paragraph","content":[{"type":"text","text":"c"}]}
            ])
        );
        assert_eq!(from_text("")["content"][0]["type"], "paragraph");
    }

    proptest::proptest! {
        #[test]
        fn any_markdown_gives_a_well_formed_document(s in "[ -~\n|*_`#>\\[\\]()-]{0,200}") {
            check(&from_markdown(&s));
        }
    }
}
