//! Operations on evaluation evidence: import, comparison, fairness, drift, charts.
