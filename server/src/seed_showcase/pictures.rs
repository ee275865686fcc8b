//! The showcase's photos, painted in code: no image files live in the repository, nothing is
//! downloaded, and every run paints the same pixels (a small fixed-seed generator instead of
//! `rand`). They are JPEGs as a phone would upload them, so they take the real upload pipeline.
use image::{codecs::jpeg::JpegEncoder, ExtendedColorType, Rgb, RgbImage};

/// The size of a typical phone photo scaled down by the camera app (4:3).
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 900;

type Colour = [f32; 3];

const fn rgb(hex: u32) -> Colour {
    [
        ((hex >> 16) & 0xff) as f32,
        ((hex >> 8) & 0xff) as f32,
        (hex & 0xff) as f32,
    ]
}

const LEAF_COLOURS: [Colour; 5] = [
    rgb(0xe07b24),
    rgb(0xc0392b),
    rgb(0xf1c40f),
    rgb(0xd4a017),
    rgb(0x9c5a2b),
];
const BUNTING: [Colour; 5] = [
    rgb(0xe74c3c),
    rgb(0xf1c40f),
    rgb(0x3498db),
    rgb(0x2ecc71),
    rgb(0x9b59b6),
];

/// A tiny deterministic generator (xorshift): the same picture on every machine and every run.
struct Dice(u32);

impl Dice {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 % 10_000) as f32 / 10_000.0
    }

    fn between(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.next()
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() * from.len() as f32) as usize % from.len()]
    }
}

/// Per-pixel noise in 0..1, for wood grain, paper and crayon texture.
fn grain(x: u32, y: u32, seed: u32) -> f32 {
    let mut h = x
        .wrapping_mul(374_761_393)
        .wrapping_add(y.wrapping_mul(668_265_263))
        .wrapping_add(seed.wrapping_mul(2_246_822_519));
    h = (h ^ (h >> 13)).wrapping_mul(1_274_126_177);
    (h ^ (h >> 16)) as f32 / u32::MAX as f32
}

fn mix(a: Colour, b: Colour, t: f32) -> Colour {
    let t = t.clamp(0.0, 1.0);
    [
        a[0] + (b[0] - a[0]) * t,
        a[1] + (b[1] - a[1]) * t,
        a[2] + (b[2] - a[2]) * t,
    ]
}

fn shade(c: Colour, factor: f32) -> Colour {
    [c[0] * factor, c[1] * factor, c[2] * factor]
}

/// A picture being painted: shapes are blended in with soft (anti-aliased) edges.
struct Canvas {
    img: RgbImage,
}

