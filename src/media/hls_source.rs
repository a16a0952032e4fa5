//! A live HLS stream on 127.0.0.1 for tests, benchmarks and the demo (media.md §2): ffmpeg
//! encodes a test pattern and a tone in real time into a rolling playlist, and a tiny HTTP
//! server serves the directory. Faults can be injected: kill or restart the encoder, end the
//! stream, hang the server. Frames are stamped with wall-clock time (`-output_ts_offset`:
//! seconds since UTC midnight), so a test can check which moment a clip really shows.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use nix::sys::signal::Signal;
use tokio::process::Command;
use tokio::task::JoinHandle;

use super::children::{Tracked, signal_group};
use crate::time::{Ts, wall_now};

/// ffmpeg's mpegts muxer delays timestamps by about this much (media.md §2: 1.3–1.4 s).
pub const MUX_DELAY_S: f64 = 1.4;
const MS_PER_DAY: i64 = 86_400_000;

#[derive(Clone)]
struct Served {
    dir: PathBuf,
    hung: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
}

async fn serve_file(State(s): State<Served>, UrlPath(name): UrlPath<String>) -> Response {
    if s.hung.load(Ordering::Relaxed) {
        // Like a SIGSTOPped server: the connection is accepted and never answered.
        std::future::pending::<()>().await;
    }
    if s.down.load(Ordering::Relaxed) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if name.contains('/') || name.contains("..") {
        return StatusCode::NOT_FOUND.into_response();
    }
    let kind = if name.ends_with(".m3u8") {
        "application/vnd.apple.mpegurl"
    } else {
        "video/mp2t"
    };
    match tokio::fs::read(s.dir.join(&name)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, kind)], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

pub struct HlsSource {
    dir: PathBuf,
    ffmpeg: String,
    port: u16,
    hung: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
    encoder: Option<Tracked>,
    server: JoinHandle<()>,
    /// The first segment's number of a fresh encoder (not one appending to the playlist).
    first_number: u64,
}

impl HlsSource {
    /// Starts the encoder into `dir` and the server on a free port. `dir` must exist.
    pub async fn start(dir: &Path, ffmpeg: &str) -> std::io::Result<HlsSource> {
        Self::start_numbered(dir, ffmpeg, 0).await
    }

    /// As [`start`](Self::start), the first segment numbered `first` (a stream that has run
    /// a while).
    pub async fn start_numbered(
        dir: &Path,
        ffmpeg: &str,
        first: u64,
    ) -> std::io::Result<HlsSource> {
        let hung = Arc::new(AtomicBool::new(false));
        let down = Arc::new(AtomicBool::new(false));
        let state = Served {
            dir: dir.to_path_buf(),
            hung: hung.clone(),
            down: down.clone(),
        };
        let app = axum::Router::new()
            .route("/{name}", axum::routing::get(serve_file))
            .with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let port = listener.local_addr()?.port();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let mut src = HlsSource {
            dir: dir.to_path_buf(),
            ffmpeg: ffmpeg.to_string(),
            port,
            hung,
            down,
            encoder: None,
            server,
            first_number: first,
        };
        src.spawn_encoder(false)?;
        Ok(src)
    }

    /// The URL to hand streamlink (`[recorder] stream_url`).
    pub fn url(&self) -> String {
        format!("hls://http://127.0.0.1:{}/live.m3u8", self.port)
    }

    pub fn playlist(&self) -> PathBuf {
        self.dir.join("live.m3u8")
    }

    pub fn encoder_pid(&self) -> Option<u32> {
        self.encoder.as_ref().map(|e| e.pid)
    }

