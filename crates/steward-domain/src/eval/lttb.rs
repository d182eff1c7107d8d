//! Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): keeps the first and last
//! point and, from each of `threshold − 2` buckets, the point forming the largest triangle
//! with the previously kept point and the next bucket's average. Peaks and dips survive,
//! so a million-point KPI series drawn from a few thousand points looks the same.

/// Downsamples `points` (sorted by x) to at most `threshold` points. Returns them unchanged
/// when already small enough or when `threshold < 3`.
pub fn lttb(points: &[(f64, f64)], threshold: usize) -> Vec<(f64, f64)> {
    let n = points.len();
    if threshold >= n || threshold < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(threshold);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0usize;
    out.push(points[0]);
    for i in 0..threshold - 2 {
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        let next_start = end;
        let next_end = ((((i + 2) as f64) * every) as usize + 1).min(n);
        let next = &points[next_start..next_end.max(next_start + 1).min(n)];
        let (avg_x, avg_y) = {
            let len = next.len() as f64;
            let (sx, sy) = next
                .iter()
                .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + x, sy + y));
            (sx / len, sy / len)
        };
        let (ax, ay) = points[a];
        let mut best = start;
        let mut best_area = -1.0;
        for (j, (x, y)) in points.iter().enumerate().take(end).skip(start) {
            let area = ((ax - avg_x) * (y - ay) - (ax - x) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = j;
            }
        }
        out.push(points[best]);
        a = best;
    }
    out.push(points[n - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ends_size_and_spikes() {
        let pts: Vec<(f64, f64)> = (0..10_000)
            .map(|i| {
                let x = f64::from(i);
                (x, if i == 5_000 { 100.0 } else { (x / 50.0).sin() })
            })
            .collect();
        // (threshold, expected length)
        for (t, len) in [(1000, 1000), (3, 3), (2, 10_000), (20_000, 10_000)] {
            let d = lttb(&pts, t);
            assert_eq!(d.len(), len, "threshold {t}");
            assert_eq!(d.first(), pts.first());
            assert_eq!(d.last(), pts.last());
        }
        let d = lttb(&pts, 500);
        assert!(d.iter().any(|p| p.1 == 100.0), "the spike survives");
        assert!(d.windows(2).all(|w| w[0].0 < w[1].0), "x stays sorted");
    }
}
