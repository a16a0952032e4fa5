//! Free space on the disk holding a path, for the recorder's warnings and `doctor`.

use std::path::Path;

/// Bytes an unprivileged process may still write there.
// The block count is u32 on macOS and u64 on Linux: `from` builds on both.
#[allow(clippy::useless_conversion)]
pub fn free_bytes(path: &Path) -> nix::Result<u64> {
    nix::sys::statvfs::statvfs(path)
        .map(|s| u64::from(s.blocks_available()).saturating_mul(u64::from(s.fragment_size())))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_real_directory_has_some_space_and_a_missing_one_is_an_error() {
        let dir = std::env::temp_dir();
        assert!(super::free_bytes(&dir).is_ok_and(|b| b > 0));
        assert!(super::free_bytes(&dir.join("no/such/dir/here")).is_err());
    }
}
