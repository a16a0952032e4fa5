use super::*;

#[test]
fn a_404_stops_the_lookup_at_start_but_only_delays_polling_mid_run() {
    let (at_start, retry) = trouble_words(&ApiError::NotFound, true);
    assert!(at_start.contains("check the spelling"), "{at_start}");
    assert_eq!(retry, None);
    let (mid_run, retry) = trouble_words(&ApiError::NotFound, false);
    assert!(mid_run.contains("looking again in 5 min"), "{mid_run}");
    assert_eq!(retry, Some(Duration::from_secs(300)));
    let (_, retry) = trouble_words(&ApiError::Cloudflare, false);
    assert_eq!(retry, Some(Duration::from_secs(300)));
}
