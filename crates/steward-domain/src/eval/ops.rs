//! Operational numbers: latency percentiles from samples (or given percentiles), error and
//! timeout rates, cost per 1,000 requests, safety rates.

use serde::{Deserialize, Serialize};

/// Latency percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
}

impl Percentiles {
    /// Percentiles of `samples` (sorted in place), by linear interpolation between closest
    /// ranks — numpy's default, so a load-test script and Steward agree. None when empty.
    pub fn from_samples(samples: &mut [f64]) -> Option<Percentiles> {
        samples.sort_by(f64::total_cmp);
        Some(Percentiles {
            p50: percentile(samples, 50.0)?,
            p95: percentile(samples, 95.0)?,
            p99: percentile(samples, 99.0)?,
        })
    }
}

/// The p-th percentile (0–100) of sorted `samples`, linear interpolation.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let rank = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let frac = rank - lo as f64;
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * frac)
}

/// `count / total × per` (a rate per request, or per 1,000 with `per = 1000`); None when
/// there were no requests.
pub fn rate_per(count: f64, total: f64, per: f64) -> Option<f64> {
    (total > 0.0).then(|| count / total * per)
}

/// The operational summary of a load test or KPI export.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OpsCounts {
    /// Requests served.
    pub requests: f64,
    /// Requests that failed.
    pub errors: f64,
    /// Requests that timed out.
    pub timeouts: f64,
    /// Total cost in USD.
    pub cost_usd: f64,
    /// Requests blocked by safety filters.
    pub blocked: f64,
    /// Requests escalated to human review.
    pub escalated: f64,
    /// PII detector hits.
    pub pii_hits: f64,
}

/// Rates derived from [`OpsCounts`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OpsRates {
    /// errors / requests.
    pub error_rate: f64,
    /// timeouts / requests.
    pub timeout_rate: f64,
    /// cost per 1,000 requests, USD.
    pub cost_per_1k_usd: f64,
    /// blocked / requests.
    pub block_rate: f64,
    /// escalated / requests.
    pub escalation_rate: f64,
    /// PII detector hits per 1,000 requests.
    pub pii_hits_per_1k: f64,
}

impl OpsCounts {
    /// The rates, or None when no request was served.
    pub fn rates(&self) -> Option<OpsRates> {
        let r = |c: f64, per: f64| rate_per(c, self.requests, per);
        Some(OpsRates {
            error_rate: r(self.errors, 1.0)?,
            timeout_rate: r(self.timeouts, 1.0)?,
            cost_per_1k_usd: r(self.cost_usd, 1000.0)?,
            block_rate: r(self.blocked, 1.0)?,
            escalation_rate: r(self.escalated, 1.0)?,
            pii_hits_per_1k: r(self.pii_hits, 1000.0)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([…], [50, 95, 99]) for each case.
        let cases: &[(&[f64], [f64; 3])] = &[
            (&[1.0], [1.0, 1.0, 1.0]),
            (&[1.0, 2.0], [1.5, 1.95, 1.99]),
            (&[10.0, 20.0, 30.0, 40.0], [25.0, 38.5, 39.7]),
            (&[5.0, 1.0, 3.0], [3.0, 4.8, 4.96]),
        ];
        for (samples, want) in cases {
            let mut s = samples.to_vec();
            let p = Percentiles::from_samples(&mut s).expect("some");
            for (got, want) in [p.p50, p.p95, p.p99].iter().zip(want) {
                assert!((got - want).abs() < 1e-9, "{samples:?}: {got} vs {want}");
            }
        }
        assert_eq!(Percentiles::from_samples(&mut []), None);
    }

    #[test]
    fn rates() {
        let c = OpsCounts {
            requests: 20_000.0,
            errors: 30.0,
            timeouts: 4.0,
            cost_usd: 64.0,
            blocked: 200.0,
            escalated: 20.0,
            pii_hits: 2.0,
        };
        let r = c.rates().expect("rates");
        let cases = [
            (r.error_rate, 0.0015),
            (r.timeout_rate, 0.0002),
            (r.cost_per_1k_usd, 3.2),
            (r.block_rate, 0.01),
            (r.escalation_rate, 0.001),
            (r.pii_hits_per_1k, 0.1),
        ];
        for (got, want) in cases {
            assert!((got - want).abs() < 1e-12, "{got} vs {want}");
        }
        assert_eq!(OpsCounts::default().rates(), None);
    }
}
