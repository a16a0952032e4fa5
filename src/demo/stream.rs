//! The demo's video: a local live HLS stream (a test pattern and a tone, encoded by ffmpeg in
//! real time, served on 127.0.0.1), so the recorder and the clipper work without Kick. The
//! encoder stops after 15 minutes; it is restarted like a streamer reconnecting.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::media::hls_source::HlsSource;
use crate::media::orphans;

/// How often the keeper looks at the encoder.
const CHECK_EVERY: Duration = Duration::from_secs(5);

pub struct DemoStream {
    /// For `[recorder] stream_url`.
    pub url: String,
    keeper: JoinHandle<()>,
    stop: CancellationToken,
}

impl DemoStream {
    /// Starts the stream in `<dir>` (emptied first). `Err`: why there is none. The encoder is
    /// noted in `notes` (the recordings dir) like streamlink, so a killed demo leaves no
    /// ffmpeg behind, and one a killed demo left is stopped first: it would write into `dir`.
    pub async fn start(dir: &Path, ffmpeg: &str, notes: &Path) -> std::io::Result<DemoStream> {
        orphans::reap(notes);
        let _ = tokio::fs::remove_dir_all(dir).await;
        tokio::fs::create_dir_all(dir).await?;
        tokio::fs::create_dir_all(notes).await?;
        let src = HlsSource::start(dir, ffmpeg).await?;
        let url = src.url();
        let stop = CancellationToken::new();
        let keeper = tokio::spawn(keep(src, stop.clone(), notes.to_path_buf()));
        Ok(DemoStream { url, keeper, stop })
    }

    /// Stops the encoder and the server.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.keeper.await;
    }
}

async fn keep(mut src: HlsSource, stop: CancellationToken, notes: PathBuf) {
    let mut noted = None;
    renote(&notes, &mut noted, src.encoder_pid());
    loop {
        tokio::select! {
            () = stop.cancelled() => break,
            () = tokio::time::sleep(CHECK_EVERY) => {
                if src.encoder_running() {
                    continue;
                }
                if let Err(e) = src.restart_encoder().await {
                    tracing::warn!("demo stream: cannot restart ffmpeg: {e}");
                    break;
                }
                renote(&notes, &mut noted, src.encoder_pid());
            }
        }
    }
    src.stop().await;
    renote(&notes, &mut noted, None);
}

/// Keeps the children file naming the running encoder: `noted` becomes `running`.
fn renote(notes: &Path, noted: &mut Option<u32>, running: Option<u32>) {
    if let Some(pid) = noted.take() {
        orphans::forget(notes, pid);
    }
    if let Some(pid) = running {
        orphans::note(notes, pid);
    }
    *noted = running;
}