    fn spawn_encoder(&mut self, append: bool) -> std::io::Result<()> {
        let now = wall_now();
        let offset = now.0.rem_euclid(MS_PER_DAY) as f64 / 1000.0;
        let flags = if append {
            "delete_segments+program_date_time+independent_segments+temp_file+append_list"
        } else {
            "delete_segments+program_date_time+independent_segments+temp_file"
        };
        let mut cmd = Command::new(&self.ffmpeg);
        cmd.args(["-hide_banner", "-nostdin", "-loglevel", "error"])
            .args(["-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15"])
            .args(["-re", "-f", "lavfi", "-i"])
            .arg("sine=frequency=440:sample_rate=48000:beep_factor=4")
            .args([
                "-map",
                "0:v",
                "-map",
                "1:a",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
            ])
            .args([
                "-tune",
                "zerolatency",
                "-pix_fmt",
                "yuv420p",
                "-b:v",
                "300k",
            ])
            .args(["-g", "30", "-keyint_min", "30", "-sc_threshold", "0"])
            .args([
                "-c:a", "aac", "-b:a", "32k", "-ar", "48000", "-ac", "2", "-t", "900",
            ])
            .args(["-output_ts_offset", &format!("{offset:.3}")])
            .args(["-f", "hls", "-hls_time", "2", "-hls_list_size", "6"])
            .args(["-start_number", &self.first_number.to_string()])
            .args(["-hls_flags", flags, "-hls_segment_filename"])
            .arg(self.dir.join("seg_%06d.ts"))
            .arg(self.playlist())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        self.encoder = Some(Tracked::spawn(&mut cmd)?);
        Ok(())
    }

    /// Waits until the playlist lists at least `segments` segments.
    pub async fn wait_segments(&self, segments: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while tokio::time::Instant::now() < deadline {
            let text = tokio::fs::read_to_string(self.playlist())
                .await
                .unwrap_or_default();
            if text.matches("#EXTINF").count() >= segments {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// Whether the encoder still runs (it ends by itself after its `-t` of 15 minutes).
    pub fn encoder_running(&mut self) -> bool {
        self.encoder
            .as_mut()
            .is_some_and(|e| matches!(e.child.try_wait(), Ok(None)))
    }

    /// A crash: SIGKILL the encoder. The playlist goes stale (no `#EXT-X-ENDLIST`).
    pub async fn kill_encoder(&mut self) {
        if let Some(mut e) = self.encoder.take() {
            signal_group(e.pid, Signal::SIGKILL);
            e.wait().await;
        }
    }

    /// A streamer reconnect: a new encoder appends to the playlist after a discontinuity.
    pub async fn restart_encoder(&mut self) -> std::io::Result<()> {
        self.kill_encoder().await;
        self.spawn_encoder(true)
    }

    /// A new encoder that numbers its segments from 0 again, in a new playlist (no
    /// discontinuity: an encoder that knows nothing of the last one).
    pub async fn restart_encoder_renumbered(&mut self) -> std::io::Result<()> {
        self.kill_encoder().await;
        self.first_number = 0;
        self.spawn_encoder(false)
    }

    /// A clean end: SIGINT makes ffmpeg write `#EXT-X-ENDLIST`.
    pub async fn end_stream(&mut self) {
        if let Some(mut e) = self.encoder.take() {
            signal_group(e.pid, Signal::SIGINT);
            if tokio::time::timeout(Duration::from_secs(5), e.wait())
                .await
                .is_err()
            {
                e.terminate(Duration::from_secs(1)).await;
            }
        }
    }

    /// Makes every request hang (true) or answer again (false).
    pub fn hang(&self, on: bool) {
        self.hung.store(on, Ordering::Relaxed);
    }

    /// Makes every request fail at once, 503 (true), as a server that is down, or serve
    /// again (false); the encoder goes on meanwhile.
    pub fn down(&self, on: bool) {
        self.down.store(on, Ordering::Relaxed);
    }

    /// Stops the encoder and the server.
    pub async fn stop(&mut self) {
        self.kill_encoder().await;
        self.server.abort();
    }
}

impl Drop for HlsSource {
    fn drop(&mut self) {
        // The encoder's `Tracked` kills its group when dropped; the server ends with its task.
        self.server.abort();
    }
}

/// The wall time a frame was made, from its stamped PTS (seconds since UTC midnight plus the
/// mux delay), taking the day from `near` (a wall time within a few hours of it).
pub fn stamped_wall_time(pts_s: f64, near: Ts) -> Ts {
    let day_start = near.0 - near.0.rem_euclid(MS_PER_DAY);
    let mut t = Ts(day_start + ((pts_s - MUX_DELAY_S) * 1000.0).round() as i64);
    // Around midnight the stamp may belong to the day before or after `near`.
    if t.0 - near.0 > MS_PER_DAY / 2 {
        t = Ts(t.0 - MS_PER_DAY);
    } else if near.0 - t.0 > MS_PER_DAY / 2 {
        t = Ts(t.0 + MS_PER_DAY);
    }
    t
}
