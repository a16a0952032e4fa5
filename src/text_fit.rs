//! Small text helpers for panes and tables: numbers, sizes, and cutting text to a width
//! (by terminal columns, not characters).

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// `1234567` → `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1.23 GB`, `45.2 MB`, `512 KB`.
pub fn bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.0} KB", n / 1e3)
    }
}

/// At most `max` columns, cut at the end with `…`.
pub fn shorten(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = fitting(s.graphemes(true), max).concat();
    out.push('…');
    out
}

/// At most `max` columns: whole, else its leading clauses up to a `: ` or `; ` (the reason
/// after `try q_and_a: ` goes whole), else cut with `…` (`shorten`).
pub fn shorten_clauses(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    // The longest run of whole clauses that fits.
    let clause_end = s
        .match_indices([':', ';'])
        .rev()
        .map(|(i, _)| i)
        .find(|&i| i > 0 && s[i + 1..].starts_with(' ') && s[..i].width() <= max);
    match clause_end {
        Some(i) => s[..i].to_string(),
        None => shorten(s, max),
    }
}

/// At most `max` characters, cut at the end with `…` (words quoted in a message, where
/// columns do not matter).
pub fn cut_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// `s` cut to `max` columns (`shorten`) and padded with spaces to exactly `max`.
pub fn fit(s: &str, max: usize) -> String {
    let mut out = shorten(s, max);
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', max.saturating_sub(used)));
    out
}

/// The graphemes from the start of `gs` that fit in `max` columns with one kept for the `…`.
/// By grapheme: `❤️` is two characters and two columns.
fn fitting<'a>(gs: impl Iterator<Item = &'a str>, max: usize) -> Vec<&'a str> {
    let mut w = 1;
    gs.take_while(|g| {
        w += g.width();
        w <= max
    })
    .collect()
}

/// At most `max` columns, cut at the start with `…` (paths: the end matters most).
pub fn shorten_left(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let tail = fitting(s.graphemes(true).rev(), max);
    std::iter::once("…").chain(tail.into_iter().rev()).collect()
}

/// At most `max` columns of a text that ends with a file's path (from byte `path_at`): the
/// path loses its directory from the left (`clip ready: …/clips/x_m12.mp4`), at a `/` where
/// one is left, so the file name goes last.
pub fn shorten_path_end(s: &str, path_at: usize, max: usize) -> String {
    if s.width() <= max {
        return s.to_string();
    }
    let Some((head, path)) = s.split_at_checked(path_at) else {
        return shorten(s, max);
    };
    // The head's aside (`clip #7 ready (26.5 s): `) gives way before the file name does.
    let file_w = path.rsplit('/').next().map_or(0, |f| f.width() + 2);
    let head = if head.width() + file_w > max {
        shorten_aside(head, max.saturating_sub(file_w))
    } else {
        head.to_string()
    };
    if head.width() + 8 > max {
        return shorten(s, max);
    }
    let tail = shorten_left(path, max - head.width());
    // `…ips/x.mp4` → `…/x.mp4`: no half a directory name.
    let tail = match tail
        .strip_prefix('…')
        .and_then(|t| t.find('/').map(|i| &t[i..]))
    {
        Some(from_slash) => format!("…{from_slash}"),
        None => tail,
    };
    format!("{head}{tail}")
}

/// `before (aside): ` in at most `max` columns: the aside cut at its end, or left out.
fn shorten_aside(head: &str, max: usize) -> String {
    let (Some(open), Some(inner_end)) = (head.find(" ("), head.strip_suffix("): ")) else {
        return head.to_string();
    };
    let Some(inner) = inner_end.get(open + 2..) else {
        return head.to_string();
    };
    let before = &head[..open];
    // ` (` and `): ` around it.
    let room = max.saturating_sub(before.width() + 5);
    if room >= 6 {
        format!("{before} ({}): ", shorten(inner, room))
    } else {
        format!("{before}: ")
    }
}

/// One piece of a one-line text: its rank (lower stays longer as the line narrows) and its
/// width whole and, when it has one, in a shorter form.
#[derive(Clone, Copy, Debug)]
pub struct Piece {
    pub rank: u8,
    pub full: usize,
    pub short: Option<usize>,
}

