//! Test photos made on the spot: real JPEGs carrying canary strings in every kind of metadata a
//! phone writes (EXIF camera, description and GPS, XMP, IPTC, a comment), and the bad files of the
//! refusal corpus.
use image::{codecs::jpeg::JpegEncoder, ExtendedColorType, RgbImage};

pub const CANARIES: [&str; 6] = [
    "CANARY-MAKE",
    "CANARY-CAMERA",
    "CANARY-DESCRIPTION",
    "CANARY-GPS",
    "CANARY-XMP",
    "CANARY-IPTC",
];
pub const COMMENT_CANARY: &str = "CANARY-COMMENT";

/// A `width`×`height` photo whose left half is red and right half blue.
pub fn plain_jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode(img.as_raw(), width, height, ExtendedColorType::Rgb8)
        .expect("encode");
    out
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// Inserts segments right after the JPEG's SOI marker.
pub fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A little-endian TIFF/EXIF block: camera make and model, a description, orientation, and a GPS
/// directory with a position and a processing-method text.
fn exif(orientation: u16) -> Vec<u8> {
    struct Entry {
        tag: u16,
        kind: u16,
        count: u32,
        data: Vec<u8>,
    }
    fn ascii(tag: u16, text: &str) -> Entry {
        let mut data = text.as_bytes().to_vec();
        data.push(0);
        Entry {
            tag,
            kind: 2,
            count: data.len() as u32,
            data,
        }
    }
    // Lays out one directory at `start`, with out-of-line values after it; `next` links onwards.
    fn directory(entries: &[Entry], start: u32) -> Vec<u8> {
        let mut dir = Vec::new();
        let mut extra = Vec::new();
        let extra_start = start + 2 + entries.len() as u32 * 12 + 4;
        dir.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for e in entries {
            dir.extend_from_slice(&e.tag.to_le_bytes());
            dir.extend_from_slice(&e.kind.to_le_bytes());
            dir.extend_from_slice(&e.count.to_le_bytes());
            if e.data.len() <= 4 {
                let mut v = e.data.clone();
                v.resize(4, 0);
                dir.extend_from_slice(&v);
            } else {
                dir.extend_from_slice(&(extra_start + extra.len() as u32).to_le_bytes());
                extra.extend_from_slice(&e.data);
                if extra.len() % 2 == 1 {
                    extra.push(0);
                }
            }
        }
        dir.extend_from_slice(&0u32.to_le_bytes());
        dir.extend_from_slice(&extra);
        dir
    }
    let gps_entries = {
        let mut lat = Vec::new();
        for (n, d) in [(52u32, 1u32), (22, 1), (1234, 100)] {
            lat.extend_from_slice(&n.to_le_bytes());
            lat.extend_from_slice(&d.to_le_bytes());
        }
        let mut method = b"ASCII\0\0\0".to_vec();
        method.extend_from_slice(b"CANARY-GPS");
        vec![
            ascii(0x0001, "N"),
            Entry {
                tag: 0x0002,
                kind: 5,
                count: 3,
                data: lat,
            },
            Entry {
                tag: 0x001B,
                kind: 7,
                count: method.len() as u32,
                data: method,
            },
        ]
    };
    // IFD0 first with a placeholder GPS offset, then the GPS directory right after it.
    let mut ifd0 = vec![
        ascii(0x010E, "CANARY-DESCRIPTION"),
        ascii(0x010F, "CANARY-MAKE"),
        ascii(0x0110, "CANARY-CAMERA"),
        Entry {
            tag: 0x0112,
            kind: 3,
            count: 1,
            data: orientation.to_le_bytes().to_vec(),
        },
        Entry {
            tag: 0x8825,
            kind: 4,
            count: 1,
            data: 0u32.to_le_bytes().to_vec(),
        },
    ];
    let first = directory(&ifd0, 8);
    let gps_start = 8 + first.len() as u32;
    ifd0[4].data = gps_start.to_le_bytes().to_vec();
    let first = directory(&ifd0, 8);
    let gps = directory(&gps_entries, gps_start);
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&first);
    tiff.extend_from_slice(&gps);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    payload
}

