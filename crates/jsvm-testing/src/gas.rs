//! The gas report: per contract and method, how many successful calls and their gas.

use std::collections::BTreeMap;

use serde::Serialize;

/// Gas figures of one contract method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GasStats {
    /// Successful calls counted.
    pub calls: u64,
    /// Least gas one call used.
    pub min: u64,
    /// Most gas one call used.
    pub max: u64,
    /// Gas of all the calls together.
    pub total: u64,
}

impl GasStats {
    /// Mean gas per call, rounded down.
    pub fn avg(&self) -> u64 {
        self.total / self.calls.max(1)
    }
}

/// Gas of successful single-call transactions (deploys as method `(deploy)`), by contract name
/// and method, in name order.
#[derive(Debug, Clone, Default)]
pub struct GasReport {
    rows: BTreeMap<(String, String), GasStats>,
}

impl GasReport {
    pub(crate) fn record(&mut self, contract: &str, method: &str, gas: u64) {
        let row = self.rows.entry((contract.to_string(), method.to_string())).or_insert(GasStats {
            calls: 0,
            min: u64::MAX,
            max: 0,
            total: 0,
        });
        row.calls += 1;
        row.min = row.min.min(gas);
        row.max = row.max.max(gas);
        row.total = row.total.saturating_add(gas);
    }

    /// Adds another report's figures to this one's.
    pub fn merge(&mut self, other: &GasReport) {
        for ((contract, method), s) in &other.rows {
            let row = self.rows.entry((contract.clone(), method.clone())).or_insert(GasStats {
                calls: 0,
                min: u64::MAX,
                max: 0,
                total: 0,
            });
            row.calls += s.calls;
            row.min = row.min.min(s.min);
            row.max = row.max.max(s.max);
            row.total = row.total.saturating_add(s.total);
        }
    }

    /// `(contract, method, figures)` rows in order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &str, &GasStats)> {
        self.rows.iter().map(|((c, m), s)| (c.as_str(), m.as_str(), s))
    }

    /// The report as an aligned text table; empty when no call was counted.
    pub fn table(&self) -> String {
        if self.rows.is_empty() {
            return String::new();
        }
        let header = ["contract", "method", "calls", "min", "avg", "max"].map(String::from);
        let mut lines = vec![header];
        for (c, m, s) in self.rows() {
            lines.push([
                c.into(),
                m.into(),
                s.calls.to_string(),
                jsvm_vm::thousands(s.min),
                jsvm_vm::thousands(s.avg()),
                jsvm_vm::thousands(s.max),
            ]);
        }
        let widths: Vec<usize> =
            (0..6).map(|i| lines.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for line in &lines {
            let cells: Vec<String> =
                line.iter()
                    .enumerate()
                    .map(|(i, cell)| {
                        if i < 2 {
                            format!("{cell:<w$}", w = widths[i])
                        } else {
                            format!("{cell:>w$}", w = widths[i])
                        }
                    })
                    .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_min_avg_max_and_the_table_aligns_them() {
        let mut r = GasReport::default();
        r.record("token", "transfer", 1_000);
        r.record("token", "transfer", 3_001);
        r.record("hello", "(deploy)", 1_234_567);
        let mut other = GasReport::default();
        other.record("token", "transfer", 500);
        r.merge(&other);
        let t = r.rows().find(|(_, m, _)| *m == "transfer").unwrap().2;
        assert_eq!((t.calls, t.min, t.avg(), t.max), (3, 500, 1_500, 3_001));
        assert_eq!(
            r.table(),
            "contract  method    calls        min        avg        max\n\
             hello     (deploy)      1  1,234,567  1,234,567  1,234,567\n\
             token     transfer      3        500      1,500      3,001\n"
        );
    }
}