/// How each piece shows in `max` columns with `sep` columns between shown pieces: `None` left
/// out, `Some(true)` whole, `Some(false)` short. Rank by rank, pieces are placed while they fit,
/// each in its short form when it has one (one that does not fit lets smaller ones after it
/// try), then grow back to whole while there is room, before a lower rank gets any. Pieces are
/// never cut: a value does not lose half its unit.
pub fn keep_by_rank(pieces: &[Piece], sep: usize, max: usize) -> Vec<Option<bool>> {
    let mut used = 0usize;
    let mut shown: Vec<Option<bool>> = vec![None; pieces.len()];
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&i| pieces[i].rank);
    for of_rank in order.chunk_by(|&a, &b| pieces[a].rank == pieces[b].rank) {
        for &i in of_rank {
            let p = pieces[i];
            let gap = if used == 0 { 0 } else { sep };
            if used + gap + p.short.unwrap_or(p.full) <= max {
                used += gap + p.short.unwrap_or(p.full);
                shown[i] = Some(p.short.is_none());
            }
        }
        for &i in of_rank {
            let p = pieces[i];
            if let (Some(false), Some(short)) = (shown[i], p.short) {
                let grow = p.full.saturating_sub(short);
                if used + grow <= max {
                    used += grow;
                    shown[i] = Some(true);
                }
            }
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_cuts() {
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(group_digits(999), "999");
        assert_eq!(bytes(1_230_000_000), "1.23 GB");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten_left("/a/b/c/d", 5), "…/c/d");
        // Wide characters (emoji, CJK) take two columns: the cut never runs past `max`.
        for max in 1..12 {
            for text in ["ab🎉🎉🎉 絶対 ok", "a❤️❤️❤️❤️bc", "👍🏽👍🏽 ok"]
            {
                let cut = shorten(text, max);
                assert!(cut.width() <= max, "{cut:?} at {max}");
                let cut = shorten_left(text, max);
                assert!(cut.width() <= max, "{cut:?} at {max}");
            }
        }
        assert_eq!(shorten("ab", 0), "");
    }

    #[test]
    fn a_path_at_the_end_keeps_its_file_name() {
        let s = "clip ready: /srv/kicktui/clips/clavicular_s001_m12.mp4";
        assert_eq!(shorten_path_end(s, 12, 60), s);
        assert_eq!(
            shorten_path_end(s, 12, 40),
            "clip ready: …/clavicular_s001_m12.mp4"
        );
        assert_eq!(
            shorten_path_end(s, 12, 45),
            "clip ready: …/clips/clavicular_s001_m12.mp4"
        );
        // Too short for the file name: its end (the moment's number) stays.
        assert_eq!(shorten_path_end(s, 12, 28), "clip ready: …ar_s001_m12.mp4");
        // No room for a path after the lead: cut at the end as any text.
        assert_eq!(shorten_path_end(s, 12, 16), "clip ready: /sr…");
        // An aside in the head is cut, then left out, before the file name.
        let s = "clip #12 ready (short: 56.2 of 60 s, the disk was full): /srv/clips/x_m12.mp4";
        let at = s.find("/srv").unwrap_or_default();
        assert_eq!(
            shorten_path_end(s, at, 50),
            "clip #12 ready (short: 56.2 of 60 s…): …/x_m12.mp4"
        );
        assert_eq!(shorten_path_end(s, at, 30), "clip #12 ready: …/x_m12.mp4");
    }

    #[test]
    fn clauses_go_whole_before_a_word_is_cut() {
        let advice = "try q_and_a: chat is slowing";
        assert_eq!(shorten_clauses(advice, 40), advice);
        assert_eq!(shorten_clauses(advice, 11), "try q_and_a");
        assert_eq!(shorten_clauses(advice, 10), "try q_and…");
        let mark = "marked at 0:12:06 (saved #6): as shown 6 s before the key";
        // `0:12:06` has colons but no clause ends in it.
        assert_eq!(shorten_clauses(mark, 40), "marked at 0:12:06 (saved #6)");
        assert_eq!(shorten_clauses("a; b: c", 4), "a; b");
    }

    #[test]
    fn pieces_are_dropped_whole_lowest_rank_first() {
        let p = |rank, full, short| Piece { rank, full, short };
        // label(9) size(9) rate(13): the rate, ranked last, goes whole; the size stays.
        let line = [p(0, 9, None), p(2, 9, None), p(3, 13, None)];
        assert_eq!(
            keep_by_rank(&line, 0, 28),
            vec![Some(true), Some(true), None]
        );
        assert_eq!(keep_by_rank(&line, 0, 31), vec![Some(true); 3]);
        // A piece that does not fit lets a smaller one after it in; a short form stands in.
        let line = [
            p(0, 5, None),
            p(1, 20, None),
            p(1, 4, None),
            p(1, 12, Some(3)),
        ];
        assert_eq!(
            keep_by_rank(&line, 1, 16),
            vec![Some(true), None, Some(true), Some(false)]
        );
        assert_eq!(
            keep_by_rank(&line, 1, 24),
            vec![Some(true), None, Some(true), Some(true)]
        );
    }
}
