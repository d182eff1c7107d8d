//! A small PDF writer for text documents: blocks of text (titles, headings, paragraphs,
//! monospace listings) set on A4 pages in embedded TrueType fonts (DejaVu Sans and DejaVu Sans
//! Mono, `assets/fonts/`), word-wrapped by the fonts' own advance widths.
//!
//! pdf-writer writes the objects; ttf-parser reads the fonts' glyph ids and widths. Each font
//! is a Type 0 font with Identity-H encoding (two-byte glyph ids) and a ToUnicode map, so text
//! extractors (`pdftotext`) read back exactly what was set. Nothing here reads the system's
//! fonts or needs a browser.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::export::ExportError;

const SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const MONO: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansMono.ttf");

/// One block of text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document's title.
    Title(String),
    /// A section heading: starts a new page.
    Heading(String),
    /// A subsection heading.
    Subheading(String),
    /// A paragraph.
    Text(String),
    /// Small print (sources, table rows).
    Small(String),
    /// Monospace text, its lines kept (and wrapped at the margin).
    Mono(String),
}

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 50.0;

struct Font<'a> {
    face: ttf_parser::Face<'a>,
    data: &'a [u8],
    name: &'static [u8],
    resource: &'static [u8],
    /// Glyph id → (advance in font units, the character it was used for).
    used: BTreeMap<u16, (u16, char)>,
}

impl<'a> Font<'a> {
    fn load(
        data: &'a [u8],
        name: &'static [u8],
        resource: &'static [u8],
    ) -> Result<Font<'a>, ExportError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| {
            ExportError::Pdf(format!(
                "embedded font {}: {e}",
                String::from_utf8_lossy(name)
            ))
        })?;
        Ok(Font {
            face,
            data,
            name,
            resource,
            used: BTreeMap::new(),
        })
    }

    fn glyph(&self, c: char) -> (u16, u16) {
        let gid = self
            .face
            .glyph_index(c)
            .or_else(|| self.face.glyph_index('?'))
            .map_or(0, |g| g.0);
        let adv = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(gid))
            .unwrap_or(0);
        (gid, adv)
    }

    /// The text as two-byte glyph ids, noting each glyph used.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let (gid, adv) = self.glyph(c);
            self.used.entry(gid).or_insert((adv, c));
            out.extend_from_slice(&gid.to_be_bytes());
        }
        out
    }
}

/// Splits `text` into lines no wider than `width` at `size`, breaking at spaces and, for a
/// word wider than a line, between characters. Widths add up glyph by glyph (one pass).
fn wrap(font: &Font<'_>, text: &str, size: f32, width: f32) -> Vec<String> {
    let scale = size / f32::from(font.face.units_per_em());
    let adv = |c: char| f32::from(font.glyph(c).1) * scale;
    let space = adv(' ');
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0.0f32;
    for word in text.split(' ') {
        let word_w: f32 = word.chars().map(adv).sum();
        let sep = if line.is_empty() { 0.0 } else { space };
        if line_w + sep + word_w <= width {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
            line_w += sep + word_w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_w = 0.0;
        }
        if word_w <= width {
            line.push_str(word);
            line_w = word_w;
            continue;
        }
        for c in word.chars() {
            let w = adv(c);
            if line_w + w > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(c);
            line_w += w;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

struct Layout<'a> {
    pages: Vec<Content>,
    y: f32,
    sans: Font<'a>,
    mono: Font<'a>,
}

impl Layout<'_> {
    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = PAGE_H - MARGIN;
    }

    fn line(&mut self, mono: bool, size: f32, text: &str, gap_before: f32) {
        let lead = size * 1.35;
        if self.y - gap_before - lead < MARGIN {
            self.new_page();
        } else {
            self.y -= gap_before;
        }
        self.y -= lead;
        let font = if mono { &mut self.mono } else { &mut self.sans };
        let bytes = font.encode(text);
        let resource = font.resource;
        let Some(page) = self.pages.last_mut() else {
            return;
        };
        page.begin_text();
        page.set_font(Name(resource), size);
        page.next_line(MARGIN, self.y);
        page.show(Str(&bytes));
        page.end_text();
    }

    fn paragraph(&mut self, mono: bool, size: f32, text: &str, gap_before: f32) {
        let width = PAGE_W - 2.0 * MARGIN;
        let mut first = true;
        for raw in text.split('\n') {
            let font = if mono { &self.mono } else { &self.sans };
            for l in wrap(font, raw, size, width) {
                self.line(mono, size, &l, if first { gap_before } else { 0.0 });
                first = false;
            }
        }
    }
}