/// A phone photo: EXIF (with `orientation`), GPS, XMP, IPTC and a comment, all with canaries.
pub fn phone_photo(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let xmp = [
        b"http://ns.adobe.com/xap/1.0/\0".as_slice(),
        b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:Description>CANARY-XMP</rdf:Description></x:xmpmeta>",
    ]
    .concat();
    let iptc =
        [b"Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x10\x1c\x02\x78\0\x0bCANARY-IPTC".as_slice()]
            .concat();
    with_segments(
        &plain_jpeg(width, height),
        &[
            segment(0xE1, &exif(orientation)),
            segment(0xE1, &xmp),
            segment(0xED, &iptc),
            segment(0xFE, COMMENT_CANARY.as_bytes()),
        ],
    )
}

/// A PNG that claims 60000×60000 pixels: a valid signature and header chunk, and no pixels.
pub fn pixel_bomb_png() -> Vec<u8> {
    png_header_only(60_000, 60_000)
}

/// A PNG with a valid signature and header chunk and no pixel data at all: it passes every check
/// made from the header and fails only when decoded.
pub fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut chunk = Vec::new();
    chunk.extend_from_slice(&(ihdr.len() as u32).to_be_bytes());
    let mut typed = b"IHDR".to_vec();
    typed.extend_from_slice(&ihdr);
    chunk.extend_from_slice(&typed);
    chunk.extend_from_slice(&crc32(&typed).to_be_bytes());
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&chunk);
    png
}

/// The attack's tiny files that declare huge images (DS-01): a JPEG cut off after its headers that
/// declares `side`², a lossless WebP header of `side`², and a PNG whose colour profile unpacks to
/// 64 MB from a few kilobytes.
pub fn jpeg_header_only(side: u16) -> Vec<u8> {
    let mut jpeg = plain_jpeg(16, 16);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline frame");
    jpeg[sof + 5..sof + 7].copy_from_slice(&side.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&side.to_be_bytes());
    let sos = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("scan");
    jpeg.truncate(sos + 20);
    jpeg
}

pub fn webp_lossless_header(side: u32) -> Vec<u8> {
    let bits: u32 = (side - 1) | ((side - 1) << 14) | (1 << 28);
    let mut chunk = vec![0x2F];
    chunk.extend_from_slice(&bits.to_le_bytes());
    chunk.extend_from_slice(&[0u8; 2000]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + 8 + chunk.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBPVP8L");
    out.extend_from_slice(&(chunk.len() as u32).to_le_bytes());
    out.extend_from_slice(&chunk);
    out
}

pub fn png_icc_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&vec![0u8; 64 * 1024 * 1024]).expect("deflate");
    let packed = z.finish().expect("deflate");
    let mut png = png_header_only(64, 64);
    let mut typed = b"iCCP".to_vec();
    typed.extend_from_slice(b"bom\0\0");
    typed.extend_from_slice(&packed);
    png.extend_from_slice(&((typed.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(&typed);
    png.extend_from_slice(&crc32(&typed).to_be_bytes());
    png.extend_from_slice(&[0, 0, 0, 0]);
    png.extend_from_slice(b"IDAT");
    png.extend_from_slice(&crc32(b"IDAT").to_be_bytes());
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A JPEG with an HTML script in its comment: an image to a decoder, a page to a careless browser.
pub fn polyglot_jpeg() -> Vec<u8> {
    with_segments(
        &plain_jpeg(64, 64),
        &[segment(
            0xFE,
            b"<html><script>alert(document.cookie)</script></html>",
        )],
    )
}

/// Whether `needle` occurs anywhere in `haystack`, byte for byte.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