impl Canvas {
    fn new(background: impl Fn(u32, u32) -> Colour) -> Canvas {
        let img = RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
            let c = background(x, y);
            Rgb([c[0] as u8, c[1] as u8, c[2] as u8])
        });
        Canvas { img }
    }

    fn blend(&mut self, x: i32, y: i32, c: Colour, alpha: f32) {
        if x < 0 || y < 0 || x >= WIDTH as i32 || y >= HEIGHT as i32 || alpha <= 0.0 {
            return;
        }
        let p = self.img.get_pixel_mut(x as u32, y as u32);
        let old = [p[0] as f32, p[1] as f32, p[2] as f32];
        let new = mix(old, c, alpha);
        *p = Rgb([new[0] as u8, new[1] as u8, new[2] as u8]);
    }

    /// Paints every pixel within `reach` of (cx, cy) whose `coverage` (0..1) is positive.
    fn area(
        &mut self,
        cx: f32,
        cy: f32,
        reach: f32,
        coverage: impl Fn(f32, f32) -> f32,
        c: Colour,
    ) {
        let (x0, x1) = ((cx - reach).floor() as i32, (cx + reach).ceil() as i32);
        let (y0, y1) = ((cy - reach).floor() as i32, (cy + reach).ceil() as i32);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let a = coverage(x as f32 + 0.5, y as f32 + 0.5);
                if a > 0.0 {
                    self.blend(x, y, c, a.min(1.0));
                }
            }
        }
    }

    fn disc(&mut self, cx: f32, cy: f32, r: f32, c: Colour, alpha: f32) {
        let edge = move |x: f32, y: f32| {
            let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
            (r - d + 0.5).clamp(0.0, 1.0) * alpha
        };
        self.area(cx, cy, r + 1.0, edge, c);
    }

    /// An ellipse turned by `angle` (radians).
    fn ellipse(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, angle: f32, c: Colour) {
        let (sin, cos) = angle.sin_cos();
        let edge = move |x: f32, y: f32| {
            let (dx, dy) = (x - cx, y - cy);
            let u = (dx * cos + dy * sin) / rx;
            let v = (-dx * sin + dy * cos) / ry;
            let d = (u * u + v * v).sqrt();
            ((1.0 - d) * ry.min(rx) + 0.5).clamp(0.0, 1.0)
        };
        self.area(cx, cy, rx.max(ry) + 1.0, edge, c);
    }

    /// A stroke with round ends; `texture` > 0 makes it look like crayon.
    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, c: Colour, texture: f32) {
        let (ax, ay) = from;
        let (bx, by) = to;
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = (dx * dx + dy * dy).max(1e-6);
        let half = width / 2.0;
        let edge = move |x: f32, y: f32| {
            let t = (((x - ax) * dx + (y - ay) * dy) / len2).clamp(0.0, 1.0);
            let d = ((x - ax - t * dx).powi(2) + (y - ay - t * dy).powi(2)).sqrt();
            let a = (half - d + 0.5).clamp(0.0, 1.0);
            a * (1.0 - texture * grain(x as u32, y as u32, 7))
        };
        let (cx, cy) = ((ax + bx) / 2.0, (ay + by) / 2.0);
        let reach = (len2.sqrt() / 2.0) + half + 1.0;
        self.area(cx, cy, reach, edge, c);
    }

    /// A filled convex polygon (bunting, roofs, cones).
    fn polygon(&mut self, points: &[(f32, f32)], c: Colour) {
        let n = points.len();
        let cx = points.iter().map(|p| p.0).sum::<f32>() / n as f32;
        let cy = points.iter().map(|p| p.1).sum::<f32>() / n as f32;
        let reach = points
            .iter()
            .map(|p| ((p.0 - cx).powi(2) + (p.1 - cy).powi(2)).sqrt())
            .fold(0.0, f32::max)
            + 1.0;
        // Inside when on the same side of every edge as the centre; the distance to the nearest
        // edge gives the soft border.
        let inside = |x: f32, y: f32| {
            let mut nearest = f32::MAX;
            for i in 0..n {
                let (ax, ay) = points[i];
                let (bx, by) = points[(i + 1) % n];
                let len = ((bx - ax).powi(2) + (by - ay).powi(2)).sqrt().max(1e-6);
                let side = ((bx - ax) * (y - ay) - (by - ay) * (x - ax)) / len;
                let centre = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
                let signed = if centre >= 0.0 { side } else { -side };
                nearest = nearest.min(signed);
            }
            (nearest + 0.5).clamp(0.0, 1.0)
        };
        self.area(cx, cy, reach, inside, c);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, c: Colour) {
        self.polygon(&[(x, y), (x + w, y), (x + w, y + h), (x, y + h)], c);
    }

    fn jpeg(self) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 88)
            .encode(self.img.as_raw(), WIDTH, HEIGHT, ExtendedColorType::Rgb8)
            .expect("encoding an in-memory JPEG cannot fail");
        out
    }
}

/// One leaf: a pointed oval with a darker midrib and a stem.
fn leaf(canvas: &mut Canvas, dice: &mut Dice, x: f32, y: f32, size: f32) {
    let colour = dice.pick(&LEAF_COLOURS);
    let angle = dice.between(0.0, std::f32::consts::TAU);
    let (rx, ry) = (size, size * dice.between(0.38, 0.5));
    canvas.ellipse(x, y, rx, ry, angle, colour);
    let (sin, cos) = angle.sin_cos();
    let tip = (x + cos * rx * 0.9, y + sin * rx * 0.9);
    let base = (x - cos * rx * 0.9, y - sin * rx * 0.9);
    canvas.line(base, tip, size * 0.06, shade(colour, 0.7), 0.0);
    let stem = (base.0 - cos * size * 0.3, base.1 - sin * size * 0.3);
    canvas.line(base, stem, size * 0.07, rgb(0x6e4422), 0.0);
}

/// Leaves on the grass of a park, after the autumn walk. `variant` changes the scatter.
pub fn autumn_leaves(variant: u32) -> Vec<u8> {
    let (sky, ground) = (rgb(0xf6e7c8), rgb(0x7c5a2e));
    let mut c = Canvas::new(|x, y| {
        let t = y as f32 / HEIGHT as f32;
        let light = 1.0 - 0.15 * ((x as f32 / WIDTH as f32) - 0.5).abs();
        shade(mix(sky, ground, t * 1.2 - 0.1), light)
    });
    let mut dice = Dice(0x9e37_79b9 ^ variant.wrapping_mul(0x85eb_ca6b));
    for i in 0..70 {
        let y = dice.between(HEIGHT as f32 * 0.2, HEIGHT as f32 + 40.0);
        let x = dice.between(-40.0, WIDTH as f32 + 40.0);
        // Leaves further away (higher up) look smaller.
        let size = 22.0 + 60.0 * (y / HEIGHT as f32) + (i % 3) as f32 * 4.0;
        leaf(&mut c, &mut dice, x, y, size);
    }
    c.jpeg()
}

