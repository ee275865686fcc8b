//! How much memory decoding a photo will take, estimated from its header before a pixel is decoded
//! (DS-01). A 242-byte JPEG may declare 7900×7900 pixels: the processing job waits until its
//! estimated peak fits in what is free of `KRING_MEDIA_MEMORY_MB`, and a photo whose peak exceeds
//! the whole budget is refused. Colour profiles over 1 MB are refused before they are unpacked (a PNG
//! can carry a 2 GB profile in a few kilobytes).
use std::io::Read;

use super::{
    model::Refusal,
    photo::{check_header, Sniffed},
};

/// Largest colour profile Kring unpacks; real ones are a few kilobytes.
pub const MAX_ICC_BYTES: usize = 1024 * 1024;
/// Decoder state, the three encoded sizes and the resizer's buffers for the smaller sizes.
const FIXED_OVERHEAD: u64 = 16 * 1024 * 1024;
/// How much of a file is read to plan its decoding: a PNG's profile comes before its pixels.
pub const PLAN_BYTES: usize = 2 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    pub kind: Sniffed,
    pub width: u32,
    pub height: u32,
    /// The most memory the pipeline holds at once for this photo, the file itself included.
    pub peak_bytes: u64,
}

/// Plans the decoding of a photo of `file_bytes` bytes from its first bytes (`head`, up to
/// `PLAN_BYTES`).
pub fn plan(head: &[u8], file_bytes: u64) -> Result<Plan, Refusal> {
    let (kind, width, height) = check_header(head)?;
    let icc = icc_bytes(head, kind, file_bytes)?;
    let bpp = decoded_bytes_per_pixel(head, kind);
    // Live at once, at the worst step: the decoder's own buffer and the decoded image; or the image
    // and its turned copy; or the image and its RGB copy; or the RGB image and its sRGB copy. Then
    // the resizer's half-way image (up to 2 bytes a pixel) and what the allocator keeps.
    let factor = (internal_bytes_per_pixel(kind) + bpp)
        .max(2 * bpp)
        .max(bpp + 3)
        .max(6)
        + 2;
    let pixels = u64::from(width) * u64::from(height);
    Ok(Plan {
        kind,
        width,
        height,
        peak_bytes: file_bytes + icc as u64 + pixels * factor + FIXED_OVERHEAD,
    })
}

/// What a decoder keeps besides the image it hands over: a JPEG decoder its colour components,
/// a lossless WebP or a GIF its 32-bit canvas.
fn internal_bytes_per_pixel(kind: Sniffed) -> u64 {
    match kind {
        Sniffed::Jpeg => 3,
        Sniffed::Webp | Sniffed::Gif => 4,
        _ => 1,
    }
}

/// Bytes per pixel of the decoded image: PNG says so in its header; the others decode to 8-bit
/// RGB or RGBA (CMYK JPEGs take four).
fn decoded_bytes_per_pixel(head: &[u8], kind: Sniffed) -> u64 {
    match kind {
        Sniffed::Png if head.len() >= 26 => {
            let depth = u64::from(head[24]);
            let channels = match head[25] {
                0 => 1,
                2 => 3,
                3 => 1,
                4 => 2,
                _ => 4,
            };
            // Palette images are expanded to RGBA.
            let channels = if head[25] == 3 { 4 } else { channels };
            channels * if depth > 8 { 2 } else { 1 }
        }
        _ => 4,
    }
}

/// The size of the colour profile, refusing one over `MAX_ICC_BYTES`.
fn icc_bytes(head: &[u8], kind: Sniffed, file_bytes: u64) -> Result<usize, Refusal> {
    let too_big = || Refusal::new("media_icc_too_big");
    match kind {
        Sniffed::Png => png_icc(head, file_bytes),
        Sniffed::Jpeg => {
            let n = jpeg_icc(head);
            if n > MAX_ICC_BYTES {
                Err(too_big())
            } else {
                Ok(n)
            }
        }
        Sniffed::Webp => {
            let n = riff_chunk(head, b"ICCP").unwrap_or(0);
            if n > MAX_ICC_BYTES {
                Err(too_big())
            } else {
                Ok(n)
            }
        }
        _ => Ok(0),
    }
}

