//! The photo pipeline. The type is decided from the bytes (UP-01); a pixel bomb is refused from its
//! header before any pixel is decoded (UP-02); then the photo is decoded, turned upright by its EXIF
//! orientation, converted to sRGB, resized, and re-encoded as JPEG (`jpeg.rs`), which carries no
//! EXIF, GPS, XMP, IPTC or comment of the original (UP-03).
use std::io::Cursor;

use fast_image_resize::{images::Image, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};

use super::model::{scaled_width, Refusal, Variant};

/// Longest side and total pixels a photo may have; a 200 MP phone mode is refused, 48 MP is fine.
pub const MAX_SIDE: u32 = 16_384;
pub const MAX_PIXELS: u64 = 64_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Webp,
    Gif,
    Heif,
    Mp4,
    Mov,
    Webm,
}

impl Sniffed {
    pub fn is_video(self) -> bool {
        matches!(self, Sniffed::Mp4 | Sniffed::Mov | Sniffed::Webm)
    }
}

/// The type of a file from its first bytes, or `None` for anything Kring does not take (SVG, HTML,
/// PDF, archives, ...). The name and the browser's MIME type are never consulted.
pub fn sniff(head: &[u8]) -> Option<Sniffed> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Sniffed::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Sniffed::Png);
    }
    if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        return Some(Sniffed::Gif);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some(Sniffed::Webp);
    }
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let window = &head[..head.len().min(64)];
        return window
            .windows(4)
            .any(|w| w == b"webm")
            .then_some(Sniffed::Webm);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return iso_brand(head);
    }
    None
}

/// ISO base media files (MP4, MOV, HEIF) name their brands in the `ftyp` box.
fn iso_brand(head: &[u8]) -> Option<Sniffed> {
    let size = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = size.clamp(12, head.len().min(256));
    let brands: Vec<&[u8]> = std::iter::once(&head[8..12])
        .chain(head[16.min(end)..end].chunks_exact(4))
        .collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[
        b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif",
    ]) {
        Some(Sniffed::Heif)
    } else if &head[8..12] == b"qt  " {
        Some(Sniffed::Mov)
    } else if has(&[
        b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ",
    ]) {
        Some(Sniffed::Mp4)
    } else {
        None
    }
}

/// Finds markup that makes a file a polyglot (an "image" that a browser would also run as HTML or
/// SVG). Fed chunk by chunk while an upload streams in; remembers a short tail across chunks.
#[derive(Default)]
pub struct MarkupScanner {
    tail: Vec<u8>,
    found: bool,
}

const MARKERS: [&[u8]; 8] = [
    b"<script",
    b"<html",
    b"<svg",
    b"<!doctype",
    b"<?xml",
    b"<iframe",
    b"<body",
    b"<object",
];
const LONGEST_MARKER: usize = 9;

impl MarkupScanner {
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.found {
            return;
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        self.found = window.iter().enumerate().any(|(i, &b)| {
            b == b'<'
                && MARKERS.iter().any(|m| {
                    window.len() >= i + m.len() && window[i..i + m.len()].eq_ignore_ascii_case(m)
                })
        });
        let keep = window.len().min(LONGEST_MARKER - 1);
        self.tail = window[window.len() - keep..].to_vec();
    }

    pub fn found(&self) -> bool {
        self.found
    }
}

pub fn contains_markup(bytes: &[u8]) -> bool {
    let mut scanner = MarkupScanner::default();
    scanner.feed(bytes);
    scanner.found()
}

fn format_of(kind: Sniffed) -> Result<ImageFormat, Refusal> {
    match kind {
        Sniffed::Jpeg => Ok(ImageFormat::Jpeg),
        Sniffed::Png => Ok(ImageFormat::Png),
        Sniffed::Webp => Ok(ImageFormat::WebP),
        Sniffed::Gif => Ok(ImageFormat::Gif),
        // No HEIF decoder from the registries works with Debian 12's libheif 1.15; iPhones send
        // JPEG to a browser upload by default, so this is rare.
        Sniffed::Heif => Err(Refusal::new("media_heic_unsupported")),
        Sniffed::Mp4 | Sniffed::Mov | Sniffed::Webm => Err(Refusal::new("media_not_a_photo")),
    }
}

fn unreadable<E>(_: E) -> Refusal {
    Refusal::new("media_unreadable")
}

/// Reads only the header: the size of the photo, refused when it is a pixel bomb (UP-02).
pub fn check_header(bytes: &[u8]) -> Result<(Sniffed, u32, u32), Refusal> {
    let kind = sniff(bytes).ok_or_else(|| Refusal::new("media_type_not_allowed"))?;
    let format = format_of(kind)?;
    let (width, height) = match declared_size(bytes, kind) {
        Some(size) => size,
        None => ImageReader::with_format(Cursor::new(bytes), format)
            .into_dimensions()
            .map_err(unreadable)?,
    };
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Refusal::new("media_too_many_pixels"));
    }
    Ok((kind, width, height))
}