/// Chestnuts and a few leaves on the wooden nature table of the classroom.
pub fn nature_table() -> Vec<u8> {
    let wood = rgb(0xc08a55);
    let mut c = Canvas::new(|x, y| {
        let wave = ((y as f32 * 0.045) + (x as f32 * 0.004).sin() * 3.0).sin();
        let fine = grain(x / 3, y, 1) * 0.08;
        shade(wood, 0.88 + 0.08 * wave + fine)
    });
    let mut dice = Dice(0x2545_f491);
    for _ in 0..6 {
        let (x, y) = (dice.between(80.0, 1120.0), dice.between(80.0, 820.0));
        leaf(&mut c, &mut dice, x, y, 70.0);
    }
    for _ in 0..16 {
        let (x, y, r) = (
            dice.between(160.0, 1040.0),
            dice.between(160.0, 760.0),
            dice.between(42.0, 64.0),
        );
        c.disc(x + 6.0, y + 8.0, r, rgb(0x5a3b22), 0.35);
        c.disc(x, y, r, rgb(0x6b3a1e), 1.0);
        c.ellipse(x, y + r * 0.62, r * 0.62, r * 0.3, 0.0, rgb(0xcaa57a));
        c.disc(x - r * 0.35, y - r * 0.4, r * 0.22, rgb(0xffffff), 0.35);
    }
    c.jpeg()
}

/// The sports field on sports day: bunting, the running track, cones and a ball.
pub fn sports_day(variant: u32) -> Vec<u8> {
    let horizon = HEIGHT as f32 * 0.42;
    let mut c = Canvas::new(|x, y| {
        let yf = y as f32;
        if yf < horizon {
            mix(rgb(0x8fcbf2), rgb(0xe6f5ff), yf / horizon)
        } else {
            // Mowing stripes.
            let stripe = ((x as f32 + yf * 0.6) / 90.0) as i32 % 2 == 0;
            let g = if stripe { rgb(0x5fae4a) } else { rgb(0x6cbb55) };
            shade(g, 0.9 + 0.1 * (yf - horizon) / (HEIGHT as f32 - horizon))
        }
    });
    let mut dice = Dice(0x68e3_1da4 ^ variant.wrapping_mul(0x1b87_3593));
    // Odd variants are taken from the other side of the field.
    let flip = variant % 2 == 1;
    let sun_x = if flip { 180.0 } else { 1020.0 };
    c.disc(sun_x, 250.0, 105.0, rgb(0xfff4b0), 0.35);
    c.disc(sun_x, 250.0, 60.0, rgb(0xffe066), 1.0);
    // The track: a red band with white lane lines.
    let (top, bottom) = (HEIGHT as f32 * 0.6, HEIGHT as f32 * 0.8);
    c.rect(-2.0, top, WIDTH as f32 + 4.0, bottom - top, rgb(0xc8553d));
    for lane in 0..=4 {
        let y = top + (bottom - top) * lane as f32 / 4.0;
        c.line((0.0, y), (WIDTH as f32, y), 4.0, rgb(0xfafafa), 0.0);
    }
    let finish = if flip { 300.0 } else { 900.0 };
    c.line((finish, top), (finish, bottom), 10.0, rgb(0xfafafa), 0.0);
    // Bunting on a sagging string across the top.
    let sag = |x: f32| 60.0 + 70.0 * (1.0 - ((x - 600.0) / 600.0).powi(2));
    c.line(
        (0.0, sag(0.0)),
        (600.0, sag(600.0)),
        3.0,
        rgb(0x555555),
        0.0,
    );
    c.line(
        (600.0, sag(600.0)),
        (1200.0, sag(1200.0)),
        3.0,
        rgb(0x555555),
        0.0,
    );
    let offset = variant as usize;
    for i in 0..15 {
        let x = 20.0 + i as f32 * 80.0;
        let y = sag(x + 25.0);
        let colour = BUNTING[(i + offset) % BUNTING.len()];
        c.polygon(
            &[(x, y - 2.0), (x + 50.0, y - 2.0), (x + 25.0, y + 55.0)],
            colour,
        );
    }
    for _ in 0..5 {
        let (x, y) = (
            dice.between(60.0, 1140.0),
            dice.between(horizon + 30.0, top - 20.0),
        );
        c.polygon(
            &[(x - 22.0, y + 30.0), (x + 22.0, y + 30.0), (x, y - 30.0)],
            rgb(0xf39c12),
        );
        c.rect(x - 28.0, y + 26.0, 56.0, 8.0, rgb(0xd35400));
    }
    let (bx, by) = (
        dice.between(150.0, 1050.0),
        dice.between(bottom + 40.0, 860.0),
    );
    c.disc(bx + 5.0, by + 30.0, 34.0, rgb(0x2e6b28), 0.4);
    c.disc(bx, by, 36.0, rgb(0xfdfdfd), 1.0);
    c.disc(bx, by, 12.0, rgb(0x222222), 1.0);
    c.jpeg()
}

