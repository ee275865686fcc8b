//! JPEG encoding of the renditions with mozjpeg (built from its vendored C source). Parents pay for
//! every byte on mobile data, so the files are progressive with Huffman tables optimised per image,
//! luma quantised as libjpeg does at quality 82. Only the JFIF header, the tables and the scans are
//! written: no EXIF, GPS, XMP, IPTC, ICC profile or comment (UP-03).
//!
//! The chroma settings per size were chosen with `scripts/bench-photos.sh` so that every size has
//! fewer bytes than `vipsthumbnail` at Q=82 with an SSIM at least as high: the libjpeg table at 82
//! loses more colour than its bytes are worth at the larger sizes, and at 400 px 4:2:0 blurs the
//! colour of edges only a few pixels wide, so the thumbnail keeps full colour resolution with a
//! coarser table instead.
use std::panic::{catch_unwind, AssertUnwindSafe};

use mozjpeg::{qtable, ColorSpace, Compress};

use super::model::{Refusal, Variant};

const LUMA_QUALITY: f32 = 82.0;

struct Settings {
    /// Colour resolution: one chroma sample per `chroma_block` × `chroma_block` pixels.
    chroma_block: u8,
    chroma_quality: f32,
    /// mozjpeg tries several progressive scan layouts and keeps the smallest: 2–6 % fewer bytes
    /// for the same pixels, at about 90 ms per megapixel, so not for the largest size.
    optimise_scans: bool,
}

fn settings(variant: Variant) -> Settings {
    match variant {
        // A video's poster is stored at the full size.
        Variant::Full | Variant::Video => Settings {
            chroma_block: 2,
            chroma_quality: 88.0,
            optimise_scans: false,
        },
        Variant::Feed => Settings {
            chroma_block: 2,
            chroma_quality: 88.0,
            optimise_scans: true,
        },
        Variant::Thumb => Settings {
            chroma_block: 1,
            chroma_quality: 50.0,
            optimise_scans: true,
        },
    }
}

/// Encodes 8-bit sRGB pixels as the progressive JPEG of `variant`.
pub fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    variant: Variant,
) -> Result<Vec<u8>, Refusal> {
    if width == 0 || height == 0 || pixels.len() != width as usize * height as usize * 3 {
        return Err(Refusal::new("media_unreadable"));
    }
    let settings = settings(variant);
    // mozjpeg reports a libjpeg error by unwinding; it becomes a refusal instead of a crashed job.
    catch_unwind(AssertUnwindSafe(|| {
        let mut jpeg = Compress::new(ColorSpace::JCS_RGB);
        // The fastest profile leaves out trellis quantisation: measured, it took 4× the encoding
        // time and lost SSIM for the bytes it saved.
        jpeg.set_fastest_defaults();
        jpeg.set_size(width as usize, height as usize);
        jpeg.set_luma_qtable(&qtable::AnnexK_Luma.scaled(LUMA_QUALITY, LUMA_QUALITY));
        let chroma = settings.chroma_quality;
        jpeg.set_chroma_qtable(&qtable::AnnexK_Chroma.scaled(chroma, chroma));
        let block = (settings.chroma_block, settings.chroma_block);
        jpeg.set_chroma_sampling_pixel_sizes(block, block);
        jpeg.set_optimize_coding(true);
        // Scan optimisation must be chosen before the progressive scans are laid out.
        jpeg.set_optimize_scans(settings.optimise_scans);
        jpeg.set_progressive_mode();
        let mut started = jpeg.start_compress(Vec::new())?;
        started.write_scanlines(pixels)?;
        started.finish()
    }))
    .map_err(|_| Refusal::new("media_unreadable"))?
    .map_err(|_| Refusal::new("media_unreadable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The markers before the first scan, in order.
    fn markers(jpeg: &[u8]) -> Vec<u8> {
        let mut at = 2;
        let mut found = Vec::new();
        while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
            let marker = jpeg[at + 1];
            found.push(marker);
            if marker == 0xDA {
                break;
            }
            at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        }
        found
    }

    fn gradient(width: u32, height: u32) -> Vec<u8> {
        (0..height)
            .flat_map(|y| (0..width).flat_map(move |x| [(x * 2) as u8, (y * 3) as u8, 128]))
            .collect()
    }

    #[test]
    fn up03_a_rendition_holds_only_the_jfif_header_tables_and_scans() {
        for variant in [Variant::Full, Variant::Feed, Variant::Thumb] {
            only_jfif_tables_and_scans(&encode(&gradient(120, 80), 120, 80, variant).unwrap());
        }
    }

    fn only_jfif_tables_and_scans(jpeg: &[u8]) {
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        let found = markers(jpeg);
        assert_eq!(found.first(), Some(&0xE0), "starts with JFIF: {found:x?}");
        assert_eq!(&jpeg[6..11], b"JFIF\0");
        for marker in &found[1..] {
            assert!(
                matches!(marker, 0xDB | 0xC4 | 0xC2 | 0xDD | 0xDA),
                "only tables, a progressive frame and scans, got {marker:#x} in {found:x?}"
            );
        }
        // Nothing else anywhere in the file: no APPn besides JFIF, no comment.
        for pair in jpeg.windows(2).filter(|w| w[0] == 0xFF) {
            assert!(
                !(0xE1..=0xEF).contains(&pair[1]) && pair[1] != 0xFE,
                "marker {:#x} in the file",
                pair[1]
            );
        }
    }

    #[test]
    fn renditions_decode_to_the_same_picture() {
        let pixels = gradient(120, 80);
        for variant in [Variant::Full, Variant::Feed, Variant::Thumb] {
            let jpeg = encode(&pixels, 120, 80, variant).unwrap();
            let decoded = image::load_from_memory(&jpeg).unwrap().to_rgb8();
            assert_eq!(decoded.dimensions(), (120, 80));
            let worst = decoded
                .as_raw()
                .iter()
                .zip(&pixels)
                .map(|(a, b)| a.abs_diff(*b))
                .max()
                .unwrap();
            assert!(worst < 24, "{variant:?}: largest difference {worst}");
        }
    }

    #[test]
    fn a_wrong_buffer_is_refused_not_a_crash() {
        assert!(encode(&[0; 10], 120, 80, Variant::Thumb).is_err());
    }
}