/// A PNG's `iCCP` profile unpacked, at most `MAX_ICC_BYTES` of it. All chunks before the pixels
/// must be within `head`; a file with more than that before its pixels is not read.
fn png_icc(head: &[u8], file_bytes: u64) -> Result<usize, Refusal> {
    let mut at = 8;
    while at + 8 <= head.len() {
        let len = u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]) as usize;
        let name = &head[at + 4..at + 8];
        let data = at + 8;
        if name == b"IDAT" {
            return Ok(0);
        }
        if name == b"iCCP" {
            let Some(chunk) = head.get(data..data + len) else {
                return Err(Refusal::new("media_icc_too_big"));
            };
            // Profile name, a zero byte, the compression method, then the zlib stream.
            let start = chunk
                .iter()
                .position(|b| *b == 0)
                .map(|p| p + 2)
                .ok_or_else(|| Refusal::new("media_unreadable"))?;
            let mut unpacked = Vec::new();
            let read = flate2::read::ZlibDecoder::new(chunk.get(start..).unwrap_or_default())
                .take(MAX_ICC_BYTES as u64 + 1)
                .read_to_end(&mut unpacked);
            return match read {
                Ok(n) if n > MAX_ICC_BYTES => Err(Refusal::new("media_icc_too_big")),
                Ok(n) => Ok(n),
                Err(_) => Err(Refusal::new("media_unreadable")),
            };
        }
        at = data + len + 4;
    }
    if (head.len() as u64) < file_bytes {
        Err(Refusal::new("media_unreadable"))
    } else {
        Ok(0)
    }
}

/// The bytes of the `ICC_PROFILE` APP2 segments before the image data.
fn jpeg_icc(head: &[u8]) -> usize {
    let mut at = 2;
    let mut total = 0;
    while at + 4 <= head.len() && head[at] == 0xFF {
        let marker = head[at + 1];
        if marker == 0xDA || marker == 0xD9 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([head[at + 2], head[at + 3]]));
        if marker == 0xE2 && head[at + 4..].starts_with(b"ICC_PROFILE\0") {
            total += len;
        }
        at += 2 + len;
    }
    total
}

/// The size of the first RIFF chunk named `name` within `head`.
fn riff_chunk(head: &[u8], name: &[u8; 4]) -> Option<usize> {
    let mut at = 12;
    while at + 8 <= head.len() {
        let len =
            u32::from_le_bytes([head[at + 4], head[at + 5], head[at + 6], head[at + 7]]) as usize;
        if &head[at..at + 4] == name {
            return Some(len);
        }
        at += 8 + len + (len & 1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_with_icc(profile: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(profile).unwrap();
        let packed = z.finish().unwrap();
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |name: &[u8], data: &[u8]| {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(name);
            out.extend_from_slice(data);
            out.extend_from_slice(&[0, 0, 0, 0]);
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&64u32.to_be_bytes());
        ihdr.extend_from_slice(&64u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        chunk(b"IHDR", &ihdr);
        let mut iccp = b"p\0\0".to_vec();
        iccp.extend_from_slice(&packed);
        chunk(b"iCCP", &iccp);
        chunk(b"IDAT", &[]);
        out
    }

    #[test]
    fn ds01_a_compressed_colour_profile_bomb_is_refused_before_it_is_unpacked() {
        let bomb = png_with_icc(&vec![0u8; 64 * 1024 * 1024]);
        assert!(bomb.len() < 200_000, "{} bytes", bomb.len());
        let err = plan(&bomb, bomb.len() as u64).unwrap_err();
        assert_eq!(err.key, "media_icc_too_big");
        let fine = png_with_icc(&vec![7u8; 3000]);
        assert!(plan(&fine, fine.len() as u64).is_ok());
    }

    #[test]
    fn ds01_the_peak_grows_with_the_declared_pixels_not_the_file() {
        let small = png_with_icc(&[1, 2, 3]);
        let p = plan(&small, small.len() as u64).unwrap();
        assert_eq!((p.width, p.height), (64, 64));
        assert!(p.peak_bytes < FIXED_OVERHEAD + 100_000);
        // A real JPEG whose frame header is changed to declare 7900 × 7900 pixels, cut off after
        // its headers (the attack's 242-byte file).
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode(
                &[128u8; 16 * 16 * 3],
                16,
                16,
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        jpeg[sof + 5..sof + 7].copy_from_slice(&7900u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&7900u16.to_be_bytes());
        let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        jpeg.truncate(sos + 20);
        let p = plan(&jpeg, jpeg.len() as u64).unwrap();
        assert_eq!((p.width, p.height), (7900, 7900));
        assert!(p.peak_bytes > 380 * 1024 * 1024, "{}", p.peak_bytes);
    }
}