/// The size a PNG or GIF declares in its first bytes. The PNG decoder reads up to the first pixel
/// chunk before it tells the size, so a bomb without pixels would pass as merely unreadable.
fn declared_size(bytes: &[u8], kind: Sniffed) -> Option<(u32, u32)> {
    match kind {
        Sniffed::Png if bytes.len() >= 24 && &bytes[12..16] == b"IHDR" => Some((
            u32::from_be_bytes(bytes[16..20].try_into().ok()?),
            u32::from_be_bytes(bytes[20..24].try_into().ok()?),
        )),
        Sniffed::Gif if bytes.len() >= 10 => Some((
            u32::from(u16::from_le_bytes([bytes[6], bytes[7]])),
            u32::from(u16::from_le_bytes([bytes[8], bytes[9]])),
        )),
        _ => None,
    }
}

pub struct Rendition {
    pub variant: Variant,
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

pub struct Processed {
    /// The upright size of the largest rendition.
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<Rendition>,
}

/// Turns an uploaded photo into clean renditions, or says why it cannot.
pub fn process_image(bytes: &[u8]) -> Result<Processed, Refusal> {
    if contains_markup(bytes) {
        return Err(Refusal::new("media_type_not_allowed"));
    }
    let (kind, _, _) = check_header(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(kind)?);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let icc = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    let rgb = to_srgb(flatten(image), icc.as_deref());
    renditions(rgb)
}

/// RGB on a white background: transparent PNG/GIF areas become white, not black.
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    for px in rgba.pixels() {
        let a = u16::from(px[3]);
        for c in 0..3 {
            out.push(((u16::from(px[c]) * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    RgbImage::from_raw(w, h, out).expect("buffer of the right size")
}

/// Converts pixels from the photo's embedded colour profile (e.g. an iPhone's Display P3) to sRGB,
/// so colours stay right once the profile is gone. Without a usable profile the pixels are kept.
fn to_srgb(rgb: RgbImage, icc: Option<&[u8]>) -> RgbImage {
    let Some(icc) = icc else { return rgb };
    let Ok(source) = moxcms::ColorProfile::new_from_slice(icc) else {
        return rgb;
    };
    let target = moxcms::ColorProfile::new_srgb();
    let Ok(transform) = source.create_transform_8bit(
        moxcms::Layout::Rgb,
        &target,
        moxcms::Layout::Rgb,
        moxcms::TransformOptions::default(),
    ) else {
        return rgb;
    };
    let (w, h) = rgb.dimensions();
    let mut out = vec![0u8; rgb.as_raw().len()];
    if transform.transform(rgb.as_raw(), &mut out).is_err() {
        return rgb;
    }
    RgbImage::from_raw(w, h, out).unwrap_or(rgb)
}

/// Full, feed and thumbnail sizes, each resized from the previous one (largest first).
fn renditions(rgb: RgbImage) -> Result<Processed, Refusal> {
    let (width, height) = rgb.dimensions();
    let mut source =
        Image::from_vec_u8(width, height, rgb.into_raw(), PixelType::U8x3).map_err(unreadable)?;
    let mut resizer = Resizer::new();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    let mut out = Vec::new();
    for variant in [Variant::Full, Variant::Feed, Variant::Thumb] {
        let longest = variant.longest_side();
        let w = scaled_width(i64::from(width), i64::from(height), longest) as u32;
        let h = scaled_width(i64::from(height), i64::from(width), longest) as u32;
        if (w, h) != (source.width(), source.height()) {
            let mut target = Image::new(w.max(1), h.max(1), PixelType::U8x3);
            resizer
                .resize(&source, &mut target, &options)
                .map_err(unreadable)?;
            source = target;
        }
        out.push(Rendition {
            variant,
            width: source.width(),
            height: source.height(),
            jpeg: super::jpeg::encode(source.buffer(), source.width(), source.height(), variant)?,
        });
    }
    let (width, height) = (out[0].width, out[0].height);
    Ok(Processed {
        width,
        height,
        renditions: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Some(Sniffed::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some(Sniffed::Png));
        assert_eq!(sniff(b"GIF89a..."), Some(Sniffed::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Sniffed::Webp));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Some(Sniffed::Heif)
        );
        assert_eq!(sniff(b"\0\0\0\x14ftypqt  \0\0\0\0qt  "), Some(Sniffed::Mov));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypmp42\0\0\0\0isommp42"),
            Some(Sniffed::Mp4)
        );
        assert_eq!(
            sniff(b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm"),
            Some(Sniffed::Webm)
        );
    }

    #[test]
    fn markup_and_documents_are_not_media() {
        assert_eq!(sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), None);
        assert_eq!(sniff(b"<!DOCTYPE html><html>"), None);
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b""), None);
    }

    #[test]
    fn markup_is_found_across_chunk_boundaries_and_in_any_case() {
        let mut s = MarkupScanner::default();
        s.feed(b"\xFF\xD8\xFF\xFE garbage <SCR");
        assert!(!s.found());
        s.feed(b"IPT>alert(1)");
        assert!(s.found());
        assert!(!contains_markup(b"\xFF\xD8 a < b and <3"));
    }
}