/// A child's crayon drawing of the school: a rainbow (De Regenboog), the sun, a house, a tree and
/// grass on white paper. No child is recognisable in it.
pub fn drawing() -> Vec<u8> {
    let mut c = Canvas::new(|x, y| shade(rgb(0xfbf8f0), 0.97 + 0.03 * grain(x, y, 3)));
    let crayon = 0.45;
    // The rainbow: bands of the arc drawn as short crayon strokes.
    let bands = [
        rgb(0xe74c3c),
        rgb(0xf39c12),
        rgb(0xf1c40f),
        rgb(0x27ae60),
        rgb(0x2980b9),
        rgb(0x8e44ad),
    ];
    for (i, colour) in bands.iter().enumerate() {
        let r = 430.0 - i as f32 * 26.0;
        let steps = 60;
        for s in 0..steps {
            let a0 = std::f32::consts::PI * (1.0 + s as f32 / steps as f32);
            let a1 = std::f32::consts::PI * (1.0 + (s + 1) as f32 / steps as f32);
            let p0 = (600.0 + r * a0.cos(), 640.0 + r * a0.sin());
            let p1 = (600.0 + r * a1.cos(), 640.0 + r * a1.sin());
            c.line(p0, p1, 24.0, *colour, crayon);
        }
    }
    // The sun with its rays.
    c.disc(150.0, 140.0, 70.0, rgb(0xf7d031), 0.9);
    for k in 0..12 {
        let a = k as f32 * std::f32::consts::TAU / 12.0;
        let from = (150.0 + 85.0 * a.cos(), 140.0 + 85.0 * a.sin());
        let to = (150.0 + 130.0 * a.cos(), 140.0 + 130.0 * a.sin());
        c.line(from, to, 10.0, rgb(0xf0b020), crayon);
    }
    // The school: walls, roof, door and windows.
    c.rect(470.0, 470.0, 260.0, 230.0, rgb(0xe8845c));
    c.polygon(
        &[(440.0, 475.0), (760.0, 475.0), (600.0, 350.0)],
        rgb(0x8e3b2e),
    );
    c.rect(575.0, 600.0, 55.0, 100.0, rgb(0x5d4037));
    for wx in [500.0, 665.0] {
        c.rect(wx, 510.0, 45.0, 45.0, rgb(0x9ad0f5));
        c.line(
            (wx + 22.0, 510.0),
            (wx + 22.0, 555.0),
            4.0,
            rgb(0x555555),
            0.0,
        );
        c.line((wx, 532.0), (wx + 45.0, 532.0), 4.0, rgb(0x555555), 0.0);
    }
    // A tree.
    c.rect(930.0, 520.0, 40.0, 180.0, rgb(0x7b4a26));
    for (dx, dy, r) in [(0.0, 0.0, 85.0), (-60.0, 40.0, 60.0), (60.0, 40.0, 60.0)] {
        c.disc(950.0 + dx, 470.0 + dy, r, rgb(0x3f9b3a), 0.85);
    }
    // Grass: a zigzag of green crayon along the bottom.
    let mut x = 0.0;
    while x < WIDTH as f32 {
        c.line((x, 760.0), (x + 15.0, 690.0), 8.0, rgb(0x4caf50), crayon);
        c.line(
            (x + 15.0, 690.0),
            (x + 30.0, 760.0),
            8.0,
            rgb(0x4caf50),
            crayon,
        );
        x += 30.0;
    }
    c.line(
        (0.0, 765.0),
        (WIDTH as f32, 765.0),
        14.0,
        rgb(0x388e3c),
        crayon,
    );
    c.jpeg()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_picture_is_a_deterministic_jpeg_of_the_right_size() {
        for (name, paint) in [
            ("leaves", (|| autumn_leaves(1)) as fn() -> Vec<u8>),
            ("table", nature_table),
            ("sports", || sports_day(0)),
            ("drawing", drawing),
        ] {
            let jpeg = paint();
            assert_eq!(jpeg, paint(), "{name} is the same every time");
            let img = image::load_from_memory(&jpeg).expect(name);
            assert_eq!((img.width(), img.height()), (WIDTH, HEIGHT), "{name}");
        }
        assert_ne!(autumn_leaves(1), autumn_leaves(2), "variants differ");
    }
}
