//! Videos through Debian's `ffmpeg`: every upload becomes an H.264/AAC MP4 that plays on iPhone and
//! Android browsers, turned upright, with all metadata (location, device, dates) dropped, plus one
//! frame as poster image (which then goes through the photo pipeline like any photo).
use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tokio::process::Command;

use super::model::Refusal;

/// A school video is minutes long; transcoding one must not hold the job runner forever.
const TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// Whether `ffmpeg` can be run at all (checked once at start).
pub fn ffmpeg_works(ffmpeg: &Path) -> bool {
    std::process::Command::new(ffmpeg)
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

async fn run(ffmpeg: &Path, args: &[&str]) -> Result<(), Refusal> {
    let child = Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .status();
    match tokio::time::timeout(TIMEOUT, child).await {
        Ok(Ok(status)) if status.success() => Ok(()),
        Ok(Ok(_)) => Err(Refusal::new("media_unreadable")),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "ffmpeg could not be started");
            Err(Refusal::new("media_video_unavailable"))
        }
        Err(_) => Err(Refusal::new("media_video_too_long")),
    }
}

/// The length of a video in seconds as its container declares it, read by `ffprobe` (next to
/// `ffmpeg`) without decoding a frame; `None` when it cannot be read.
pub async fn duration_secs(ffmpeg: &Path, input: &Path) -> Option<f64> {
    let ffprobe = ffmpeg.with_file_name("ffprobe");
    let output = Command::new(ffprobe)
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(input)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .ok()?
        .ok()?;
    let secs: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .ok()?;
    secs.is_finite().then_some(secs)
}

pub struct Transcoded {
    pub mp4: PathBuf,
    pub poster: Vec<u8>,
}

/// Transcodes `input` into `dir`: `video.mp4` (at most 1280 px on the long side, fast start for
/// streaming, never longer than `max_secs` whatever the container claimed) and a poster frame. One
/// thread: a transcode never takes the whole server.
pub async fn transcode(
    ffmpeg: &Path,
    input: &Path,
    dir: &Path,
    max_secs: u64,
) -> Result<Transcoded, Refusal> {
    let mp4 = dir.join("video.mp4");
    let poster = dir.join("poster.png");
    let input = input.to_string_lossy();
    let out = mp4.to_string_lossy();
    let max = max_secs.to_string();
    run(
        ffmpeg,
        &[
            "-threads",
            "1",
            "-i",
            &input,
            "-t",
            &max,
            "-threads",
            "1",
            "-filter_threads",
            "1",
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            // Drop every tag, chapter and stream metadata: location, device and dates go.
            "-map_metadata",
            "-1",
            "-map_metadata:s:v",
            "-1",
            "-map_metadata:s:a",
            "-1",
            "-map_chapters",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-vf",
            "scale='if(gt(iw,ih),min(1280,iw),-2)':'if(gt(iw,ih),-2,min(1280,ih))'",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "24",
            "-profile:v",
            "high",
            "-level",
            "4.0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-ac",
            "2",
            "-movflags",
            "+faststart",
            &out,
        ],
    )
    .await?;
    run(
        ffmpeg,
        &[
            "-i",
            &out,
            "-frames:v",
            "1",
            "-map_metadata",
            "-1",
            &poster.to_string_lossy(),
        ],
    )
    .await?;
    let poster = tokio::fs::read(&poster)
        .await
        .map_err(|_| Refusal::new("media_unreadable"))?;
    Ok(Transcoded { mp4, poster })
}