fn write_font(pdf: &mut Pdf, alloc: &mut Ref, font: &Font<'_>) -> Ref {
    let type0 = alloc.bump();
    let cid = alloc.bump();
    let descriptor = alloc.bump();
    let file = alloc.bump();
    let cmap_id = alloc.bump();
    let upem = f32::from(font.face.units_per_em());
    let scale = |v: f32| v * 1000.0 / upem;
    let info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(Name(font.name))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_id);
    let mut c = pdf.cid_font(cid);
    c.subtype(CidFontType::Type2)
        .base_font(Name(font.name))
        .system_info(info)
        .font_descriptor(descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut w = c.widths();
        for (gid, (adv, _)) in &font.used {
            w.consecutive(*gid, [scale(f32::from(*adv))]);
        }
    }
    c.finish();
    let bbox = font.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(Name(font.name))
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
        ))
        .italic_angle(0.0)
        .ascent(scale(f32::from(font.face.ascender())))
        .descent(scale(f32::from(font.face.descender())))
        .cap_height(scale(f32::from(
            font.face.capital_height().unwrap_or(font.face.ascender()),
        )))
        .stem_v(80.0)
        .font_file2(file);
    let len = i32::try_from(font.data.len()).unwrap_or(i32::MAX);
    pdf.stream(file, font.data).pair(Name(b"Length1"), len);
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), info);
    for (gid, (_, ch)) in &font.used {
        cmap.pair(*gid, *ch);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    type0
}

/// The blocks as a PDF: A4, embedded fonts, a heading starts a page.
pub fn blocks_pdf(title: &str, blocks: &[Block]) -> Result<Vec<u8>, ExportError> {
    let mut layout = Layout {
        pages: Vec::new(),
        y: 0.0,
        sans: Font::load(SANS, b"DejaVuSans", b"F1")?,
        mono: Font::load(MONO, b"DejaVuSansMono", b"F2")?,
    };
    layout.new_page();
    for (i, b) in blocks.iter().enumerate() {
        match b {
            Block::Title(t) => layout.paragraph(false, 16.0, t, 0.0),
            Block::Heading(t) => {
                if i > 1 {
                    layout.new_page();
                }
                layout.paragraph(false, 13.5, t, 6.0);
            }
            Block::Subheading(t) => layout.paragraph(false, 11.0, t, 8.0),
            Block::Text(t) => layout.paragraph(false, 9.5, t, 3.0),
            Block::Small(t) => layout.paragraph(false, 7.5, t, 1.0),
            Block::Mono(t) => layout.paragraph(true, 6.5, t, 3.0),
        }
    }
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree = alloc.bump();
    let info = alloc.bump();
    let mut pdf = Pdf::new();
    let sans = write_font(&mut pdf, &mut alloc, &layout.sans);
    let mono = write_font(&mut pdf, &mut alloc, &layout.mono);
    let mut page_ids = Vec::new();
    for content in layout.pages {
        let page = alloc.bump();
        let stream = alloc.bump();
        page_ids.push(page);
        let mut p = pdf.page(page);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(stream);
        {
            let mut res = p.resources();
            let mut fonts = res.fonts();
            fonts.pair(Name(b"F1"), sans);
            fonts.pair(Name(b"F2"), mono);
        }
        p.finish();
        pdf.stream(stream, &content.finish());
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(page_ids).count(count);
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(pdf_writer::TextStr(title))
        .producer(pdf_writer::TextStr("Steward"));
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_wrap_at_the_margin_and_long_words_break() {
        let font = Font::load(SANS, b"DejaVuSans", b"F1").expect("font");
        let width = 100.0;
        let text = "the quick brown fox jumps over the lazy dog again and again";
        let lines = wrap(&font, text, 10.0, width);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), text, "no word lost");
        let scale = 10.0 / f32::from(font.face.units_per_em());
        let w = |s: &str| {
            s.chars()
                .map(|c| f32::from(font.glyph(c).1) * scale)
                .sum::<f32>()
        };
        assert!(lines.iter().all(|l| w(l) <= width), "{lines:?}");
        let long = "x".repeat(200);
        let broken = wrap(&font, &long, 10.0, width);
        assert!(broken.len() > 2 && broken.concat() == long);
        assert_eq!(wrap(&font, "", 10.0, width), [""]);
    }

    #[test]
    fn a_pdf_embeds_its_fonts_and_maps_glyphs_to_unicode() {
        let pdf = blocks_pdf(
            "t",
            &[
                Block::Title("Überschrift — ünïcödé".into()),
                Block::Text("generated today".into()),
                Block::Heading("Item 1".into()),
                Block::Mono("{\"a\": 1}".into()),
            ],
        )
        .expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"/FontFile2") && has(b"/ToUnicode") && has(b"/Identity-H"));
        assert!(has(b"DejaVuSansMono"));
        // Two pages: a heading after the title block starts a new one.
        assert!(has(b"/Count 2"));
    }
}
